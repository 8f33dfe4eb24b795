package org.valley.bench;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * What MQTT devices publish on {@code valley/{tenant}/devices/{deviceId}/up}, and what was
 * acknowledged of it. A payload is 8 raw bytes: temperature (int16 little-endian, tenths of °C),
 * humidity (uint8), a door state (bit 7 of byte 3) and the device's frame index (uint32 big-endian)
 * which the codec leaves alone but which tells the durability check which frames are stored. Every
 * publish is a frame of its own (MQTT frames carry no sequence number). Single-threaded.
 */
final class MqttTraffic {

    /** The grammar that decodes the payload into three readings. */
    static final String GRAMMAR = "temperature:0:int:16:little-endian humidity:2:uint:8 door:3:bool:7";

    private final int devices;
    private final byte[][] topics;
    private final int[] framesSent;
    private final BitSet[] acked;
    private final SplittableRandom random;
    private final byte[] payload = new byte[8];
    private long ackedFrames;

    MqttTraffic(String tenant, int devices, long seed) {
        this.devices = devices;
        this.topics = new byte[devices][];
        this.framesSent = new int[devices];
        this.acked = new BitSet[devices];
        this.random = new SplittableRandom(seed);
        for (int d = 0; d < devices; d++) {
            topics[d] = ("valley/" + tenant + "/devices/" + Fleet.deviceId(d) + "/up").getBytes(StandardCharsets.US_ASCII);
            acked[d] = new BitSet();
        }
    }

    int devices() {
        return devices;
    }

    byte[] topic(int d) {
        return topics[d];
    }

    /** Writes device {@code d}'s next payload into {@link #payload()}; returns the publish's tag. */
    long next(int d) {
        int k = framesSent[d]++;
        int tenths = 190 + random.nextInt(60);
        payload[0] = (byte) tenths;
        payload[1] = (byte) (tenths >> 8);
        payload[2] = (byte) (30 + random.nextInt(40));
        payload[3] = (byte) (random.nextBoolean() ? 0x80 : 0);
        payload[4] = (byte) (k >>> 24);
        payload[5] = (byte) (k >>> 16);
        payload[6] = (byte) (k >>> 8);
        payload[7] = (byte) k;
        return (long) d << 32 | k;
    }

    byte[] payload() {
        return payload;
    }

    /** Books a PUBACK (success) for the publish tagged {@code tag}. */
    void acknowledged(long tag) {
        int d = (int) (tag >>> 32);
        int k = (int) tag;
        if (!acked[d].get(k)) {
            acked[d].set(k);
            ackedFrames++;
        }
    }

    long ackedFrames() {
        return ackedFrames;
    }

    int ackedFrames(int d) {
        return acked[d].cardinality();
    }

    /** The frame indexes of device {@code d} acknowledged. */
    BitSet ackedIndexes(int d) {
        return (BitSet) acked[d].clone();
    }

    /** The frame index a stored payload carries, from its hex. */
    static int index(String payloadHex) {
        return (int) Long.parseLong(payloadHex.substring(8, 16), 16);
    }
}
