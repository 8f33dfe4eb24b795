package org.valley.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#write(Object)} writes Latin-1 text straight into bytes and everything else through a
 * StringBuilder: both must give the same text, which is checked here against literal expectations
 * and against each other on generated values.
 */
class JsonWriteTest {

    private static String throughBuilder(Object value) {
        StringBuilder out = new StringBuilder();
        Json.write(value, out);
        return out.toString();
    }

    @Test
    void write_aDecodedFrame_isCompactJsonInTheMapsOrder() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("limit", 20L);
        config.put("ratio", 0.5f);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("error", 0);
        data.put("temperature", 21.75);
        data.put("humidity", 45.0);
        data.put("button", false);
        data.put("mode", "Temperature");
        data.put("config", config);
        data.put("tags", List.of("a", 1, true));
        data.put("none", null);
        String expected = "{\"error\":0,\"temperature\":21.75,\"humidity\":45,\"button\":false,\"mode\":\"Temperature\","
                + "\"config\":{\"limit\":20,\"ratio\":0.5},\"tags\":[\"a\",1,true],\"none\":null}";
        assertThat(Json.write(data)).isEqualTo(expected);
        assertThat(Json.write(data)).as("the keys and labels now come from the token cache").isEqualTo(expected);
        assertThat(throughBuilder(data)).isEqualTo(expected);
    }

    @Test
    void write_escapesQuotesBackslashesAndControls_andKeepsLatin1AsIs() {
        String text = "a\"b\\c\nd\re\tf\u0001g\u001fh café";
        String expected = "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh café\"";
        assertThat(Json.write(text)).isEqualTo(expected);
        assertThat(Json.write(Map.of(text, 1))).isEqualTo("{" + expected + ":1}");
    }

    @Test
    void write_beyondLatin1_fallsBackToTheSameText() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("price", "12 €");
        data.put("room", "会议室");
        data.put("n", 3);
        assertThat(Latin1JsonWriter.write(data)).as("gives up").isNull();
        assertThat(Json.write(data)).isEqualTo("{\"price\":\"12 €\",\"room\":\"会议室\",\"n\":3}");
    }

    /** A number of another kind is written as its toString says, also when that is not Latin-1. */
    @Test
    void write_aNumberWhoseTextIsNotLatin1_fallsBackWithoutLosingIt() {
        Number arabic = new Number() {
            @Override
            public int intValue() {
                return 3;
            }

            @Override
            public long longValue() {
                return 3;
            }

            @Override
            public float floatValue() {
                return 3;
            }

            @Override
            public double doubleValue() {
                return 3;
            }

            @Override
            public String toString() {
                return "\u0663";
            }
        };
        assertThat(Json.write(List.of(1, arabic))).isEqualTo("[1,\u0663]");
    }

    @Test
    void write_numbersAtTheirEdges() {
        List<Object> numbers = Arrays.asList(Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, 0,
                -0.0, 1e15, 999_999_999_999_999.0, -999_999_999_999_999.0, 1e-7, Double.NaN,
                Double.NEGATIVE_INFINITY, 0.1f, new java.math.BigDecimal("1.50"), (short) -7, 1_000_000_000_000_000_000L);
        assertThat(Json.write(numbers)).isEqualTo("[-2147483648,2147483647,-9223372036854775808,9223372036854775807,0,"
                + "0,1.0E15,999999999999999,-999999999999999,1.0E-7,null,null,0.10000000149011612,1.50,-7,"
                + "1000000000000000000]");
    }

    @Test
    void write_decimalsAsDoubleToStringWritesThem() {
        double[] values = {21.75, -0.5, 0.001, 0.0015, 1234567.8, 9999999.9999, -45.5, 3.125, 0.1, 0.0009, 1e7 + 0.5,
            0.30000000000000004, 2.675, 1e-3 + 1e-12};
        StringBuilder expected = new StringBuilder("[");
        List<Object> list = new ArrayList<>();
        for (double v : values) {
            expected.append(expected.length() > 1 ? "," : "").append(Double.toString(v));
            list.add(v);
        }
        assertThat(Json.write(list)).isEqualTo(expected.append(']').toString());
    }

    @Property(tries = 3000)
    void write_shortDecimals_sameTextAsDoubleToString(@ForAll("shortDecimals") double value) {
        assertThat(Json.write(value)).isEqualTo(throughBuilder(value));
    }

    @Provide
    Arbitrary<Double> shortDecimals() {
        return Arbitraries.longs().between(-100_000_000_000L, 100_000_000_000L).flatMap(m ->
                Arbitraries.integers().between(0, 6).map(k -> m / Math.pow(10, k)));
    }

    @Test
    void write_longTextGrowsTheBuffer() {
        String longText = "x".repeat(5_000);
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            values.add(Map.of("k" + i, i * 1.25));
        }
        values.add(longText);
        assertThat(Json.write(values)).isEqualTo(throughBuilder(values));
        assertThat(Json.write(values)).endsWith(",\"" + longText + "\"]");
    }

    @Property(tries = 500)
    void write_generatedValues_sameTextBothWays(@ForAll("values") Object value) {
        assertThat(Json.write(value)).isEqualTo(throughBuilder(value));
    }

    @Provide
    Arbitrary<Object> values() {
        Arbitrary<String> strings = Arbitraries.strings()
                .withChars("abcXYZ09 \"\\\n\t\u0000\u001f\u007f\u00e9\u00ff")
                .withChars('\u0100', '\u20ac', '\u4f1a')
                .ofMaxLength(12);
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                strings.map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e15, 1e300, 4.9e-324).map(d -> (Object) d),
                Arbitraries.floats().map(f -> (Object) f),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
        return Arbitraries.recursive(() -> scalars, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (Object) l),
                Arbitraries.maps(strings, inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))), 3);
    }
}
