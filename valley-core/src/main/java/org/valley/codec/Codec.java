package org.valley.codec;

/**
 * Turns a frame's payload into named values. Implementations are immutable and thread-safe: one
 * instance decodes frames of many devices concurrently.
 */
public interface Codec {

    /**
     * Decodes one payload.
     *
     * @param payload the frame's bytes (0 to 12 for Sigfox; never null)
     * @param fPort the LoRaWAN port, or -1 when the network has none (Sigfox)
     * @return {@link DecodeResult.Decoded} with the values, or {@link DecodeResult.Rejected} with the reason;
     *     never throws for any payload
     */
    DecodeResult decode(byte[] payload, int fPort);
}
