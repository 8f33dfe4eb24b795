package org.valley.codec.sensit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.valley.codec.DecodeResult;
import org.valley.testing.Vectors;

/** Every vector of {@code shared/vectors/sensit-v3.json}. */
class SensitV3VectorsTest {

    static Stream<Arguments> vectors() {
        JsonNode vectors = Vectors.read("sensit-v3.json").required("vectors");
        assertThat(vectors.size()).as("vectors").isPositive();
        return StreamSupport.stream(vectors.spliterator(), false)
                .map(v -> Arguments.of(v.required("payload").asText(), v.required("expected")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("vectors")
    void decode_sharedVector_matchesExpectedObjectExactly(String payload, JsonNode expected) {
        DecodeResult result = new SensitV3().decode(Vectors.hex(payload), -1);

        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        JsonNode actual = Vectors.toTree(((DecodeResult.Decoded) result).data());
        assertThat(Vectors.jsonEquals(expected, actual)).as("decoded %s, expected %s", actual, expected).isTrue();
    }
}
