package org.valley.server.ingest.lorawan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.valley.frame.Hex;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.server.http.Problem;
import org.valley.testing.Vectors;

/**
 * The contract every upstream LoRaWAN format meets, checked on golden messages: each file under
 * {@code payload/<format>/} is a message as the network sends it, beside a {@code .expected.json}
 * that says what Valley must read from it (and how the message came: the event, Protobuf or JSON,
 * the headers). Then, for every format alike: whatever is done to a golden message (cut short, bytes
 * changed, a field of the wrong type), reading it gives an uplink or a 400 problem naming a field,
 * never another failure.
 */
class NetworkFormatContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<NetworkFormat> FORMATS = List.of(new TheThingsStack(), new ChirpStack());
    private static final long RECEIVED_AT = 1_793_610_123_456L;

    /** A golden message: the format that reads it, the body, and what must be read from it. */
    record Golden(NetworkFormat format, String name, byte[] body, JsonNode expected) {
        @Override
        public String toString() {
            return format.name() + "/" + name;
        }

        Message message(byte[] content) {
            JsonNode m = expected.path("message");
            Map<String, String> headers = new HashMap<>();
            m.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
            return new Message(content, m.path("protobuf").asBoolean(false), m.path("event").asText(null), headers,
                    "acme", format.name() + "-1", RECEIVED_AT);
        }
    }

    static Stream<Golden> goldens() {
        List<Golden> all = new ArrayList<>();
        for (NetworkFormat format : FORMATS) {
            Path dir = resource("/payload/" + format.name());
            try (Stream<Path> files = Files.list(dir)) {
                for (Path expectation : files.filter(p -> p.toString().endsWith(".expected.json")).sorted().toList()) {
                    String name = expectation.getFileName().toString().replace(".expected.json", "");
                    Path body = Files.exists(dir.resolve(name + ".bin")) ? dir.resolve(name + ".bin") : dir.resolve(name + ".json");
                    all.add(new Golden(format, name, Files.readAllBytes(body), JSON.readTree(expectation.toFile())));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.stream();
    }

    static Stream<NetworkFormat> formats() {
        return FORMATS.stream();
    }

    private static Path resource(String name) {
        try {
            return Path.of(NetworkFormatContractTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void goldens_coverEveryFormat_andTheDocumentedBodies() throws IOException {
        assertThat(goldens().map(g -> g.format().name()).distinct()).containsExactlyInAnyOrder("ttn", "chirpstack");
        JsonNode vectors = Vectors.read("lorawan-network-servers.json");
        assertThat(JSON.readTree(resource("/payload/ttn/documented-uplink.json").toFile()))
                .isEqualTo(vectors.get("tts_v3_uplink").get("body"));
        assertThat(JSON.readTree(resource("/payload/chirpstack/documented-up.json").toFile()))
                .isEqualTo(vectors.get("chirpstack_v4_up").get("body"));
        assertThat(goldens().filter(g -> g.name().equals("documented-uplink")).findFirst().orElseThrow()
                .expected().at("/uplink/payloadHex").asText())
                .isEqualToIgnoringCase(vectors.get("tts_v3_uplink").get("frm_payload_hex").asText());
        assertThat(goldens().filter(g -> g.name().equals("documented-up")).findFirst().orElseThrow()
                .expected().at("/uplink/payloadHex").asText())
                .isEqualToIgnoringCase(vectors.get("chirpstack_v4_up").get("data_hex").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void golden_readsAsExpected(Golden golden) {
        Delivery delivery = golden.format().read(golden.message(golden.body()));

        JsonNode e = golden.expected().get("uplink");
        Uplink u = delivery.uplink();
        assertThat(u.kind().name()).isEqualTo(e.get("kind").asText());
        assertThat(u.tenant()).isEqualTo("acme");
        assertThat(u.integration()).isEqualTo(golden.format().name() + "-1");
        assertThat(u.networkId()).isEqualTo(e.get("networkId").asText());
        assertThat(u.seq()).isEqualTo(e.get("seq").asLong());
        assertThat(u.fPort()).isEqualTo(e.get("fPort").asInt());
        assertThat(Hex.encode(u.payload())).isEqualTo(e.get("payloadHex").asText());
        assertThat(Instant.ofEpochMilli(u.time())).isEqualTo(Instant.parse(e.get("time").asText()));
        assertThat(u.receivedAt()).isEqualTo(RECEIVED_AT);
        assertThat(u.session()).isEqualTo(e.get("session").isNull() ? null : e.get("session").asText());
        assertThat(u.dedupKey()).isEqualTo(e.get("dedupKey").isNull() ? null : e.get("dedupKey").asText());
        List<Reception> receptions = new ArrayList<>();
        e.get("receptions").forEach(r -> receptions.add(new Reception(r.get("station").asText(),
                r.get("rssi").isNull() ? null : r.get("rssi").asDouble(), r.get("snr").isNull() ? null : r.get("snr").asDouble())));
        assertThat(u.receptions()).containsExactlyElementsOf(receptions);
        assertThat(u.duplicate()).isFalse();
        if (e.has("meta")) {
            assertContains(readTree(u.meta()), e.get("meta"), "meta");
        }
        // an uplink's device names are its labels, stored once per change, never also in its metadata
        if (e.has("labels")) {
            JsonNode labels = readTree(u.labels());
            assertContains(labels, e.get("labels"), "labels");
            JsonNode meta = u.meta() == null ? JSON.createObjectNode() : readTree(u.meta());
            labels.fieldNames().forEachRemaining(name -> assertThat(meta.has(name))
                    .as("%s: '%s' is both a label and metadata", golden, name).isFalse());
        } else {
            assertThat(u.labels()).as("%s: labels", golden).isNull();
        }

        JsonNode update = golden.expected().get("downlinkUpdate");
        if (update.isNull()) {
            assertThat(delivery.downlinkUpdate()).isNull();
        } else {
            assertThat(delivery.downlinkUpdate()).isEqualTo(new Delivery.DownlinkUpdate(
                    update.get("downlinkId").asText(), update.get("status").asText()));
        }
        JsonNode route = golden.expected().get("route");
        if (route.isNull()) {
            assertThat(delivery.route()).isNull();
        } else if (route.get("kind").asText().equals("tts-push")) {
            assertThat(delivery.route()).isEqualTo(new DownlinkRoute.TtsPush(route.get("pushUrl").asText(),
                    route.get("apiKey").asText()));
        } else {
            assertThat(delivery.route()).isEqualTo(new DownlinkRoute.ChirpstackCommand(
                    route.get("applicationId").asText(), route.get("devEui").asText()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void golden_cutShortOrWithBytesChanged_readsOrIsRefusedByField(Golden golden) {
        Random random = new Random(golden.name().hashCode());
        byte[] body = golden.body();
        for (int cut = 0; cut < body.length; cut++) {
            assertReadsOrIsRefused(golden, java.util.Arrays.copyOf(body, cut));
        }
        for (int i = 0; i < 400; i++) {
            byte[] changed = body.clone();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                changed[random.nextInt(changed.length)] = (byte) random.nextInt(256);
            }
            assertReadsOrIsRefused(golden, changed);
        }
    }

    /** Every member, at every depth, replaced in turn by values of the wrong type or out of range. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldens")
    void golden_withAnyFieldOfAnotherType_readsOrIsRefusedByField(Golden golden) {
        if (golden.expected().path("message").path("protobuf").asBoolean(false)) {
            return;
        }
        JsonNode original = readTree(new String(golden.body(), java.nio.charset.StandardCharsets.UTF_8));
        List<JsonNode> wrongValues = List.of(JSON.valueToTree("x"), JSON.valueToTree(-1), JSON.valueToTree(1e300),
                JSON.valueToTree(List.of(1)), JSON.valueToTree(Map.of("a", 1)), JSON.valueToTree(true),
                JSON.getNodeFactory().nullNode(), JSON.valueToTree("QUJD"), JSON.valueToTree(4294967296L));
        for (String pointer : pointers(original, "")) {
            for (JsonNode wrong : wrongValues) {
                JsonNode copy = original.deepCopy();
                replace(copy, pointer, wrong);
                assertReadsOrIsRefused(golden, copy.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void bodiesThatAreNoMessage_areRefusedByField(NetworkFormat format) {
        for (String body : new String[] {"", "null", "[]", "{}", "\"text\"", "{\"a\":", "{}{}", "12"}) {
            Message message = new Message(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), false, "up", Map.of(),
                    "acme", "i", RECEIVED_AT);
            try {
                format.read(message);
                fail("%s read '%s'", format.name(), body);
            } catch (Problem p) {
                assertThat(p.status()).isEqualTo(400);
            }
        }
    }

    private static void assertReadsOrIsRefused(Golden golden, byte[] body) {
        try {
            Delivery d = golden.format().read(golden.message(body));
            assertThat(d.uplink()).isNotNull();
            assertThat(d.uplink().networkId()).hasSize(16);
        } catch (Problem p) {
            assertThat(p.status()).as(p.getMessage()).isEqualTo(400);
            assertThat(p.getMessage()).isNotBlank();
            if (p.type().equals("invalid-field")) {
                assertThat(p.field()).isNotBlank();
            }
        } catch (RuntimeException other) {
            throw new AssertionError(golden + " failed with " + other + " for "
                    + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1), other);
        }
    }

    private static List<String> pointers(JsonNode node, String at) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                out.add(at + "/" + name);
                out.addAll(pointers(node.get(name), at + "/" + name));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(at + "/" + i);
                out.addAll(pointers(node.get(i), at + "/" + i));
            }
        }
        return out;
    }

    private static void replace(JsonNode root, String pointer, JsonNode value) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent.isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) parent).set(last, value);
        } else {
            ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(last), value);
        }
    }

    /** {@code actual} holds everything {@code expected} holds (objects may have more members); numbers compare by value. */
    private static void assertContains(JsonNode actual, JsonNode expected, String path) {
        if (expected.isObject()) {
            assertThat(actual).as(path).isNotNull();
            assertThat(actual.isObject()).as(path + " is an object").isTrue();
            expected.properties().forEach(e -> assertContains(actual.get(e.getKey()), e.getValue(), path + "." + e.getKey()));
        } else if (expected.isArray()) {
            assertThat(actual).as(path).isNotNull();
            assertThat(actual.size()).as(path + " size").isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertContains(actual.get(i), expected.get(i), path + "[" + i + "]");
            }
        } else if (expected.isNumber()) {
            assertThat(actual).as(path).isNotNull();
            assertThat(actual.asDouble()).as(path).isEqualTo(expected.asDouble());
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
