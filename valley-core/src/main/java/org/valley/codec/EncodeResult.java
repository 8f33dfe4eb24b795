package org.valley.codec;

import java.util.List;

/** The outcome of encoding a downlink from named values. */
public sealed interface EncodeResult permits EncodeResult.Encoded, EncodeResult.Rejected {

    /**
     * A downlink payload.
     *
     * @param bytes the payload
     * @param fPort the LoRaWAN port the codec chose, or -1 when it named none
     * @param warnings non-fatal remarks, possibly empty
     */
    record Encoded(byte[] bytes, int fPort, List<String> warnings) implements EncodeResult {}

    /** Values the codec cannot encode, with the reasons. */
    record Rejected(List<String> errors) implements EncodeResult {}
}
