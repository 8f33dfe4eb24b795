package org.valley.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** {@link JsonObject} must read as the LinkedHashMap the built-in codecs filled before it. */
class JsonObjectTest {

    record Put(String key, Object value) {}

    @Property(tries = 500)
    void anySequenceOfPuts_readsAsALinkedHashMap(@ForAll("puts") @Size(max = 40) List<Put> puts) {
        JsonObject object = new JsonObject(2);
        Map<String, Object> expected = new LinkedHashMap<>();
        for (Put put : puts) {
            // a key equal to an earlier one but another String instance: found by equals, not identity
            String key = new String(put.key());
            assertThat(object.put(key, put.value())).isEqualTo(expected.put(key, put.value()));
        }
        assertThat(object).isEqualTo(expected);
        assertThat(expected).isEqualTo(object);
        assertThat(object.hashCode()).isEqualTo(expected.hashCode());
        assertThat(object.size()).isEqualTo(expected.size());
        assertThat(object.toString()).isEqualTo(expected.toString());
        assertThat(new ArrayList<>(object.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
        List<String> inOrder = new ArrayList<>();
        object.forEach((k, v) -> inOrder.add(k + "=" + v));
        List<String> expectedOrder = new ArrayList<>();
        expected.forEach((k, v) -> expectedOrder.add(k + "=" + v));
        assertThat(inOrder).isEqualTo(expectedOrder);
        for (int i = 0; i < object.size(); i++) {
            assertThat(object.keyAt(i) + "=" + object.valueAt(i)).isEqualTo(expectedOrder.get(i));
        }
        for (String key : List.of("a", "b", "temperature", "mode", "absent")) {
            assertThat(object.get(key)).isEqualTo(expected.get(key));
            assertThat(object.containsKey(key)).isEqualTo(expected.containsKey(key));
        }
        assertThat(Json.write(object)).isEqualTo(Json.write(expected));
    }

    @Provide
    Arbitrary<List<Put>> puts() {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "temperature", "humidity", "mode", "config", "x.y", "");
        Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.integers().between(-5, 5).map(i -> (Object) i),
                Arbitraries.of(21.75, -0.5, 1e300).map(d -> (Object) d), Arbitraries.of("Door", "é", "").map(s -> (Object) s),
                Arbitraries.just(null), Arbitraries.of(true, false).map(b -> (Object) b));
        return keys.flatMap(k -> values.map(v -> new Put(k, v))).list();
    }

    @Test
    void entries_cannotBeRemovedOrChangedThroughIteration() {
        JsonObject object = new JsonObject(1);
        object.put("door", 2);
        Iterator<Map.Entry<String, Object>> it = object.entrySet().iterator();
        Map.Entry<String, Object> entry = it.next();
        assertThatThrownBy(() -> entry.setValue(3)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> object.keyAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(object).containsExactly(Map.entry("door", 2));
    }
}
