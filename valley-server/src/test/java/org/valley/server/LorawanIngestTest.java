package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Things Stack webhooks and ChirpStack HTTP integrations through a real node, read back through the API. */
class LorawanIngestTest {

    static TestNode node;

    @RegisterExtension
    static final SharedNode shared = new SharedNode(n -> node = n);
    static final AtomicInteger ids = new AtomicInteger();

    static byte[] golden(String name) {
        try (var in = LorawanIngestTest.class.getResourceAsStream("/payload/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A golden JSON body with its devEUI replaced, so every test has a device of its own. */
    static String golden(String name, String from, String devEui) {
        String text = new String(golden(name), StandardCharsets.UTF_8);
        return text.replace(from, devEui).replace(from.toLowerCase(Locale.ROOT), devEui.toLowerCase(Locale.ROOT));
    }

    static String devEui() {
        return String.format("70B3D57E%08X", 0xD000_0000 + ids.incrementAndGet());
    }

    /** A fresh tenant with an integration of each LoRaWAN kind: {tenant, ttn key, chirpstack key}. */
    static String[] tenant() {
        String tenant = "lw" + ids.incrementAndGet();
        node.create("/api/v1/tenants", "{\"id\":\"" + tenant + "\"}");
        return new String[] {tenant, node.integration(tenant, "ttn"), node.integration(tenant, "chirpstack")};
    }

    static void device(String tenant, String id, String devEui, String codec) {
        node.device(tenant, id, "lorawan", devEui, codec);
    }

    static JsonNode frames(String device) {
        return node.frames(device);
    }

    static TestNode.Response ttn(String key, String body, String... headers) {
        return node.sendBytes("POST", "/ingest/ttn?key=" + key, null, body.getBytes(StandardCharsets.UTF_8),
                "application/json", headers);
    }

    static TestNode.Response chirpstack(String key, String event, String body) {
        return node.post("/ingest/chirpstack?event=" + event + "&key=" + key, null, body);
    }

    @Test
    void ttnWebhook_documentedUplink_isAFrameWithItsGatewayAndTheNetworksDecodedPayloadBesideOurs() {
        String[] t = tenant();
        String eui = devEui();
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-g\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"kind::uint:8 level::uint:16\"}");
        device(t[0], t[0] + "-d", eui, t[0] + "-g");

        TestNode.Response r = ttn(t[1], golden("ttn/documented-uplink.json", "0004A30B001C0530", eui));
        assertThat(r.status()).as(r.body()).isEqualTo(204);

        JsonNode frame = frames(t[0] + "-d").get(0);
        assertThat(frame.get("decodeError").isNull()).as(frame.toString()).isTrue();
        assertThat(frame.get("seq").asLong()).isEqualTo(1);
        assertThat(frame.get("fPort").asInt()).isZero();
        assertThat(frame.get("payloadHex").asText()).isEqualTo("8241de");
        assertThat(frame.get("time").asText()).isEqualTo("2020-02-12T15:15:45.789Z");
        assertThat(frame.get("receptions")).hasSize(1);
        assertThat(frame.get("receptions").get(0).get("station").asText()).isEqualTo("gtw1");
        assertThat(frame.get("receptions").get(0).get("rssi").asDouble()).isEqualTo(-35.0);
        assertThat(frame.get("receptions").get(0).get("snr").asDouble()).isEqualTo(5.0);
        assertThat(frame.get("decoded").get("kind").asInt()).isEqualTo(0x82);
        assertThat(frame.get("decoded").get("level").asInt()).isEqualTo(0x41de);
        assertThat(frame.get("network").get("decoded").get("luminosity").asDouble()).isEqualTo(0.64);
        assertThat(frame.get("network").get("applicationId").asText()).isEqualTo("app1");
        JsonNode readings = node.get("/api/v1/devices/" + t[0] + "-d/readings?key=level", node.admin()).json();
        assertThat(readings.get(0).get("value").asDouble()).isEqualTo(0x41de);
    }

    @Test
    void chirpstackUp_inJsonAndInProtobuf_areFramesWithEveryGateway() {
        String[] t = tenant();
        String eui = devEui();
        device(t[0], t[0] + "-d", eui, null);

        TestNode.Response json = chirpstack(t[2], "up", golden("chirpstack/up-two-gateways.json", "a84041000181c0de", eui));
        assertThat(json.status()).as(json.body()).isEqualTo(204);
        byte[] protobuf = golden("chirpstack/up-protobuf.bin");
        TestNode.Response proto = node.sendBytes("POST", "/ingest/chirpstack?event=up", t[2],
                replaceAscii(protobuf, "a84041000181c0de", eui.toLowerCase(Locale.ROOT)), "application/octet-stream");
        assertThat(proto.status()).as(proto.body()).isEqualTo(204);

        JsonNode frames = frames(t[0] + "-d");
        assertThat(frames).hasSize(2);
        List<Long> counters = new ArrayList<>();
        frames.forEach(f -> counters.add(f.get("seq").asLong()));
        assertThat(counters).containsExactlyInAnyOrder(4294967295L, 12L);
        JsonNode fromProtobuf = frames.get(0).get("seq").asLong() == 12 ? frames.get(0) : frames.get(1);
        assertThat(fromProtobuf.get("payloadHex").asText()).isEqualTo("0102");
        assertThat(fromProtobuf.get("fPort").asInt()).isEqualTo(2);
        assertThat(fromProtobuf.get("receptions")).hasSize(2);
        assertThat(fromProtobuf.get("network").get("decoded").get("label").asText()).isEqualTo("r101");
    }

    /**
     * A device renamed in ChirpStack between its frames: each frame shows, among its network data,
     * the names the device had when it arrived, though the names are stored once per change.
     */
    @Test
    void chirpstackDevice_renamedBetweenFrames_eachFrameShowsTheNamesOfItsTime() {
        String[] t = tenant();
        String eui = devEui();
        device(t[0], t[0] + "-d", eui, null);
        for (int fCnt = 1; fCnt <= 4; fCnt++) {
            String body = """
                    {"deduplicationId":"3ac7e3c4-4401-4b8d-9386-a5c902f9200%d","time":"2026-12-07T10:0%d:00Z",
                     "deviceInfo":{"tenantId":"52f14cd4","applicationId":"17c82e96","applicationName":"campus",
                       "deviceName":"%s","deviceProfileName":"Elsys ERS","devEui":"%s"},
                     "devAddr":"01ab23cd","dr":5,"fCnt":%d,"fPort":5,"data":"AQ==",
                     "rxInfo":[{"gatewayId":"0016c001f153a14c","rssi":-80,"snr":7.5}]}"""
                    .formatted(fCnt, fCnt, fCnt <= 2 ? "Salle Ada" : "Salle Turing", eui.toLowerCase(Locale.ROOT), fCnt);
            TestNode.Response r = chirpstack(t[2], "up", body);
            assertThat(r.status()).as(r.body()).isEqualTo(204);
        }

        JsonNode frames = frames(t[0] + "-d");
        assertThat(frames).hasSize(4);
        for (JsonNode frame : frames) {
            JsonNode network = frame.get("network");
            assertThat(network.get("deviceName").asText()).as(frame.toString())
                    .isEqualTo(frame.get("seq").asLong() <= 2 ? "Salle Ada" : "Salle Turing");
            assertThat(network.get("network").asText()).isEqualTo("chirpstack");
            assertThat(network.get("applicationName").asText()).isEqualTo("campus");
            assertThat(network.get("dr").asInt()).isEqualTo(5);
        }
    }

    /** Replaces an ASCII string by another of the same length inside Protobuf bytes. */
    static byte[] replaceAscii(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace(from, to);
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void unregisteredDevEui_isKeptUnclaimed_untilADeviceClaimsIt() {
        String[] t = tenant();
        String eui = devEui();
        assertThat(ttn(t[1], golden("ttn/uplink-after-join.json", "70b3d57ed0001a2b", eui)).status()).isEqualTo(204);

        JsonNode unclaimed = node.get("/api/v1/unclaimed", node.admin()).json();
        List<String> networkIds = new ArrayList<>();
        unclaimed.forEach(f -> networkIds.add(f.get("networkId").asText()));
        assertThat(networkIds).contains(eui);

        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-g\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"open::bool:0\"}");
        device(t[0], t[0] + "-d", eui, t[0] + "-g");
        JsonNode frame = frames(t[0] + "-d").get(0);
        assertThat(frame.get("decoded").get("open").asBoolean()).isTrue();
        assertThat(frame.get("fPort").asInt()).isEqualTo(2);
    }

    @Test
    void joinsAndNetworkEvents_areAcknowledged_butAreNotFrames() {
        String[] t = tenant();
        String eui = devEui();
        device(t[0], t[0] + "-d", eui, null);
        for (String name : new String[] {"join-accept", "downlink-queued", "location-solved", "downlink-failed"}) {
            TestNode.Response r = ttn(t[1], golden("ttn/" + name + ".json", "70B3D57ED0001A2B", eui));
            assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(204);
        }
        for (String event : new String[] {"status", "log", "txack"}) {
            TestNode.Response r = chirpstack(t[2], event, golden("chirpstack/" + event + ".json", "A84041000181C0DE", eui));
            assertThat(r.status()).as(event + ": " + r.body()).isEqualTo(204);
        }
        assertThat(frames(t[0] + "-d")).isEmpty();
        assertThat(node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json().get("frames").asInt()).isZero();
    }

    @Test
    void networkReportsOnADownlink_updateItsStatus_andNeverGoBack() {
        String[] t = tenant();
        String eui = devEui();
        device(t[0], t[0] + "-d", eui, null);
        TestNode.Response queued = node.post("/api/v1/devices/" + t[0] + "-d/downlinks", node.admin(),
                "{\"payloadHex\":\"0f\",\"fPort\":3}");
        assertThat(queued.status()).as(queued.body()).isEqualTo(201);
        String id = queued.json().get("id").asText();
        String uuid = id.substring(3);

        assertThat(chirpstack(t[2], "txack", golden("chirpstack/txack.json", "A84041000181C0DE", eui)
                .replace("6f1c2e0a-7d1b-4c55-9a63-0e2c7a1d9b44", uuid)).status()).isEqualTo(204);
        assertThat(downlinkStatus(t[0] + "-d", id)).isEqualTo("transmitted");
        assertThat(ttn(t[1], golden("ttn/downlink-ack.json", "70B3D57ED0001A2B", eui)
                .replace("dl-6f1c2e0a-7d1b-4c55-9a63-0e2c7a1d9b44", id)).status()).isEqualTo(204);
        assertThat(downlinkStatus(t[0] + "-d", id)).isEqualTo("acknowledged");
        assertThat(chirpstack(t[2], "txack", golden("chirpstack/txack.json", "A84041000181C0DE", eui)
                .replace("6f1c2e0a-7d1b-4c55-9a63-0e2c7a1d9b44", uuid)).status()).isEqualTo(204);
        assertThat(downlinkStatus(t[0] + "-d", id)).isEqualTo("acknowledged");
    }

    static String downlinkStatus(String device, String id) {
        return downlinkStatus(node, device, id);
    }

    static String downlinkStatus(TestNode node, String device, String id) {
        for (JsonNode d : node.get("/api/v1/devices/" + device + "/downlinks", node.admin()).json()) {
            if (d.get("id").asText().equals(id)) {
                return d.get("status").asText();
            }
        }
        throw new AssertionError("no downlink " + id);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ttn|{\"uplink_message\":{}}|end_device_ids",
        "ttn|{\"end_device_ids\":{\"device_id\":\"x\"},\"uplink_message\":{}}|end_device_ids.dev_eui",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"12\"},\"uplink_message\":{}}|end_device_ids.dev_eui",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"0004A30B001C0530\"},\"uplink_message\":{\"f_cnt\":\"x\"}}|uplink_message.f_cnt",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"0004A30B001C0530\"},\"uplink_message\":{\"f_cnt\":4294967296}}|uplink_message.f_cnt",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"0004A30B001C0530\"},\"uplink_message\":{\"f_port\":256}}|uplink_message.f_port",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"0004A30B001C0530\"},\"uplink_message\":{\"frm_payload\":\"%%%\"}}|uplink_message.frm_payload",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"0004A30B001C0530\"},\"uplink_message\":{\"rx_metadata\":[{\"rssi\":\"loud\"}]}}|uplink_message.rx_metadata[0].rssi",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"0004A30B001C0530\"},\"received_at\":\"yesterday\",\"uplink_message\":{}}|received_at",
        "ttn|{\"end_device_ids\":{\"dev_eui\":\"0004A30B001C0530\"}}|uplink_message",
        "chirpstack?event=up|{\"deviceInfo\":{\"devEui\":\"0101010101010101\"},\"fCnt\":-1}|fCnt",
        "chirpstack?event=up|{\"deviceInfo\":{}}|deviceInfo.devEui",
        "chirpstack?event=up|{\"deviceInfo\":{\"devEui\":\"0101010101010101\"},\"rxInfo\":{}}|rxInfo",
        "chirpstack?event=up|{\"deviceInfo\":{\"devEui\":\"0101010101010101\"},\"time\":\"noon\"}|time",
        "chirpstack|{\"deviceInfo\":{\"devEui\":\"0101010101010101\"}}|event",
        "chirpstack?event=uplink|{\"deviceInfo\":{\"devEui\":\"0101010101010101\"}}|event",
    })
    void badMessage_isProblemJsonNamingTheField(String endpoint, String body, String field) {
        String[] t = tenant();
        String key = endpoint.startsWith("ttn") ? t[1] : t[2];
        TestNode.Response r = node.post("/ingest/" + endpoint + (endpoint.contains("?") ? "&" : "?") + "key=" + key, null, body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(r.json().get("detail").asText()).contains(field);
    }

    @Test
    void garbledProtobufAndNonJsonBodies_areRefusedWith400() {
        String[] t = tenant();
        TestNode.Response proto = node.sendBytes("POST", "/ingest/chirpstack?event=up&key=" + t[2], null,
                new byte[] {0x0a, 0x7f, 0x01}, "application/octet-stream");
        assertThat(proto.status()).isEqualTo(400);
        assertThat(proto.json().get("detail").asText()).contains("Protobuf");
        TestNode.Response json = node.post("/ingest/ttn?key=" + t[1], null, "{\"end_device_ids\":");
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.json().get("type").asText()).endsWith("malformed-body");
    }

    @Test
    void keys_mustBeKnownAndOfTheEndpointsKind() {
        String[] t = tenant();
        String body = golden("ttn/uplink-minimal.json", "70B3D57ED0001A2D", devEui());
        assertThat(node.post("/ingest/ttn", null, body).status()).isEqualTo(401);
        assertThat(node.post("/ingest/ttn?key=vi_unknown", null, body).status()).isEqualTo(401);
        assertThat(node.post("/ingest/ttn?key=" + t[2], null, body).status()).isEqualTo(403);
        assertThat(node.sendBytes("POST", "/ingest/ttn", t[1], body.getBytes(StandardCharsets.UTF_8), "application/json")
                .status()).isEqualTo(204);
    }
}
