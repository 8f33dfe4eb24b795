package org.valley.codec.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.valley.codec.DecodeResult;
import org.valley.testing.Vectors;

/** Every case of {@code shared/vectors/sigfox-grammar.json}. */
class SigfoxGrammarVectorsTest {

    static Stream<Arguments> cases() {
        JsonNode cases = Vectors.read("sigfox-grammar.json").required("cases");
        assertThat(cases.size()).as("vector cases").isPositive();
        return StreamSupport.stream(cases.spliterator(), false)
                .map(c -> Arguments.of(c.required("config").asText(), c.required("data").asText(), c.required("expected")));
    }

    @ParameterizedTest(name = "[{index}] {0} on {1}")
    @MethodSource("cases")
    void decode_sharedVector_matchesExpectedFields(String config, String data, JsonNode expected) {
        DecodeResult result = SigfoxGrammar.parse(config).decode(Vectors.hex(data), -1);

        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        JsonNode actual = Vectors.toTree(((DecodeResult.Decoded) result).data());
        assertThat(Vectors.jsonEquals(expected, actual)).as("decoded %s, expected %s", actual, expected).isTrue();
    }
}
