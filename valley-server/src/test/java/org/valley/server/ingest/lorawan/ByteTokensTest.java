package org.valley.server.ingest.lorawan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.valley.server.ingest.JsonBody;

/**
 * {@link ByteTokens} gives, for every body it does not give up on, the tokens and values Jackson's
 * parser gives; and it gives up on every body Jackson's parser refuses. Random documents, valid
 * and with bytes changed, are read by both and compared token by token.
 */
class ByteTokensTest {

    private static final String[] NAMES = {"rssi", "snr", "gatewayId", "a", "", "f_cnt", "zz_unknown", "deviceInfo",
        "x y", "0"};
    private static final String[] NUMBERS = {"0", "-0", "7", "-71", "125000", "868100000", "123456789012345678",
        "1234567890123456789", "99999999999999999999", "0.5", "-4.25", "7.5", "45.1885", "1e5", "1E-3", "-2.5e+10",
        "0.000001", "3.141592653589793", "3.1415926535897932384", "1e400", "-1e-400", "0.1", "100.0"};
    private static final String[] STRINGS = {"", "x", "70B3D57E00000001", "2026-12-06T21:03:53.123456789Z",
        "AQDiAikEAZMFAwYD6Ad+Dw==", "with space", "quote\\\"d", "tab\\t", "\\u00e9", "é", "~!@#$%^&*()_+{}[]:;'<>,.?/"};
    private static final String[] PLAIN_NUMBERS = {"0", "-0", "7", "-71", "123456789012345678", "0.5", "-4.25", "45.1885",
        "1e5", "1E-3", "-2.5e+10", "0.000001", "3.141592653589793", "3.1415926535897932384", "1e400", "100.0"};
    private static final String[] PLAIN_STRINGS = {"", "x", "70B3D57E00000001", "2026-12-06T21:03:53.123456789Z",
        "AQDiAikEAZMFAwYD6Ad+Dw==", "with space", "~!@#$%^&*()_+{}[]:;'<>,.?/"};

    @Property(tries = 400)
    void validDocuments_giveJacksonsTokens(@ForAll("seeds") long seed) {
        Random random = new Random(seed);
        StringBuilder doc = new StringBuilder();
        object(random, doc, 0);
        compare(doc.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 400)
    void documentsInTheSubset_areReadWhole(@ForAll("seeds") long seed) {
        Random random = new Random(seed);
        StringBuilder doc = new StringBuilder();
        plain = true;
        try {
            object(random, doc, 0);
        } finally {
            plain = false;
        }
        byte[] body = doc.toString().getBytes(StandardCharsets.UTF_8);
        readAll(body);
        compare(body);
    }

    @Property(tries = 400)
    void documentsWithBytesChanged_areReadAsJacksonReadsThem_orGivenUp(@ForAll("seeds") long seed,
            @ForAll @IntRange(min = 1, max = 4) int changes) {
        Random random = new Random(seed);
        StringBuilder doc = new StringBuilder();
        object(random, doc, 0);
        byte[] body = doc.toString().getBytes(StandardCharsets.UTF_8);
        String alphabet = "0123456789-+.eE\"{}[],:tfnrulx \t\n\\/\u0001\u007f";
        for (int i = 0; i < changes && body.length > 0; i++) {
            int at = random.nextInt(body.length);
            switch (random.nextInt(3)) {
                case 0 -> body[at] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
                case 1 -> body = cut(body, at);
                default -> body[at] = (byte) random.nextInt(256);
            }
        }
        compare(body);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> seeds() {
        return net.jqwik.api.Arbitraries.longs();
    }

    @Test
    void whatItDoesNotRead_isGivenUp() {
        for (String body : new String[] {"", " ", "[]", "\"x\"", "{\"a\":1}x", "{\"a\":1", "{\"a\" 1}", "{\"a\":01}",
                "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":NaN}",
                "{\"a\":\"\\n\"}", "{\"a\":\"\t\"}", "{\"a\":[1,]}", "{\"a\":1,}", "{,\"a\":1}",
                "{\"a\":1 2}", "{'a':1}", "{a:1}", "{\"a\":1}{}", "\uFEFF{\"a\":1}", "{\"a\"://\n1}",
                "{\"a\":1234567890123456789}", "{\"" + "n".repeat(300) + "\":1}", "{\"a\":0." + "1".repeat(100) + "}",
                "{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}"}) {
            assertThatThrownBy(() -> readAll(body.getBytes(StandardCharsets.UTF_8)))
                    .as(body).isSameAs(JsonScan.NOT_BYTES);
        }
    }

    @Test
    void stringsOfEveryLength_withEveryKindOfCharacterAtEveryPlace() {
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
        byte[][] malformed = {{(byte) 0xc0, (byte) 0x80}, {(byte) 0xc1, (byte) 0xbf}, {(byte) 0xe0, (byte) 0x80, (byte) 0x80},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf0, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80}, {(byte) 0xbf}, {(byte) 0xc3}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xc3, (byte) 0x28},
            {(byte) 0xe2, (byte) 0x28, (byte) 0xa1}, {(byte) 0xff}};
        for (int length = 0; length < letters.length(); length++) {
            String plain = letters.substring(0, length);
            byte[] body = ("{\"k\":\"" + plain + "\",\"" + plain + "\":1}").getBytes(StandardCharsets.UTF_8);
            readAll(body);
            compare(body);
            for (int at = 0; at <= length; at++) {
                String before = plain.substring(0, at);
                String after = plain.substring(at);
                for (String read : new String[] {"é", "😀", "中文", "\u0080", "\u007f", "\u2028", "\uffff", "\udbff\udfff", "~"}) {
                    byte[] taken = ("{\"k\":\"" + before + read + after + "\",\"" + read + "\":[\"" + read + "\"]}")
                            .getBytes(StandardCharsets.UTF_8);
                    readAll(taken);
                    compare(taken);
                }
                for (String escape : new String[] {"\\\"", "\\\\", "\\u0041", "\u0001", "\u001f", "\t", "\n"}) {
                    byte[] changed = ("{\"k\":\"" + before + escape + after + "\"}").getBytes(StandardCharsets.UTF_8);
                    assertThatThrownBy(() -> readAll(changed)).as(new String(changed, StandardCharsets.UTF_8))
                            .isSameAs(JsonScan.NOT_BYTES);
                    compare(changed);
                }
                for (byte[] bad : malformed) {
                    byte[] head = ("{\"k\":\"" + before).getBytes(StandardCharsets.US_ASCII);
                    byte[] tail = (after + "\"}").getBytes(StandardCharsets.US_ASCII);
                    byte[] changed = new byte[head.length + bad.length + tail.length];
                    System.arraycopy(head, 0, changed, 0, head.length);
                    System.arraycopy(bad, 0, changed, head.length, bad.length);
                    System.arraycopy(tail, 0, changed, head.length + bad.length, tail.length);
                    assertThatThrownBy(() -> readAll(changed)).as(Arrays.toString(changed)).isSameAs(JsonScan.NOT_BYTES);
                    compare(changed);
                }
            }
        }
    }

    @Test
    void knownAndUnknownNames_andLazyValues_readAsWritten() {
        ByteTokens t = ByteTokens.open("{\"rssi\":-71,\"zz\":\"x\",\"snr\":7.5,\"list\":[true,false,null,{}]}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(t.nextFieldName()).isSameAs("rssi");
        assertThat(t.nextToken()).isEqualTo(JsonToken.VALUE_NUMBER_INT);
        assertThat(t.longValue()).isEqualTo(-71);
        assertThat(t.nextFieldName()).isEqualTo("zz");
        assertThat(t.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
        assertThat(t.text()).isEqualTo("x");
        assertThat(t.nextFieldName()).isSameAs("snr");
        assertThat(t.nextToken()).isEqualTo(JsonToken.VALUE_NUMBER_FLOAT);
        assertThat(t.doubleValue()).isEqualTo(7.5);
        assertThat(t.nextFieldName()).isEqualTo("list");
        assertThat(t.nextToken()).isEqualTo(JsonToken.START_ARRAY);
        t.skipChildren();
        assertThat(t.currentToken()).isEqualTo(JsonToken.END_ARRAY);
        assertThat(t.nextFieldName()).isNull();
        assertThat(t.currentToken()).isEqualTo(JsonToken.END_OBJECT);
        t.finish();
    }

    /** Reads {@code body} with both; where ByteTokens does not give up, every token and value must be Jackson's. */
    private static void compare(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        List<String> jackson = new ArrayList<>();
        boolean jacksonRead = false;
        try (JsonParser p = JsonBody.mapper().getFactory().createParser(body)) {
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                jackson.add(describe(t, p));
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
                if (depth == 0) {
                    break;
                }
            }
            jacksonRead = depth == 0 && p.nextToken() == null;
        } catch (IOException e) {
            // refused: jacksonRead stays false
        }
        List<String> bytes = new ArrayList<>();
        try {
            readAll(body, bytes);
        } catch (JsonScan.NotFast e) {
            // gave up: what it gave before must still be Jackson's (who reads a value with the name
            // before it, so it may refuse one name earlier)
            int agreed = bytes.size();
            if (jackson.size() == agreed - 1 && bytes.get(agreed - 1).startsWith("name ")) {
                agreed--;
            }
            assertThat(jackson.size()).as(text).isGreaterThanOrEqualTo(agreed);
            assertThat(jackson.subList(0, agreed)).as(text).isEqualTo(bytes.subList(0, agreed));
            return;
        }
        assertThat(jacksonRead).as("Jackson reads what ByteTokens read: %s", text).isTrue();
        assertThat(jackson).as(text).isEqualTo(bytes);
    }

    private static void readAll(byte[] body) {
        readAll(body, new ArrayList<>());
    }

    private static void readAll(byte[] body, List<String> out) {
        ByteTokens t = ByteTokens.open(body);
        out.add(describe(t.currentToken(), t));
        int depth = 1;
        while (depth > 0) {
            JsonToken token = t.nextToken();
            out.add(describe(token, t));
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            }
        }
        t.finish();
    }

    private static String describe(JsonToken t, JsonParser p) throws IOException {
        return switch (t) {
            case FIELD_NAME -> "name " + p.currentName();
            case VALUE_STRING -> "string " + p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? "big " + p.getText()
                    : "int " + p.getLongValue();
            case VALUE_NUMBER_FLOAT -> "float " + Double.doubleToRawLongBits(p.getDoubleValue());
            default -> t.name();
        };
    }

    private static String describe(JsonToken t, ByteTokens b) {
        return switch (t) {
            case FIELD_NAME -> "name " + b.currentName();
            case VALUE_STRING -> "string " + b.text();
            case VALUE_NUMBER_INT -> "int " + b.longValue();
            case VALUE_NUMBER_FLOAT -> "float " + Double.doubleToRawLongBits(b.doubleValue());
            default -> t.name();
        };
    }

    private static void object(Random r, StringBuilder out, int depth) {
        out.append('{').append(space(r));
        int n = r.nextInt(depth > 4 ? 2 : 5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',').append(space(r));
            }
            out.append('"').append(NAMES[r.nextInt(NAMES.length)]).append('"').append(space(r)).append(':');
            value(r, out, depth + 1);
        }
        out.append(space(r)).append('}');
    }

    /** Whether the documents made are within ByteTokens's subset. */
    private static boolean plain;

    private static void value(Random r, StringBuilder out, int depth) {
        out.append(space(r));
        int kind = r.nextInt(depth > (plain ? 8 : 20) ? 5 : 7);
        switch (kind) {
            case 0 -> out.append(plain ? PLAIN_NUMBERS[r.nextInt(PLAIN_NUMBERS.length)] : NUMBERS[r.nextInt(NUMBERS.length)]);
            case 1 -> out.append('"').append(plain ? PLAIN_STRINGS[r.nextInt(PLAIN_STRINGS.length)]
                    : STRINGS[r.nextInt(STRINGS.length)]).append('"');
            case 2 -> out.append(r.nextBoolean() ? "true" : "false");
            case 3 -> out.append("null");
            case 4 -> out.append(r.nextInt());
            case 5 -> object(r, out, depth);
            default -> {
                out.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(r, out, depth + 1);
                }
                out.append(']');
            }
        }
        out.append(space(r));
    }

    private static String space(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n\t";
            case 2 -> "\r\n  ";
            default -> "";
        };
    }

    private static byte[] cut(byte[] body, int at) {
        byte[] out = new byte[at];
        System.arraycopy(body, 0, out, 0, at);
        return out;
    }
}
