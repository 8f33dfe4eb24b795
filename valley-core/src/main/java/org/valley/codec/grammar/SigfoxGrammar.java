package org.valley.codec.grammar;

import java.util.ArrayList;
import java.util.List;
import org.valley.codec.Codec;
import org.valley.codec.DecodeResult;
import org.valley.json.JsonObject;

/**
 * A codec defined by a Sigfox custom payload config, e.g.
 * {@code temp::int:16:little-endian door::bool:7}. Compile a config once with {@link #parse} and
 * decode any number of payloads with the result; instances are immutable and thread-safe.
 *
 * <p>A config is a whitespace-separated list of {@code name:byteIndex:type[:args]}:
 *
 * <ul>
 *   <li>{@code bool:B} &ndash; bit B (7 = most significant) of the byte, a {@code Boolean};
 *   <li>{@code char:L} &ndash; L bytes of ISO-8859-1 text, a {@code String};
 *   <li>{@code uint:N[:endianness[:bitOffset]]}, {@code int:N[...]} &ndash; N bits (1..64), starting
 *       at bit {@code bitOffset} (7..0, default 7) of the byte; {@code Integer} up to 31 bits
 *       unsigned or 32 signed, {@code Long} above, and {@code BigInteger} for an unsigned 64-bit
 *       value above {@code Long.MAX_VALUE};
 *   <li>{@code float:32|64[:endianness]} &ndash; IEEE 754, a {@code Double} (a 32-bit float reads as
 *       the double with its shortest decimal form: 1.1f gives 1.1);
 *   <li>endianness is {@code big-endian} (the default, also when left empty) or
 *       {@code little-endian}.
 * </ul>
 *
 * <p>An empty byte index means: byte 0 for the first field; for a bool, the last byte the previous
 * field covered; for any other field, the byte after that one, or that same byte when the previous
 * field had an explicit bit offset. So {@code Speed::uint:8 Direction::uint:4 Status:1:uint:4::3}
 * reads Direction from bits 7..4 and Status from bits 3..0 of byte 1. How offsets, sub-byte
 * lengths and endianness combine is explained in {@code Bits}.
 *
 * <p>Decoding yields the values in field order, or a rejection naming each field that reaches past
 * the end of the payload. It never throws.
 */
public final class SigfoxGrammar implements Codec {

    private final String config;
    private final Field[] fields;
    /** The payload length that every field fits in: shorter payloads are checked field by field. */
    private final int requiredLength;

    private SigfoxGrammar(String config, Field[] fields) {
        this.config = config;
        this.fields = fields;
        int required = 0;
        for (Field field : fields) {
            required = Math.max(required, field.endByte + 1);
        }
        this.requiredLength = required;
    }

    /**
     * Compiles a config.
     *
     * @param config the custom payload config text
     * @return the codec
     * @throws GrammarException when the config is not valid; the message names the field and the
     *     rule, e.g. {@code field 'temp': uint length must be 1..64 bits, got 80}
     */
    public static SigfoxGrammar parse(String config) {
        return new SigfoxGrammar(config, GrammarParser.parse(config));
    }

    /** The config this codec was compiled from, as given. */
    public String config() {
        return config;
    }

    /**
     * The number of bytes a payload needs for every field to be read.
     *
     * @return one past the highest byte any field covers
     */
    public int requiredLength() {
        return requiredLength;
    }

    @Override
    public DecodeResult decode(byte[] payload, int fPort) {
        if (payload == null) {
            return new DecodeResult.Rejected(List.of("payload is missing"));
        }
        if (payload.length < requiredLength) {
            return truncated(payload.length);
        }
        JsonObject data = new JsonObject(fields.length);
        for (Field field : fields) {
            data.put(field.name, field.read(payload));
        }
        return new DecodeResult.Decoded(data, List.of());
    }

    private DecodeResult truncated(int available) {
        List<String> errors = new ArrayList<>();
        for (Field field : fields) {
            if (field.endByte >= available) {
                int needed = field.endByte - field.startByte + 1;
                errors.add("field '" + field.name + "' needs " + needed + (needed == 1 ? " byte" : " bytes")
                        + " at byte " + field.startByte + " (through byte " + field.endByte
                        + ") but the payload has " + available + (available == 1 ? " byte" : " bytes"));
            }
        }
        return new DecodeResult.Rejected(List.copyOf(errors));
    }

    @Override
    public String toString() {
        return "SigfoxGrammar[" + config + "]";
    }
}
