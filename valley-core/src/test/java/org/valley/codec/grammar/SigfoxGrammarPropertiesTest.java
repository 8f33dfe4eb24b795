package org.valley.codec.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.valley.codec.DecodeResult;

/**
 * Fuzzes the grammar against an independent reference encoder: random field lists are laid out
 * bit by bit into a payload (with random noise in every bit no field owns), written as config
 * text, and decoding must give back exactly the values encoded.
 */
class SigfoxGrammarPropertiesTest {

    enum Kind { BOOL, CHAR, UINT, INT, FLOAT }

    /**
     * One field to encode. {@code size} picks the bit length (uint/int), text length (char) or
     * width (float); {@code startFresh} moves it to the next whole byte; {@code omitIndex} and
     * {@code omitOffset} write it in the short form when Sigfox's rules give the same position;
     * {@code spelling} varies how big-endian is written (omitted, empty, explicit).
     */
    record Draft(Kind kind, int size, boolean little, long value, boolean startFresh, boolean omitIndex,
            boolean omitOffset, int spelling) {}

    @Provide
    Arbitrary<List<Draft>> drafts() {
        Arbitrary<Draft> draft = Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.integers().between(1, 64),
                        Arbitraries.of(true, false),
                        Arbitraries.longs(),
                        Arbitraries.of(true, false, false),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 2))
                .as(Draft::new);
        return draft.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 2000)
    void decode_referenceEncodedPayload_givesBackEveryValueExactly(
            @ForAll("drafts") List<Draft> drafts, @ForAll long noiseSeed) {
        ReferenceEncoder encoder = new ReferenceEncoder(noiseSeed);
        for (int i = 0; i < drafts.size(); i++) {
            encoder.add("f" + i, drafts.get(i));
        }

        DecodeResult result = SigfoxGrammar.parse(encoder.config()).decode(encoder.payload(), -1);

        assertThat(result).as("config %s", encoder.config()).isInstanceOf(DecodeResult.Decoded.class);
        assertThat(((DecodeResult.Decoded) result).data())
                .as("config %s", encoder.config())
                .containsExactlyEntriesOf(encoder.expected());
    }

    @Provide
    Arbitrary<String> configs() {
        Arbitrary<String> name = Arbitraries.of("a", "b", "temp", "x_1", "n-2", "#", "", "é", "a b", "a!");
        Arbitrary<String> index = Arbitraries.of("", "", "0", "1", "3", "11", "255", "256", "x", "-1", "99999999999", "+1");
        Arbitrary<String> type = Arbitraries.of("bool", "char", "uint", "int", "float", "double", "", "UINT");
        Arbitrary<String> arg = Arbitraries.of("", "0", "1", "3", "4", "7", "8", "12", "16", "24", "31", "32", "33",
                "63", "64", "65", "80", "big-endian", "little-endian", "foo", "٣");
        Arbitrary<String> field = Combinators.combine(name, index, type, arg.list().ofMaxSize(4))
                .as((n, i, t, args) -> n + ":" + i + ":" + t + (args.isEmpty() ? "" : ":" + String.join(":", args)));
        Arbitrary<String> separator = Arbitraries.of(" ", "  ", "\t", " \t ", "\n");
        Arbitrary<String> structured = Combinators.combine(field.list().ofMinSize(0).ofMaxSize(6), separator)
                .as((fields, sep) -> String.join(sep, fields));
        Arbitrary<String> noise = Arbitraries.strings().withChars("ab:0123456789 \t-#_").ofMaxLength(40);
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(30);
        return Arbitraries.oneOf(structured, structured, noise, anything);
    }

    @Provide
    Arbitrary<List<byte[]>> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(12).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 3000)
    void parseAndDecode_arbitraryConfigAndPayload_neverThrowAnythingButGrammarException(
            @ForAll("configs") String config, @ForAll("payloads") List<byte[]> payloads) {
        SigfoxGrammar grammar;
        try {
            grammar = SigfoxGrammar.parse(config);
        } catch (GrammarException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        for (byte[] payload : payloads) {
            DecodeResult result = grammar.decode(payload, -1);
            assertThat(result).isNotNull();
            if (result instanceof DecodeResult.Rejected rejected) {
                assertThat(rejected.errors()).isNotEmpty();
                assertThat(payload.length).isLessThan(grammar.requiredLength());
            } else {
                assertThat(payload.length).isGreaterThanOrEqualTo(grammar.requiredLength());
            }
        }
    }

    @Property(tries = 500)
    void decode_arbitraryPayloadOfUpTo12Bytes_neverThrows(
            @ForAll("configs") String config, @ForAll @Size(max = 12) byte[] payload) {
        try {
            assertThat(SigfoxGrammar.parse(config).decode(payload, -1)).isNotNull();
        } catch (GrammarException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /**
     * Lays fields out in a bit array, in stream order (byte 0 first, bit 7 first), independently of
     * the decoder's shift arithmetic: values are spread bit by bit with BigInteger.testBit.
     */
    static final class ReferenceEncoder {

        private final boolean[] bits = new boolean[256 * 8];
        private final boolean[] owned = new boolean[256 * 8];
        private final Random noise;
        private final List<String> fields = new ArrayList<>();
        private final Map<String, Object> expected = new LinkedHashMap<>();
        private int cursor; // next free bit of the stream
        private int lastByte = -1;
        private boolean previousOffset;

        ReferenceEncoder(long seed) {
            noise = new Random(seed);
        }

        void add(String name, Draft d) {
            switch (d.kind()) {
                case BOOL -> bool(name, d);
                case CHAR -> text(name, d);
                case UINT, INT -> integer(name, d);
                case FLOAT -> floating(name, d);
            }
        }

        private void bool(String name, Draft d) {
            int start = cursor / 8;
            int bit = 7 - cursor % 8;
            boolean value = (d.value() & 1) != 0;
            put(cursor, value);
            cursor++;
            String index = d.omitIndex() && start == Math.max(lastByte, 0) ? "" : Integer.toString(start);
            fields.add(name + ":" + index + ":bool:" + bit);
            expected.put(name, value);
            lastByte = start;
            previousOffset = false;
        }

        private void text(String name, Draft d) {
            alignToByte();
            int length = 1 + d.size() % 6;
            byte[] text = new byte[length];
            new Random(d.value()).nextBytes(text);
            int start = cursor / 8;
            spread(new BigInteger(1, text), length * 8, false);
            fields.add(name + ":" + index(start, d) + ":char:" + length);
            expected.put(name, new String(text, StandardCharsets.ISO_8859_1));
            finish(false);
        }

        private void floating(String name, Draft d) {
            alignToByte();
            int width = d.size() % 2 == 0 ? 32 : 64;
            int start = cursor / 8;
            spread(BigInteger.valueOf(d.value()), width, d.little());
            fields.add(name + ":" + index(start, d) + ":float:" + width + endianness(d, false));
            expected.put(name, width == 64
                    ? Double.longBitsToDouble(d.value())
                    : Double.parseDouble(Float.toString(Float.intBitsToFloat((int) d.value()))));
            finish(false);
        }

        private void integer(String name, Draft d) {
            if (d.startFresh()) {
                alignToByte();
            }
            int length = d.size();
            int start = cursor / 8;
            int offset = 7 - cursor % 8;
            BigInteger unsigned = BigInteger.valueOf(d.value())
                    .and(BigInteger.ONE.shiftLeft(length).subtract(BigInteger.ONE));
            spread(unsigned, length, d.little());
            boolean explicitOffset = !(d.omitOffset() && offset == 7);
            String type = d.kind() == Kind.UINT ? "uint" : "int";
            String args = explicitOffset ? endianness(d, true) + ":" + offset : endianness(d, false);
            fields.add(name + ":" + index(start, d) + ":" + type + ":" + length + args);
            expected.put(name, d.kind() == Kind.UINT ? unsignedValue(unsigned, length) : signedValue(unsigned, length));
            finish(explicitOffset);
        }

        private static Object unsignedValue(BigInteger value, int length) {
            if (length <= 31) {
                return value.intValueExact();
            }
            return value.bitLength() <= 63 ? (Object) value.longValueExact() : value;
        }

        private static Object signedValue(BigInteger value, int length) {
            BigInteger signed = value.testBit(length - 1) ? value.subtract(BigInteger.ONE.shiftLeft(length)) : value;
            return length <= 32 ? (Object) signed.intValueExact() : (Object) signed.longValueExact();
        }

        /**
         * Writes the low {@code length} bits of {@code value} from the cursor. The run is cut into
         * chunks at byte boundaries; big-endian writes the value's bits from the top down across
         * the run, little-endian gives the first chunk the lowest bits, the next chunk the bits
         * above, each chunk written top bit first.
         */
        private void spread(BigInteger value, int length, boolean little) {
            List<Integer> chunks = new ArrayList<>();
            for (int pos = cursor, left = length; left > 0; ) {
                int chunk = Math.min(left, 8 - pos % 8);
                chunks.add(chunk);
                pos += chunk;
                left -= chunk;
            }
            int pos = cursor;
            int significance = little ? 0 : length; // bits of the value below this chunk (LE) / above (BE)
            for (int chunk : chunks) {
                int low = little ? significance : significance - chunk;
                for (int k = chunk - 1; k >= 0; k--) {
                    put(pos++, value.testBit(low + k));
                }
                significance = little ? significance + chunk : significance - chunk;
            }
            cursor += length;
        }

        private String index(int start, Draft d) {
            int implied = lastByte < 0 ? 0 : previousOffset ? lastByte : lastByte + 1;
            return d.omitIndex() && start == implied ? "" : Integer.toString(start);
        }

        private static String endianness(Draft d, boolean beforeOffset) {
            if (d.little()) {
                return ":little-endian";
            }
            return switch (d.spelling()) {
                case 0 -> beforeOffset ? ":" : "";
                case 1 -> ":";
                default -> ":big-endian";
            };
        }

        private void finish(boolean explicitOffset) {
            lastByte = (cursor - 1) / 8;
            previousOffset = explicitOffset;
        }

        private void alignToByte() {
            cursor = (cursor + 7) / 8 * 8;
        }

        private void put(int pos, boolean bit) {
            if (owned[pos]) {
                throw new IllegalStateException("reference encoder wrote bit " + pos + " twice");
            }
            owned[pos] = true;
            bits[pos] = bit;
        }

        String config() {
            return String.join(" ", fields);
        }

        Map<String, Object> expected() {
            return expected;
        }

        byte[] payload() {
            byte[] payload = new byte[(cursor + 7) / 8];
            for (int pos = 0; pos < payload.length * 8; pos++) {
                boolean bit = owned[pos] ? bits[pos] : noise.nextBoolean();
                if (bit) {
                    payload[pos / 8] |= (byte) (0x80 >>> (pos % 8));
                }
            }
            return payload;
        }
    }
}
