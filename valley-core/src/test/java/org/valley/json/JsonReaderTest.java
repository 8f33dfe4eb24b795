package org.valley.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {

    @Property(tries = 500)
    void whatJsonWrites_readsBackEqual(@ForAll("values") Map<String, Object> value) {
        assertThat(JsonReader.read(Json.write(value))).isEqualTo(value);
    }

    @Provide
    Arbitrary<Map<String, Object>> values() {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().filter(d -> d != Math.rint(d)).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b));
        Arbitrary<Object> lists = scalars.list().ofMaxSize(4).map(l -> (Object) l);
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), Arbitraries.oneOf(scalars, lists)).ofMaxSize(6)
                .map(LinkedHashMap::new);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":}", "[1,]", "01", "1.", "-", "\"\\x\"", "tru", "{\"a\":1}x", "\"a\u0001\"",
        "{1:2}", "[1 2]", "\"\\u12\""})
    void invalidJson_isRefusedWithThePosition(String text) {
        assertThatThrownBy(() -> JsonReader.read(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid JSON at character");
    }

    @ParameterizedTest
    @ValueSource(ints = {33, 1000})
    void deepNesting_isRefused(int depth) {
        String text = "[".repeat(depth) + "]".repeat(depth);
        assertThatThrownBy(() -> JsonReader.read(text)).hasMessageContaining("deeper than");
    }

    @ParameterizedTest
    @ValueSource(strings = {" {\"a\" : [1, -2.5e3, \"x\\n\\u00e9\", null, true, {}] } "})
    void whitespaceEscapesAndNumbers_read(String text) {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", java.util.Arrays.asList(1L, -2500.0, "x\né", null, true, Map.of()));
        assertThat(JsonReader.read(text)).isEqualTo(expected);
        assertThat(JsonReader.read("123456789012345678901")).isEqualTo(1.2345678901234568E20);
        assertThat(JsonReader.read("[]")).isEqualTo(List.of());
    }
}
