package org.valley.frame;

/**
 * One reception of a frame by a base station or gateway.
 *
 * @param station the base station (Sigfox) or gateway (LoRaWAN) id; never null
 * @param rssi received signal strength in dBm, or null when the network did not report it
 * @param snr signal-to-noise ratio in dB, or null when the network did not report it
 */
public record Reception(String station, Double rssi, Double snr) {
    public Reception {
        if (station == null) {
            throw new IllegalArgumentException("station must not be null");
        }
    }
}
