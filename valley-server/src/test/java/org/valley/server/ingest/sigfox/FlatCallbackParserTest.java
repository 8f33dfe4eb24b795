package org.valley.server.ingest.sigfox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.valley.frame.Uplink;
import org.valley.server.http.Problem;

/**
 * The fast path of {@link SigfoxCallback#parseData} must give exactly what the full parser gives:
 * the same uplink, or the same problem. Checked on hand-picked bodies and on generated ones, valid
 * and broken.
 */
class FlatCallbackParserTest {

    private static final String TYPICAL = "{\"device\":\"1a2B3c\",\"time\":1763729485,\"data\":\"ae090f5a\","
            + "\"seqNumber\":123,\"station\":\"1D2A\",\"rssi\":-97.30,\"snr\":12.50,\"avgSnr\":\"N/A\","
            + "\"duplicate\":false,\"ack\":false}";
    private static final String QUOTED = "{\"device\":\"1A2B3C\",\"time\":\"1763729485\",\"data\":\"AE090F5A\","
            + "\"seqNumber\":\"4095\",\"station\":\"0B4F\",\"rssi\":\"-120.00\",\"snr\":\"5.10\",\"avgSnr\":\"N/A\","
            + "\"duplicate\":\"true\",\"ack\":\"false\"}";

    /** What a parse gave: the uplink's fields, or the problem's. */
    private static String outcome(Parser parser, String body) {
        try {
            Uplink u = parser.parse(body.getBytes(StandardCharsets.UTF_8));
            return u.kind() + "|" + u.tenant() + "|" + u.integration() + "|" + u.networkId() + "|" + u.seq() + "|"
                    + u.time() + "|" + u.receivedAt() + "|" + Arrays.toString(u.payload()) + "|" + u.receptions() + "|"
                    + rawBits(u) + "|" + u.duplicate() + "|" + u.ack() + "|" + u.meta();
        } catch (Problem p) {
            return "problem " + p.status() + " " + p.type() + " " + p.field() + " " + p.getMessage();
        }
    }

    /** Record equality of the receptions already tells 0.0 from -0.0; this makes it visible in a failure. */
    private static String rawBits(Uplink u) {
        StringBuilder s = new StringBuilder();
        u.receptions().forEach(r -> s.append(r.rssi() == null ? "n" : Long.toHexString(Double.doubleToRawLongBits(r.rssi())))
                .append('/').append(r.snr() == null ? "n" : Long.toHexString(Double.doubleToRawLongBits(r.snr()))));
        return s.toString();
    }

    private interface Parser {
        Uplink parse(byte[] body);
    }

    private static void assertSameOutcome(String body) {
        String fast = outcome(b -> SigfoxCallback.parseData(b, "t1", "sigfox-1", 42), body);
        String full = outcome(b -> SigfoxCallback.parseDataFully(b, "t1", "sigfox-1", 42), body);
        assertThat(fast).as("body %s", body).isEqualTo(full);
    }

    private static boolean fastPathTakes(String body) {
        return FlatCallbackParser.parseData(body.getBytes(StandardCharsets.UTF_8), "t1", "sigfox-1", 42) != null;
    }

    @Test
    void parseData_typicalBodiesInBothQuotingStyles_takeTheFastPathWithTheSameResult() {
        for (String body : List.of(TYPICAL, QUOTED, TYPICAL.replace(",", " ,\n\t").replace(":", " : "))) {
            assertThat(fastPathTakes(body)).as(body).isTrue();
            assertSameOutcome(body);
        }
    }

    /**
     * Metadata texts that differ by one character, by a field's order or by a number's form each
     * come out as the full parser writes them, however often they alternate.
     */
    @Test
    void parseData_manyMetadataVariantsAlternating_eachGetsItsOwnText() {
        List<String> extras = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            extras.add("\"avgSnr\":\"N/" + (char) ('A' + i % 26) + i + "\"");
        }
        extras.add("\"avgSnr\":\"N/A\"");
        extras.add("\"avgSnr\":\"N/B\"");
        extras.add("\"lqi\":\"Good\",\"avgSnr\":\"N/A\"");
        extras.add("\"avgSnr\":\"N/A\",\"lqi\":\"Good\"");
        extras.add("\"avgSnr\":18.50");
        extras.add("\"avgSnr\":18.5");
        extras.add("\"avgSnr\":185");
        extras.add("\"avgSnr\":true");
        extras.add("\"avgSnr\":\"\"");
        extras.add("\"a\":1");
        extras.add("\"a\":12");
        extras.add("\"a1\":2");
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < extras.size(); i++) {
                String extra = extras.get((i * 7 + round) % extras.size());
                String body = "{\"device\":\"1A2B\",\"time\":1763729485,\"data\":\"ae\"," + extra + "}";
                assertThat(fastPathTakes(body)).as(body).isTrue();
                assertSameOutcome(body);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "{}", "[]", "null", "{\"device\":\"1A\"}", "{\"time\":1}", "{\"device\":\"1A\",\"time\":1}x",
        "{\"device\":\"1A\",\"time\":1}{}", "{\"device\":\"1A\",\"time\":1,}", "{\"device\":\"1A\" \"time\":1}",
        "{\"device\":\"1A\",\"time\":-1}", "{\"device\":\"1A\",\"time\":1.5}", "{\"device\":\"1A\",\"time\":1e3}",
        "{\"device\":\"1A\",\"time\":32503680001}", "{\"device\":\"1A\",\"time\":\" 12\"}",
        "{\"device\":\"1A\",\"time\":\"012\"}", "{\"device\":\"1A\",\"time\":012}", "{\"device\":\"1A\",\"time\":1,\"time\":2}",
        "{\"device\":\"123456789\",\"time\":1}", "{\"device\":\"xyz\",\"time\":1}", "{\"device\":1234,\"time\":1}",
        "{\"device\":\"null\",\"time\":1}", "{\"device\":null,\"time\":1}", "{\"device\":\" 1A \",\"time\":1}",
        "{\"device\":\"1A\",\"time\":1,\"data\":null}", "{\"device\":\"1A\",\"time\":1,\"data\":\"null\"}",
        "{\"device\":\"1A\",\"time\":1,\"data\":\"\"}", "{\"device\":\"1A\",\"time\":1,\"data\":\"abc\"}",
        "{\"device\":\"1A\",\"time\":1,\"data\":\"0102030405060708090a0b0c0d\"}", "{\"device\":\"1A\",\"time\":1,\"data\":12}",
        "{\"device\":\"1A\",\"time\":1,\"seqNumber\":4096}", "{\"device\":\"1A\",\"time\":1,\"seqNumber\":\"N/a\"}",
        "{\"device\":\"1A\",\"time\":1,\"seqNumber\":\"NULL\"}", "{\"device\":\"1A\",\"time\":1,\"seqNumber\":\"0042\"}",
        "{\"device\":\"1A\",\"time\":1,\"seqNumber\":-0}", "{\"device\":\"1A\",\"time\":1,\"seqNumber\":true}",
        "{\"device\":\"1A\",\"time\":1,\"rssi\":-0}", "{\"device\":\"1A\",\"time\":1,\"rssi\":-0.0}",
        "{\"device\":\"1A\",\"time\":1,\"rssi\":\"-0\"}", "{\"device\":\"1A\",\"time\":1,\"rssi\":\"5.\"}",
        "{\"device\":\"1A\",\"time\":1,\"rssi\":\".5\"}", "{\"device\":\"1A\",\"time\":1,\"rssi\":\"1e2\"}",
        "{\"device\":\"1A\",\"time\":1,\"rssi\":\"NaN\"}", "{\"device\":\"1A\",\"time\":1,\"rssi\":\"Infinity\"}",
        "{\"device\":\"1A\",\"time\":1,\"rssi\":0.1234567890123456789}", "{\"device\":\"1A\",\"time\":1,\"rssi\":123456789012345678}",
        "{\"device\":\"1A\",\"time\":1,\"snr\":\"007\"}", "{\"device\":\"1A\",\"time\":1,\"snr\":true}",
        "{\"device\":\"1A\",\"time\":1,\"station\":\"\"}", "{\"device\":\"1A\",\"time\":1,\"station\":\" a\"}",
        "{\"device\":\"1A\",\"time\":1,\"station\":12}", "{\"device\":\"1A\",\"time\":1,\"station\":\"n/A\"}",
        "{\"device\":\"1A\",\"time\":1,\"station\":\"012345678901234567890123456789012\"}",
        "{\"device\":\"1A\",\"time\":1,\"duplicate\":\"TRUE\"}", "{\"device\":\"1A\",\"time\":1,\"duplicate\":1}",
        "{\"device\":\"1A\",\"time\":1,\"duplicate\":\"1\"}", "{\"device\":\"1A\",\"time\":1,\"ack\":\"0\"}",
        "{\"device\":\"1A\",\"time\":1,\"ack\":null}", "{\"device\":\"1A\",\"time\":1,\"ack\":\"yes\"}",
        "{\"device\":\"1A\",\"time\":1,\"x\":-0}", "{\"device\":\"1A\",\"time\":1,\"x\":1.50}", "{\"device\":\"1A\",\"time\":1,\"x\":{}}",
        "{\"device\":\"1A\",\"time\":1,\"x\":[1]}", "{\"device\":\"1A\",\"time\":1,\"x\":1,\"x\":2}",
        "{\"device\":\"1A\",\"time\":1,\"x\":123456789012345678901234567890}", "{\"device\":\"1A\",\"time\":1,\"x\":\"a/b\\u007f\"}",
        "{\"device\":\"1A\",\"time\":1,\"x\":\"tab\\there\"}", "{\"device\":\"1A\",\"time\":1,\"x\":\"é\"}",
        "{\"device\":\"1A\",\"time\":1,\"x\":truex}", "{\"device\":\"1A\",\"time\":1,\"x\":nul}", "{\"device\":\"1A\",\"time\":1,\"x\":--1}",
        "{\"device\":\"1A\",\"time\":1,\"duplicates\":[{\"bsId\":\"1\"}]}", "{\"device\":\"1A\",\"time\":1,\"duplicates\":\"[]\"}",
        "{\"device\":\"1A\",\"time\":1,\"avgSnr\":18.50,\"lat\":-0.0,\"lng\":100.0,\"x\":0.1,\"y\":123456789.123456}",
        "{\"device\":\"1A\",\"time\":1,\"x\":1234567890.1234567}", "{\"device\":\"1A\",\"time\":1,\"x\":0.000001}",
        "\ufeff{\"device\":\"1A\",\"time\":1}", "{\"device\":\"1A\",\"time\":1}\u000b", "{\"device\":\"1A\",\u00a0\"time\":1}",
    })
    void parseData_edgeCases_sameOutcomeAsTheFullParser(String body) {
        assertSameOutcome(body);
    }

    @Test
    void parseData_goldenDataBodies_sameOutcomeAsTheFullParser() throws Exception {
        for (String name : List.of("bidir", "data-legacy-nulls", "data-quoted", "data-text-nulls", "data-unquoted")) {
            try (var in = getClass().getResourceAsStream("/payload/sigfox/" + name + ".json")) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(fastPathTakes(body)).as(name).isTrue();
                assertSameOutcome(body);
            }
        }
    }

    @Test
    void parseData_controlCharactersAndSixtyFiveUnknownFields_sameOutcomeAsTheFullParser() {
        for (char c = 0; c < 0x20; c++) {
            assertSameOutcome("{\"device\":\"1A\",\"time\":1,\"x\":\"a" + c + "b\"}");
        }
        StringBuilder many = new StringBuilder("{\"device\":\"1A\",\"time\":1");
        for (int i = 0; i < 65; i++) {
            many.append(",\"f").append(i).append("\":").append(i);
            assertSameOutcome(many + "}");
        }
    }

    @Property(tries = 3000)
    void parseData_generatedBodies_sameOutcomeAsTheFullParser(@ForAll("bodies") String body) {
        assertSameOutcome(body);
    }

    @Property(tries = 3000)
    void parseData_mutatedBodies_sameOutcomeAsTheFullParser(@ForAll("bodies") String body,
            @ForAll("mutations") List<int[]> mutations) {
        StringBuilder s = new StringBuilder(body);
        for (int[] m : mutations) {
            int at = Math.floorMod(m[0], s.length() + 1);
            char c = ALPHABET.charAt(Math.floorMod(m[2], ALPHABET.length()));
            switch (Math.floorMod(m[1], 3)) {
                case 0 -> s.insert(at, c);
                case 1 -> {
                    if (at < s.length()) {
                        s.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < s.length()) {
                        s.setCharAt(at, c);
                    }
                }
            }
        }
        assertSameOutcome(s.toString());
    }

    private static final String ALPHABET = "{}[]\":,. \t\n-+0123456789eEaAfFnNul/\\xtr\u0000\u007f\u00e9";

    @Provide
    Arbitrary<List<int[]>> mutations() {
        return Arbitraries.integers().between(0, 10_000).array(int[].class).ofSize(3).list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> field = Arbitraries.oneOf(
                pair("device", Arbitraries.of("\"1A2B\"", "\"abcdef01\"", "\"1\"", "\"123456789\"", "\"xy\"", "12", "null", "\"N/A\"")),
                pair("time", Arbitraries.of("1763729485", "\"1763729485\"", "0", "\"0\"", "-1", "1.0", "\"\"", "null", "99999999999")),
                pair("data", Arbitraries.of("\"ae090f5a\"", "\"AE090F5A\"", "\"\"", "null", "\"null\"", "\"abc\"", "\"zz\"", "1234")),
                pair("seqNumber", Arbitraries.of("0", "4095", "\"4095\"", "4096", "\"N/A\"", "null", "\"\"", "-1", "\"07\"", "1.0")),
                pair("station", Arbitraries.of("\"1D2A\"", "\"\"", "\"N/A\"", "\"null\"", "null", "\" x\"", "7", "true")),
                pair("rssi", Arbitraries.of("-97.30", "\"-97.30\"", "-120", "\"-120\"", "0", "-0", "-0.0", "\"-0\"", "\"N/A\"",
                        "null", "1e2", "\"1e2\"", "0.10000000000000001", "\"abc\"", "true")),
                pair("snr", Arbitraries.of("12.5", "\"12.50\"", "5", "null", "\"null\"", "\" 5\"", "\"5 \"")),
                pair("duplicate", Arbitraries.of("true", "false", "\"true\"", "\"false\"", "\"1\"", "\"0\"", "1", "null", "\"X\"")),
                pair("ack", Arbitraries.of("true", "false", "\"false\"", "null", "\"N/A\"")),
                pair(Arbitraries.of("avgSnr", "lat", "deviceTypeId", "x", "duplicates"),
                        Arbitraries.of("\"N/A\"", "43.5", "12", "-0", "null", "true", "\"a b\"", "{}", "[1,2]", "{\"a\":1}",
                                "123456789012345678901234", "1.5e3", "18.50", "-0.0", "0.30000", "9007199254740993.5",
                                "-121.25", "1.0")));
        Arbitrary<String> space = Arbitraries.of("", "", "", " ", "\n", "\t ", "\r\n");
        return Combinators.combine(field.list().ofMinSize(0).ofMaxSize(12), space, Arbitraries.of(true, false))
                .as((fields, ws, typical) -> {
                    List<String> all = new ArrayList<>();
                    if (typical) {
                        all.add("\"device\":\"1A2B\"");
                        all.add("\"time\":1763729485");
                    }
                    all.addAll(fields);
                    return ws + "{" + ws + String.join(ws + "," + ws, all) + ws + "}" + ws;
                });
    }

    private static Arbitrary<String> pair(String name, Arbitrary<String> value) {
        return pair(Arbitraries.just(name), value);
    }

    private static Arbitrary<String> pair(Arbitrary<String> name, Arbitrary<String> value) {
        return Combinators.combine(name, value, Arbitraries.of(":", " : ", ":\n")).as((n, v, colon) -> "\"" + n + "\"" + colon + v);
    }
}
