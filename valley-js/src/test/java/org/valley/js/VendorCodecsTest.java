package org.valley.js;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.valley.codec.Codec;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
import org.valley.testing.Vectors;

/**
 * The published examples of real LoRaWAN devices ({@code shared/vectors/lorawan-codec-examples.json}),
 * run through codecs written for Valley from the vendors' payload descriptions, as a user would
 * upload them: plain ES5 sources run unchanged by the sandboxed runtime.
 */
class VendorCodecsTest {

    private static final Map<String, String> SOURCE_BY_VENDOR =
            Map.of("elsys", "elsys.js", "milesight-iot", "milesight-vs340.js", "browan", "browan-tbdw100.js");

    /** The runtime's own choice of payload form, and each form forced (both must decode alike). */
    private static final Map<String, JsRuntime> RUNTIMES = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void start() {
        RUNTIMES.put("chosen by mode", new JsRuntime());
        RUNTIMES.put("latin1", new JsRuntime(JsLimits.DEFAULTS, true));
        RUNTIMES.put("json", new JsRuntime(JsLimits.DEFAULTS, false));
    }

    @AfterAll
    static void stop() {
        RUNTIMES.values().forEach(JsRuntime::close);
    }

    /** A codec shipped in the repository's {@code examples/codecs} (tests run in the module's directory). */
    static String source(String file) {
        try {
            return Files.readString(Path.of("..", "examples", "codecs", file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> examples() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode device : Vectors.read("lorawan-codec-examples.json").get("devices")) {
            String file = SOURCE_BY_VENDOR.get(device.get("vendor").asText());
            for (JsonNode example : device.get("examples")) {
                for (String form : List.of("chosen by mode", "latin1", "json")) {
                    out.add(Arguments.of(device.get("device").asText() + ": " + example.get("description").asText()
                            + " (payload " + form + ")", file, example, form));
                }
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(12);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void decodeUplink_publishedExample_givesTheExpectedOutput(String name, String file, JsonNode example, String form) {
        Codec codec = RUNTIMES.get(form).compile(new CodecDefinition(file, null, "javascript", source(file), 1, null));
        byte[] bytes = Vectors.hex(example.get("input").get("bytes_hex").asText());
        int fPort = example.get("input").get("fPort").asInt();

        DecodeResult result = codec.decode(bytes, fPort, 1_700_000_000_000L);

        JsonNode expected = example.get("output");
        switch (result) {
            case DecodeResult.Decoded d -> {
                assertThat(expected.has("data")).as("the example expects errors %s", expected.get("errors")).isTrue();
                assertThat(Vectors.jsonEquals(expected.get("data"), Vectors.toTree(d.data())))
                        .as("decoded %s, expected %s", d.data(), expected.get("data"))
                        .isTrue();
            }
            case DecodeResult.Rejected r -> {
                assertThat(expected.has("errors")).as("the codec rejected the payload: %s", r.errors()).isTrue();
                assertThat(Vectors.toTree(r.errors())).isEqualTo(expected.get("errors"));
            }
        }
        codec.close();
    }
}
