package org.valley.codec;

import java.util.List;
import java.util.Map;

/**
 * Turns a frame's payload into named values, and optionally named values into a downlink payload.
 * Implementations are thread-safe: one instance decodes frames of many devices concurrently.
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

    /**
     * Decodes one payload received at {@code recvTime} (epoch milliseconds). Codecs that read the
     * reception time (JavaScript ones see it as {@code input.recvTime}) override this.
     */
    default DecodeResult decode(byte[] payload, int fPort, long recvTime) {
        return decode(payload, fPort);
    }

    /**
     * Encodes a downlink from named values ({@code encodeDownlink} of a JavaScript codec).
     *
     * @return the payload and port, or why it cannot be encoded; never throws
     */
    default EncodeResult encodeDownlink(Map<String, Object> data) {
        return new EncodeResult.Rejected(List.of("this codec has no downlink encoder"));
    }

    /** Decodes a downlink payload back into named values ({@code decodeDownlink} of a JavaScript codec). */
    default DecodeResult decodeDownlink(byte[] payload, int fPort) {
        return new DecodeResult.Rejected(List.of("this codec has no downlink decoder"));
    }

    /** Releases what the codec holds (JavaScript contexts); decoding after close is not allowed. */
    default void close() {}
}
