package org.valley.server.ingest.lorawan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.valley.frame.Uplink;
import org.valley.server.http.Problem;

/**
 * Uplinks are read in one pass of a streaming parser ({@link TtsUplinkScan}, {@link
 * ChirpstackUplinkScan}); anything else, and anything refused, by the JSON tree reading. Both must
 * say the same of every body: the same uplink (payload, receptions, times, the metadata text to the
 * character, the route), or the same problem. Checked on the golden messages and on what can be
 * done to them: members left out, added, repeated, of another type, out of range, nested deep, cut
 * short or with bytes changed.
 */
class OnePassReadingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TheThingsStack TTS = new TheThingsStack();
    private static final ChirpStack CHIRPSTACK = new ChirpStack();
    private static final long RECEIVED_AT = 1_793_610_123_456L;
    private static final Map<String, String> TTS_HEADERS = Map.of("x-downlink-push",
            "https://eu1.cloud.thethings.network/api/v3/as/applications/campus/webhooks/valley/devices/d/down/push",
            "x-downlink-apikey", "NNSXS.KEY");

    /** An uplink golden message of either network. */
    record Golden(NetworkFormat format, String name, JsonNode body) {
        @Override
        public String toString() {
            return format.name() + "/" + name;
        }
    }

    static Stream<Golden> uplinks() {
        return Stream.of(
                new Golden(TTS, "documented-uplink", golden("ttn/documented-uplink.json")),
                new Golden(TTS, "uplink-three-gateways", golden("ttn/uplink-three-gateways.json")),
                new Golden(TTS, "uplink-after-join", golden("ttn/uplink-after-join.json")),
                new Golden(TTS, "uplink-minimal", golden("ttn/uplink-minimal.json")),
                new Golden(TTS, "webhook-with-everything", ttsWebhook()),
                new Golden(CHIRPSTACK, "documented-up", golden("chirpstack/documented-up.json")),
                new Golden(CHIRPSTACK, "up-two-gateways", golden("chirpstack/up-two-gateways.json")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uplinks")
    void goldenUplinks_areReadInOnePass_asTheTreeReadsThem(Golden golden) {
        byte[] body = bytes(golden.body());
        Message message = message(golden.format(), body);
        Delivery fast = golden.format() == TTS ? TtsUplinkScan.read(message) : ChirpstackUplinkScan.read(message);

        assertThat(fast).as("read in one pass").isNotNull();
        assertSame(golden, body, outcome(() -> fast), outcome(() -> readTree(golden.format(), message)));
        assertThat(scan(golden.format(), message, true)).as("read from the body's bytes").isNotNull();
        assertSameReading(golden, body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uplinks")
    void anyMemberLeftOutOrOfAnotherType_readsAsTheTreeReadsIt(Golden golden) {
        List<JsonNode> others = List.of(JSON.valueToTree("x"), JSON.valueToTree(""), JSON.valueToTree(-1),
                JSON.valueToTree(0), JSON.valueToTree(1.5), JSON.valueToTree(1e300), JSON.valueToTree(List.of(1)),
                JSON.valueToTree(Map.of("a", 1)), JSON.valueToTree(true), JSON.valueToTree(false),
                JSON.getNodeFactory().nullNode(), JSON.valueToTree("QUJD"), JSON.valueToTree(4294967296L),
                JSON.valueToTree(64), JSON.valueToTree(65), JSON.valueToTree(255), JSON.valueToTree(256),
                JSON.valueToTree(100_000_000), JSON.valueToTree(100_000_001), JSON.valueToTree(4294967295L), JSON.valueToTree("+5"),
                JSON.valueToTree("4294967295"), JSON.valueToTree("99999999999999999999"),
                JSON.valueToTree("2026-11-02T09:00:00+02:00"), JSON.valueToTree("A81758FFFE0527D8"),
                JSON.getNodeFactory().numberNode(new java.math.BigInteger("123456789012345678901234567890")),
                JSON.getNodeFactory().numberNode(new java.math.BigDecimal("1e400")));
        for (String pointer : pointers(golden.body(), "")) {
            JsonNode removed = golden.body().deepCopy();
            remove(removed, pointer);
            assertSameReading(golden, bytes(removed));
            for (JsonNode other : others) {
                JsonNode copy = golden.body().deepCopy();
                replace(copy, pointer, other);
                assertSameReading(golden, bytes(copy));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uplinks")
    void unknownMembersAtAnyDepth_areIgnored_andDeepNestingIsRefusedByBoth(Golden golden) {
        JsonNode deep = JSON.getNodeFactory().textNode("end");
        for (int depth = 0; depth < 40; depth++) {
            deep = depth % 2 == 0 ? JSON.createArrayNode().add(deep) : JSON.createObjectNode().set("n", deep);
            for (String pointer : objectPointers(golden.body(), "")) {
                JsonNode copy = golden.body().deepCopy();
                ((ObjectNode) copy.at(pointer)).set("zz_unknown", deep);
                assertSameReading(golden, bytes(copy));
            }
        }
        JsonNode shallow = golden.body().deepCopy();
        ((ObjectNode) shallow).set("zz_unknown", JSON.createObjectNode().put("n", 1).set("list", JSON.createArrayNode().add(2)));
        Message message = message(golden.format(), bytes(shallow));
        assertThat(golden.format() == TTS ? TtsUplinkScan.read(message) : ChirpstackUplinkScan.read(message))
                .as("an unknown member does not stop the one-pass reading").isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uplinks")
    void membersGivenTwice_cutShortOrWithBytesChanged_readAsTheTreeReadsThem(Golden golden) {
        String text = golden.body().toString();
        for (String pointer : pointers(golden.body(), "")) {
            String name = pointer.substring(pointer.lastIndexOf('/') + 1);
            if (name.chars().allMatch(Character::isDigit)) {
                continue;
            }
            // the member repeated at the start of its object, with another value
            String member = "\"" + name + "\":";
            int at = text.indexOf(member);
            while (at >= 0) {
                int open = text.lastIndexOf('{', at);
                for (String value : new String[] {"null", "7", "\"x\"", "{}"}) {
                    assertSameReading(golden, (text.substring(0, open + 1) + member + value + "," + text.substring(open + 1))
                            .getBytes(StandardCharsets.UTF_8));
                }
                at = text.indexOf(member, at + 1);
            }
        }
        byte[] body = bytes(golden.body());
        for (int cut = 0; cut < body.length; cut++) {
            assertSameReading(golden, Arrays.copyOf(body, cut));
        }
        Random random = new Random(golden.name().hashCode());
        String bytes = "0123456789-.eE\"{}[],:tfnulx \\\u00ff";
        for (int i = 0; i < 1500; i++) {
            byte[] changed = body.clone();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                changed[random.nextInt(changed.length)] = (byte) bytes.charAt(random.nextInt(bytes.length()));
            }
            assertSameReading(golden, changed);
        }
    }

    @Test
    void stringsThatNeedEscapes_andTimesInEveryForm_readAsTheTreeReadsThem() {
        Golden tts = new Golden(TTS, "webhook-with-everything", ttsWebhook());
        Golden chirpstack = new Golden(CHIRPSTACK, "documented-up", golden("chirpstack/documented-up.json"));
        for (String text : new String[] {"quote\"back\\slash", "tab\tnew\nline\u0001\u001f", "é ü 中文 \u2028 😀", "</script>"}) {
            ObjectNode t = (ObjectNode) tts.body().deepCopy();
            ((ObjectNode) t.get("end_device_ids")).put("device_id", text);
            ((ObjectNode) t.get("uplink_message")).put("consumed_airtime", text.length() > 32 ? text.substring(0, 32) : text);
            assertSameReading(tts, bytes(t));
            ObjectNode c = (ObjectNode) chirpstack.body().deepCopy();
            ((ObjectNode) c.get("deviceInfo")).put("deviceName", text);
            assertSameReading(chirpstack, bytes(c));
        }
        for (String time : new String[] {"2026-11-02T09:00:00Z", "2026-11-02T09:00:00.1Z", "2026-11-02T09:00:00.123456789Z",
                "2026-11-02T09:00:00.1234567891Z", "2026-11-02t09:00:00z", "2026-11-02T09:00:00+02:00", "2026-11-02T09:00:00.5-05:30",
                "2026-11-02T24:00:00Z", "2026-06-30T23:59:60Z", "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999Z", "+1000000000-01-01T00:00:00Z", "2026-11-02 09:00:00Z", "2026-11-02T09:00Z", "2026-13-02T09:00:00Z",
                "2026-11-02T09:00:00.Z", "", " ", "yesterday"}) {
            ObjectNode t = (ObjectNode) tts.body().deepCopy();
            t.put("received_at", time);
            ((ObjectNode) t.get("uplink_message")).remove("received_at");
            ((ObjectNode) t.get("uplink_message").get("settings")).remove("time");
            assertSameReading(tts, bytes(t));
            ObjectNode c = (ObjectNode) chirpstack.body().deepCopy();
            c.put("time", time);
            assertSameReading(chirpstack, bytes(c));
        }
    }

    @Test
    void manyGateways_keepTheFirst64_asTheTreeDoes() {
        Golden tts = new Golden(TTS, "webhook-with-everything", ttsWebhook());
        ObjectNode body = (ObjectNode) tts.body().deepCopy();
        ArrayNode rx = ((ObjectNode) body.get("uplink_message")).putArray("rx_metadata");
        for (int g = 0; g < 70; g++) {
            ObjectNode gateway = rx.addObject();
            gateway.putObject("gateway_ids").put("gateway_id", "gw-" + g);
            if (g % 3 != 0) {
                gateway.put("rssi", -40 - g);
            }
            if (g % 5 != 0) {
                gateway.put("snr", g / 4.0);
            }
        }
        Message message = message(TTS, bytes(body));
        Delivery fast = TtsUplinkScan.read(message);
        assertThat(fast).isNotNull();
        assertThat(fast.uplink().receptions()).hasSize(LorawanFields.MAX_RECEPTIONS);
        assertSameReading(tts, bytes(body));
    }

    @Test
    void aFrequencyTooLargeForANumber_isNotKept_neverAServerError() {
        ObjectNode body = (ObjectNode) ttsWebhook();
        ((ObjectNode) body.get("uplink_message").get("settings")).put("frequency", "99999999999999999999");
        Delivery d = TTS.read(message(TTS, bytes(body)));
        assertThat(d.uplink().meta()).doesNotContain("frequency").contains("\"spreadingFactor\":7");
        assertSameReading(new Golden(TTS, "frequency", body), bytes(body));
    }

    /**
     * The format's reading, and each one-pass reading that does not give up (from the bytes, by
     * Jackson's parser), say what the tree reading says.
     */
    private static void assertSameReading(Golden golden, byte[] body) {
        Message message = message(golden.format(), body);
        String tree = outcome(() -> readTree(golden.format(), message));
        assertSame(golden, body, outcome(() -> golden.format().read(message)), tree);
        for (boolean bytes : new boolean[] {true, false}) {
            Delivery d = scan(golden.format(), message, bytes);
            if (d != null) {
                assertSame(golden, body, outcome(() -> d), tree);
            }
        }
    }

    /** A one-pass reading's delivery, or null when it gives up (from the bytes: also when they are outside the subset). */
    private static Delivery scan(NetworkFormat format, Message message, boolean bytes) {
        try {
            return format == TTS ? TtsUplinkScan.read(message, bytes) : ChirpstackUplinkScan.read(message, bytes);
        } catch (JsonScan.NotFast outside) {
            assertThat(outside).isSameAs(JsonScan.NOT_BYTES);
            assertThat(bytes).as("only the bytes' reading says a body is outside its subset").isTrue();
            return null;
        }
    }

    /**
     * A body outside the bytes' subset goes to Jackson's parser; one the bytes read but the reading
     * refuses goes straight to the tree, since Jackson's tokens would be the same.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("uplinks")
    void aBodyOutsideTheSubset_goesToJacksonsParser_aRefusedOneToTheTree(Golden golden) {
        ObjectNode escaped = (ObjectNode) golden.body().deepCopy();
        escaped.put("zz_unknown", "tab\tquote\"");
        Message outside = message(golden.format(), bytes(escaped));
        assertThatThrownBy(() -> readDirectly(golden.format(), outside, true)).isSameAs(JsonScan.NOT_BYTES);
        assertThat(golden.format() == TTS ? TtsUplinkScan.read(outside) : ChirpstackUplinkScan.read(outside))
                .as("read by Jackson's parser").isNotNull();

        String text = golden.body().toString();
        String member = text.substring(1, text.indexOf(':') + 1); // the first member's name, given twice
        Message twice = message(golden.format(), ("{" + member + "null," + text.substring(1)).getBytes(StandardCharsets.UTF_8));
        assertThat(readDirectly(golden.format(), twice, true)).as("given up, not outside the subset").isNull();
    }

    /** A one-pass reading as it is, its signal that a body is outside the bytes' subset included. */
    private static Delivery readDirectly(NetworkFormat format, Message message, boolean bytes) {
        return format == TTS ? TtsUplinkScan.read(message, bytes) : ChirpstackUplinkScan.read(message, bytes);
    }

    private static Delivery readTree(NetworkFormat format, Message message) {
        return format instanceof TheThingsStack tts ? tts.readTree(message) : ((ChirpStack) format).readTree(message);
    }

    /** What a reading gave: the delivery's content, or the problem, as comparable text. */
    private static String outcome(java.util.function.Supplier<Delivery> reading) {
        try {
            Delivery d = reading.get();
            Uplink u = d.uplink();
            return String.join("\n", "kind=" + u.kind(), "tenant=" + u.tenant(), "integration=" + u.integration(),
                    "networkId=" + u.networkId(), "seq=" + u.seq(), "time=" + u.time(), "receivedAt=" + u.receivedAt(),
                    "payload=" + (u.payload() == null ? null : org.valley.frame.Hex.encode(u.payload())),
                    "receptions=" + u.receptions(), "duplicate=" + u.duplicate(), "ack=" + u.ack(), "meta=" + u.meta(),
                    "fPort=" + u.fPort(), "session=" + u.session(), "dedup=" + u.dedupKey(), "labels=" + u.labels(),
                    "update=" + d.downlinkUpdate(), "route=" + d.route());
        } catch (Problem p) {
            return "problem " + p.status() + " " + p.type() + " field=" + p.field() + ": " + p.getMessage();
        }
    }

    private static void assertSame(Golden golden, byte[] body, String read, String tree) {
        assertThat(read).as("%s: %s", golden, new String(body, StandardCharsets.UTF_8)).isEqualTo(tree);
        assertThat(Objects.requireNonNull(read)).doesNotContain("problem 500");
    }

    private static Message message(NetworkFormat format, byte[] body) {
        return format == TTS ? new Message(body, false, null, TTS_HEADERS, "acme", "ttn-1", RECEIVED_AT)
                : new Message(body, false, "up", Map.of(), "acme", "chirpstack-1", RECEIVED_AT);
    }

    /** A webhook as The Things Stack sends it, with the members Valley ignores too (the load harness's shape). */
    private static JsonNode ttsWebhook() {
        return read("""
                {"end_device_ids":{"device_id":"eui-70b3d57e00000001","application_ids":{"application_id":"valley-bench"},
                 "dev_eui":"70b3d57e00000001","join_eui":"70B3D57ED0000000","dev_addr":"26000001"},
                 "correlation_ids":["as:up:01JE0000000000000000000001","gs:uplink:01JE000000000000000000001F"],
                 "received_at":"2026-12-06T21:03:53.123456789Z",
                 "uplink_message":{"session_key_id":"AY3bW9c1k2sGqV7wQ9xL0g==","f_port":5,"f_cnt":1234,
                  "frm_payload":"AQDiAikEAZMFAwYD6Ad+Dw==","decoded_payload":{"temperature":22.6,"humidity":41,"nested":[1,2.5,"x",null]},
                  "rx_metadata":[{"gateway_ids":{"gateway_id":"bench-gw-1","eui":"9C5C8E0000000001"},
                   "time":"2026-12-06T21:03:53.120000000Z","timestamp":4201234,"rssi":-71,"channel_rssi":-71,"snr":7.5,
                   "location":{"latitude":45.1885,"longitude":5.7245,"altitude":212,"source":"SOURCE_REGISTRY"},
                   "uplink_token":"ChIKEAoEZ3R3MRIInFyOAAAaBcQQ6L3Vlgk=","channel_index":2},
                   {"gateway_ids":{"gateway_id":"bench-gw-2","eui":"9C5C8E0000000002"},"rssi":-103,"channel_rssi":-103,"snr":-4.2}],
                  "settings":{"data_rate":{"lora":{"bandwidth":125000,"spreading_factor":7,"coding_rate":"4/5"}},
                   "frequency":"868100000","timestamp":4201234,"time":"2026-12-06T21:03:53.120000000Z"},
                  "consumed_airtime":"0.071936s","confirmed":true,"simulated":true,
                  "network_ids":{"net_id":"000013","tenant_id":"bench","cluster_id":"eu1"},
                  "received_at":"2026-12-06T21:03:53.130000000Z"}}
                """);
    }

    private static JsonNode golden(String name) {
        try (var in = OnePassReadingTest.class.getResourceAsStream("/payload/" + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
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

    private static List<String> objectPointers(JsonNode node, String at) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            out.add(at);
        }
        if (node.isContainerNode()) {
            Iterator<Map.Entry<String, JsonNode>> members = node.isObject() ? node.properties().iterator() : null;
            if (members != null) {
                while (members.hasNext()) {
                    Map.Entry<String, JsonNode> e = members.next();
                    out.addAll(objectPointers(e.getValue(), at + "/" + e.getKey()));
                }
            } else {
                for (int i = 0; i < node.size(); i++) {
                    out.addAll(objectPointers(node.get(i), at + "/" + i));
                }
            }
        }
        return out;
    }

    private static void replace(JsonNode root, String pointer, JsonNode value) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent.isObject()) {
            ((ObjectNode) parent).set(last, value);
        } else {
            ((ArrayNode) parent).set(Integer.parseInt(last), value);
        }
    }

    private static void remove(JsonNode root, String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent.isObject()) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ArrayNode) parent).remove(Integer.parseInt(last));
        }
    }
}
