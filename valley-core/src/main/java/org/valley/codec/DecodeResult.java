package org.valley.codec;

import java.util.List;
import java.util.Map;

/** The outcome of decoding one payload. */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

    /**
     * A successful decode.
     *
     * @param data the decoded values in field order: {@code Number} (Integer, Long, Double, BigInteger
     *     for unsigned 64-bit values above Long.MAX_VALUE), {@code Boolean}, {@code String}, null, or
     *     nested {@code Map<String, Object>} / {@code List<Object>} of the same
     * @param warnings non-fatal remarks, possibly empty
     */
    record Decoded(Map<String, Object> data, List<String> warnings) implements DecodeResult {}

    /**
     * A payload the codec cannot decode.
     *
     * @param errors why, each naming the field and the rule (e.g. {@code "field 'temp' needs 2 bytes at
     *     byte 3 but the payload has 4"})
     */
    record Rejected(List<String> errors) implements DecodeResult {}
}
