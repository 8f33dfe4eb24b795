package org.valley.server.codecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.valley.codec.Codec;
import org.valley.codec.DecodeResult;
import org.valley.codec.EncodeResult;
import org.valley.codec.InvalidCodecException;

/**
 * A codec's examples and running them as a self-test. The examples follow the LoRaWAN device
 * repository's codec files: each has a {@code description}, an {@code input} ({@code fPort} and
 * {@code bytes} for decoders, {@code data} for the downlink encoder) and the expected
 * {@code output} ({@code data}, {@code errors}, {@code warnings}; {@code bytes} and {@code fPort}
 * for the encoder). Outputs are compared as JSON, numbers by value (20.0 equals 20), so a codec
 * passes exactly when its output means what the example says.
 */
public final class SelfTest {

    /** Which codec function an example exercises. */
    public enum Function {
        DECODE_UPLINK("uplinkDecoder"),
        DECODE_DOWNLINK("downlinkDecoder"),
        ENCODE_DOWNLINK("downlinkEncoder");

        private final String section;

        Function(String section) {
            this.section = section;
        }

        /** The section of a device repository codec file that lists examples of this function. */
        public String section() {
            return section;
        }
    }

    /** One example: what goes in, what must come out. */
    public record Example(String description, Function function, JsonNode input, JsonNode output) {}

    /**
     * The outcome of one example.
     *
     * @param actual what the codec returned, in the example's output shape
     * @param differences what differs, each naming the path ("data.temperature: expected 22.6, got 22.5")
     */
    public record Outcome(Example example, boolean passed, JsonNode actual, List<String> differences) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private SelfTest() {}

    /**
     * Reads the examples of a device repository codec file (already parsed from YAML or JSON): the
     * {@code examples} of its {@code uplinkDecoder}, {@code downlinkEncoder} and {@code downlinkDecoder}.
     *
     * @throws InvalidCodecException naming the example's path when one is malformed
     */
    public static List<Example> fromCodecFile(JsonNode file, String field) {
        if (file == null || !file.isObject()) {
            throw new InvalidCodecException(field, "field '" + field + "' must be a codec file with uplinkDecoder examples");
        }
        List<Example> out = new ArrayList<>();
        for (Function f : Function.values()) {
            JsonNode examples = file.path(f.section()).path("examples");
            if (examples.isMissingNode() || examples.isNull()) {
                continue;
            }
            if (!examples.isArray()) {
                throw new InvalidCodecException(field, field + "." + f.section() + ".examples must be a list");
            }
            for (int i = 0; i < examples.size(); i++) {
                out.add(example(examples.get(i), f, field + "." + f.section() + ".examples[" + i + "]"));
            }
        }
        return out;
    }

    /**
     * Reads a list of examples; each may name its function ({@code "function": "downlinkEncoder"}),
     * uplink decoding by default.
     *
     * @throws InvalidCodecException naming the example's path when one is malformed
     */
    public static List<Example> fromList(JsonNode list, String field) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new InvalidCodecException(field, "field '" + field + "' must be a list of examples");
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = field + "[" + i + "]";
            JsonNode node = list.get(i);
            Function f = Function.DECODE_UPLINK;
            if (node.hasNonNull("function")) {
                f = function(node.get("function").asText(), path + ".function");
            }
            out.add(example(node, f, path));
        }
        return out;
    }

    private static Function function(String section, String path) {
        for (Function f : Function.values()) {
            if (f.section().equals(section)) {
                return f;
            }
        }
        throw new InvalidCodecException(path, path + " must be uplinkDecoder, downlinkDecoder or downlinkEncoder, got '"
                + section + "'");
    }

    private static Example example(JsonNode node, Function f, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidCodecException(path, path + " must be an object with input and output");
        }
        JsonNode input = node.path("input");
        JsonNode output = node.path("output");
        if (!input.isObject()) {
            throw new InvalidCodecException(path + ".input", path + ".input must be an object");
        }
        if (!output.isObject()) {
            throw new InvalidCodecException(path + ".output", path + ".output must be an object");
        }
        if (f == Function.ENCODE_DOWNLINK) {
            if (!input.path("data").isObject()) {
                throw new InvalidCodecException(path + ".input.data", path + ".input.data must be an object");
            }
        } else {
            bytes(input.path("bytes"), path + ".input.bytes");
            JsonNode port = input.path("fPort");
            if (!port.isMissingNode() && !(port.canConvertToInt() && port.asInt() >= 0 && port.asInt() <= 255)) {
                throw new InvalidCodecException(path + ".input.fPort", path + ".input.fPort must be 0-255");
            }
        }
        String description = node.path("description").asText("example " + path);
        return new Example(description, f, input, output);
    }

    private static byte[] bytes(JsonNode node, String path) {
        if (!node.isArray()) {
            throw new InvalidCodecException(path, path + " must be a list of byte values");
        }
        byte[] out = new byte[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode b = node.get(i);
            if (!b.canConvertToInt() || !b.isIntegralNumber() || b.asInt() < 0 || b.asInt() > 255) {
                throw new InvalidCodecException(path, path + "[" + i + "] must be an integer 0-255, got " + b);
            }
            out[i] = (byte) b.asInt();
        }
        return out;
    }

    /** The examples as the JSON array text stored with a codec version. */
    public static String toJson(List<Example> examples) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (Example e : examples) {
            ObjectNode o = list.addObject();
            o.put("description", e.description());
            o.put("function", e.function().section());
            o.set("input", e.input());
            o.set("output", e.output());
        }
        return list.toString();
    }

    /** Reads examples stored with {@link #toJson}. */
    public static List<Example> parse(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return fromList(JSON.readTree(json), "examples");
        } catch (java.io.IOException e) {
            throw new InvalidCodecException("examples", "stored examples are not JSON: " + e.getMessage());
        }
    }

    /** Runs every example through {@code codec}. */
    public static List<Outcome> run(Codec codec, List<Example> examples) {
        List<Outcome> out = new ArrayList<>();
        for (Example e : examples) {
            out.add(run(codec, e));
        }
        return out;
    }

    private static Outcome run(Codec codec, Example e) {
        ObjectNode actual = JsonNodeFactory.instance.objectNode();
        if (e.function() == Function.ENCODE_DOWNLINK) {
            Map<String, Object> data = JSON.convertValue(e.input().get("data"), MAP);
            switch (codec.encodeDownlink(data)) {
                case EncodeResult.Encoded enc -> {
                    ArrayNode bytes = actual.putArray("bytes");
                    for (byte b : enc.bytes()) {
                        bytes.add(b & 0xff);
                    }
                    if (enc.fPort() >= 0) {
                        actual.put("fPort", enc.fPort());
                    }
                    warnings(actual, enc.warnings());
                }
                case EncodeResult.Rejected r -> actual.set("errors", JSON.valueToTree(r.errors()));
            }
        } else {
            byte[] bytes = bytes(e.input().get("bytes"), "input.bytes");
            int fPort = e.input().path("fPort").asInt(-1);
            DecodeResult result = e.function() == Function.DECODE_UPLINK
                    ? codec.decode(bytes, fPort, 0L)
                    : codec.decodeDownlink(bytes, fPort);
            switch (result) {
                case DecodeResult.Decoded d -> {
                    actual.set("data", JSON.valueToTree(d.data()));
                    warnings(actual, d.warnings());
                }
                case DecodeResult.Rejected r -> actual.set("errors", JSON.valueToTree(r.errors()));
            }
        }
        List<String> differences = new ArrayList<>();
        compareOutput(e.output(), actual, differences);
        return new Outcome(e, differences.isEmpty(), actual, differences);
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    private static void warnings(ObjectNode actual, List<String> warnings) {
        if (!warnings.isEmpty()) {
            actual.set("warnings", JSON.valueToTree(warnings));
        }
    }

    /**
     * Compares the fields the example states. Empty {@code errors}/{@code warnings} lists mean "none",
     * as the device repository writes them.
     */
    private static void compareOutput(JsonNode expected, JsonNode actual, List<String> differences) {
        Iterator<String> names = expected.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode want = expected.get(name);
            JsonNode got = actual.get(name);
            boolean emptyList = want.isArray() && want.isEmpty();
            if (emptyList && (got == null || got.isEmpty())) {
                continue;
            }
            compare(name, want, got, differences);
        }
        for (String name : List.of("errors", "data", "bytes")) {
            if (!expected.has(name) && actual.has(name) && !(name.equals("data") && expected.has("bytes"))) {
                if (name.equals("errors") || !expected.has("errors")) {
                    differences.add(name + ": not expected, got " + actual.get(name));
                }
            }
        }
    }

    private static void compare(String path, JsonNode want, JsonNode got, List<String> differences) {
        if (got == null || got.isMissingNode()) {
            differences.add(path + ": expected " + want + ", missing");
        } else if (want.isNumber() && got.isNumber()) {
            if (decimal(want).compareTo(decimal(got)) != 0) {
                differences.add(path + ": expected " + want + ", got " + got);
            }
        } else if (want.isObject() && got.isObject()) {
            for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                compare(path + "." + name, want.get(name), got.get(name), differences);
            }
            for (Iterator<String> it = got.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!want.has(name)) {
                    differences.add(path + "." + name + ": not expected, got " + got.get(name));
                }
            }
        } else if (want.isArray() && got.isArray()) {
            if (want.size() != got.size()) {
                differences.add(path + ": expected " + want.size() + " items " + want + ", got " + got.size() + " " + got);
                return;
            }
            for (int i = 0; i < want.size(); i++) {
                compare(path + "[" + i + "]", want.get(i), got.get(i), differences);
            }
        } else if (!want.equals(got)) {
            differences.add(path + ": expected " + want + ", got " + got);
        }
    }

    private static BigDecimal decimal(JsonNode n) {
        return n.isBigDecimal() || n.isBigInteger() ? n.decimalValue() : new BigDecimal(n.asText());
    }
}
