package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mqtt-bridge integrations against a real external broker (Debian's Mosquitto on a free loopback
 * port), fed by Mosquitto's own client as The Things Stack, ChirpStack or a device would publish.
 */
class MqttBridgeTest {

    private static final String EUI = "70B3D57ED0001A2B";

    @TempDir
    Path dir;

    static String ttnUplink(long fCnt, String gateway) {
        return "{\"end_device_ids\":{\"device_id\":\"d\",\"application_ids\":{\"application_id\":\"app\"},\"dev_eui\":\"" + EUI
                + "\"},\"received_at\":\"2026-11-02T09:00:00Z\",\"uplink_message\":{\"session_key_id\":\"K1\",\"f_cnt\":" + fCnt
                + ",\"f_port\":1,\"frm_payload\":\"AQ==\",\"rx_metadata\":[{\"gateway_ids\":{\"gateway_id\":\"" + gateway
                + "\"},\"rssi\":-90,\"snr\":7.5}],\"received_at\":\"2026-11-02T09:00:00Z\"}}";
    }

    static JsonNode bridge(TestNode node, String tenant, Mosquitto.Broker broker, String topic, String format, String user,
            String password) {
        String credentials = user == null ? "" : ",\"username\":\"" + user + "\",\"password\":\"" + password + "\"";
        return node.create("/api/v1/integrations", "{\"kind\":\"mqtt-bridge\",\"tenant\":\"" + tenant + "\",\"url\":\"mqtt://127.0.0.1:"
                + broker.port + "\",\"topic\":\"" + topic + "\",\"format\":\"" + format + "\"" + credentials + "}");
    }

    /** Publishes at QoS 1 until {@code done} holds: the bridge subscribes a moment after it is made. */
    static void publishUntil(Mosquitto.Broker broker, Supplier<Boolean> done, String... args) {
        Await.until("the bridge to ingest what was published", 20, () -> {
            if (done.get()) {
                return true;
            }
            Mosquitto.Run run = Mosquitto.pub(broker.port, args);
            assertThat(run.exit()).as(run.output()).isZero();
            return false;
        });
    }

    static int frames(TestNode node, String device) {
        return node.frames(device).size();
    }

    @Test
    void ttnBridge_ingestsUplinks_andTheSameUplinkByWebhookIsOneFrameWithBothGateways() throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir.resolve("node"));
                Mosquitto.Broker broker = Mosquitto.Broker.start(dir, null, null)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            node.device("acme", "d", "lorawan", EUI, null);
            JsonNode made = bridge(node, "acme", broker, "v3/+/devices/+/up", "ttn", null, null);
            assertThat(made.get("url").asText()).isEqualTo("mqtt://127.0.0.1:" + broker.port);
            assertThat(made.has("key")).isFalse();

            publishUntil(broker, () -> frames(node, "d") == 1, "-q", "1", "-t", "v3/app@ttn/devices/d/up",
                    "-m", ttnUplink(7, "gw-mqtt"));
            String ttn = node.integration("acme", "ttn");
            TestNode.Response webhook = node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(7, "gw-webhook"));
            assertThat(webhook.status()).isEqualTo(204);

            JsonNode frames = node.frames("d");
            assertThat(frames).hasSize(1);
            List<String> gateways = new ArrayList<>();
            frames.get(0).get("receptions").forEach(r -> gateways.add(r.get("station").asText()));
            assertThat(gateways).containsExactlyInAnyOrder("gw-mqtt", "gw-webhook");
        }
    }

    @Test
    void chirpstackBridge_readsJsonAndProtobufEvents_fromTheTopicsEvent() throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir.resolve("node"));
                Mosquitto.Broker broker = Mosquitto.Broker.start(dir, "chirpstack", "s3cret")) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            node.device("acme", "d", "lorawan", "A84041000181C0DE", null);
            bridge(node, "acme", broker, "application/+/device/+/event/+", "chirpstack", "chirpstack", "s3cret");
            String json = new String(LorawanIngestTest.golden("chirpstack/up-two-gateways.json"), StandardCharsets.UTF_8);

            publishUntil(broker, () -> frames(node, "d") == 1, "-q", "1", "-u", "chirpstack", "-P", "s3cret",
                    "-t", "application/a1b2/device/a84041000181c0de/event/up", "-m", json);
            Mosquitto.Run proto = Mosquitto.pubBytes(broker.port, LorawanIngestTest.golden("chirpstack/up-protobuf.bin"),
                    "-q", "1", "-u", "chirpstack", "-P", "s3cret", "-t", "application/a1b2/device/a84041000181c0de/event/up");
            assertThat(proto.exit()).as(proto.output()).isZero();
            // a status event is kept but is no frame
            Mosquitto.Run status = Mosquitto.pub(broker.port, "-q", "1", "-u", "chirpstack", "-P", "s3cret",
                    "-t", "application/a1b2/device/a84041000181c0de/event/status",
                    "-m", new String(LorawanIngestTest.golden("chirpstack/status.json"), StandardCharsets.UTF_8));
            assertThat(status.exit()).isZero();

            Await.until("the Protobuf uplink", 20, () -> frames(node, "d") >= 2);
            List<Long> counters = new ArrayList<>();
            node.frames("d").forEach(f -> counters.add(f.get("seq").asLong()));
            assertThat(counters).containsExactlyInAnyOrder(4294967295L, 12L);
        }
    }

    @Test
    void valleyBridge_ingestsDevicesOfItsTenant_andReconnectsAfterTheBrokerCameBack() throws Exception {
        Path brokerDir = dir.resolve("broker");
        Files.createDirectories(brokerDir);
        try (TestNode node = TestNode.startReachingLoopback(dir.resolve("node"))) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            node.device("acme", "p", "mqtt", "proto-1", null);
            Mosquitto.Broker broker = Mosquitto.Broker.start(brokerDir, null, null);
            int port = broker.port;
            String id = bridge(node, "acme", broker, "valley/acme/devices/+/up", "valley", null, null).get("id").asText();
            publishUntil(broker, () -> readings(node).size() >= 1, "-q", "1", "-t", "valley/acme/devices/p/up",
                    "-m", "{\"values\":{\"count\":1}}");
            Await.until("the bridge to be connected", 10, () -> state(node, id).get("connected").asBoolean());
            JsonNode up = state(node, id);
            assertThat(up.get("attempts").asInt()).isZero();
            assertThat(up.get("received").asLong()).isPositive();

            broker.stop();
            Await.until("the bridge to notice the broker gone", 10, () -> !state(node, id).get("connected").asBoolean());
            JsonNode down = state(node, id);
            assertThat(down.get("lastError").asText()).isNotEmpty();
            assertThat(down.has("lastErrorAt")).isTrue();
            Mosquitto.Broker again = Mosquitto.Broker.restart(brokerDir, port);
            try {
                publishUntil(again, () -> readings(node).size() >= 2, "-q", "1", "-t", "valley/acme/devices/p/up",
                        "-m", "{\"values\":{\"count\":2}}");
                // messages kept for the session may arrive before the subscription is acknowledged
                Await.until("the bridge to be connected again", 10, () -> state(node, id).get("connected").asBoolean());
                JsonNode back = state(node, id);
                assertThat(back.get("attempts").asInt()).isZero();
                assertThat(back.get("lastErrorAt").asText()).as("the last failure stays in view").isNotEmpty();
                assertThat(Instant.parse(back.get("since").asText())).isAfter(Instant.parse(up.get("since").asText()));
            } finally {
                again.close();
            }
            assertThat(node.get("/metrics", null).body()).contains("valley_mqtt_bridge_messages");
        }
    }

    @Test
    void aBridgeMadeWhileLoopbackWasAllowed_doesNotConnect_onceTheNodeRestartsWithTheDefaultPolicy() throws Exception {
        Path nodeDir = dir.resolve("node");
        try (Mosquitto.Broker broker = Mosquitto.Broker.start(dir, null, null)) {
            try (TestNode node = TestNode.startReachingLoopback(nodeDir)) {
                node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
                node.device("acme", "p", "mqtt", "proto-1", null);
                bridge(node, "acme", broker, "valley/acme/devices/+/up", "valley", null, null);
                publishUntil(broker, () -> readings(node).size() >= 1, "-q", "1", "-t", "valley/acme/devices/p/up",
                        "-m", "{\"values\":{\"count\":1}}");
            }
            try (TestNode node = TestNode.start(nodeDir)) {
                // the bridge's session is persistent: had it connected, this message would be delivered to it
                assertThat(Mosquitto.pub(broker.port, "-q", "1", "-t", "valley/acme/devices/p/up",
                        "-m", "{\"values\":{\"count\":2}}").exit()).isZero();
                Thread.sleep(1_500);
                List<Double> values = new ArrayList<>();
                readings(node).forEach(r -> values.add(r.get("value").asDouble()));
                assertThat(values).isNotEmpty().containsOnly(1.0);
                assertThat(node.get("/metrics", null).body()).contains("valley_mqtt_bridges_connected 0.0");
                // the tenant sees why in the bridge's state
                JsonNode bridge = node.get("/api/v1/integrations", node.admin()).json().get(0);
                assertThat(bridge.get("kind").asText()).isEqualTo("mqtt-bridge");
                assertThat(bridge.get("state").get("connected").asBoolean()).isFalse();
                assertThat(bridge.get("state").get("lastError").asText()).contains("127.0.0.1").contains("egress-allow");
            }
        }
    }

    /** A certificate authority, and a broker certificate it signed for the name localhost only (not 127.0.0.1). */
    record Pki(Path ca, Path certificate, Path key) {
        static Pki make(Path dir) throws Exception {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
            openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Valley test authority");
            openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
            openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
            return new Pki(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"));
        }

        private static void openssl(Path dir, String... args) throws Exception {
            List<String> command = new ArrayList<>(List.of("openssl"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("openssl %s: %s", args[0], output).isZero();
        }
    }

    static String tlsBridge(TestNode node, String url, String ca) {
        ObjectNode body = TestNode.JSON.createObjectNode().put("kind", "mqtt-bridge").put("tenant", "acme").put("url", url)
                .put("topic", "valley/acme/devices/+/up").put("format", "valley");
        if (ca != null) {
            body.put("ca", ca);
        }
        return node.create("/api/v1/integrations", body.toString()).get("id").asText();
    }

    @Test
    void tlsBridge_trustsTheAuthorityItIsGiven_andWantsTheBrokersNameInItsCertificate() throws Exception {
        Pki pki = Pki.make(dir.resolve("pki"));
        try (TestNode node = TestNode.startReachingLoopback(dir.resolve("node"));
                Mosquitto.Broker broker = Mosquitto.Broker.startTls(dir, pki.certificate(), pki.key())) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            node.device("acme", "p", "mqtt", "proto-1", null);
            String ca = Files.readString(pki.ca());
            String trusted = tlsBridge(node, "mqtts://localhost:" + broker.tlsPort, ca);
            String wrongName = tlsBridge(node, "mqtts://127.0.0.1:" + broker.tlsPort, ca);
            String unknownAuthority = tlsBridge(node, "mqtts://localhost:" + broker.tlsPort, null);
            assertThat(node.get("/api/v1/integrations/" + trusted, node.admin()).json().get("ca").asText())
                    .startsWith("-----BEGIN CERTIFICATE-----");

            publishUntil(broker, () -> readings(node).size() >= 1, "-q", "1", "-t", "valley/acme/devices/p/up",
                    "-m", "{\"values\":{\"count\":1}}");
            Await.until("the trusted bridge to be connected", 10, () -> state(node, trusted).get("connected").asBoolean());
            for (String refused : List.of(wrongName, unknownAuthority)) {
                Await.until("bridge " + refused + " to have failed", 10, () -> state(node, refused).get("attempts").asInt() >= 1);
                assertThat(state(node, refused).get("connected").asBoolean()).isFalse();
            }
        }
    }

    static JsonNode state(TestNode node, String integration) {
        return node.get("/api/v1/integrations/" + integration, node.admin()).json().get("state");
    }

    static JsonNode readings(TestNode node) {
        return node.get("/api/v1/devices/p/readings?key=count", node.admin()).json();
    }

    @Test
    void deletedBridge_stopsIngesting_whileAnotherGoesOn() throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir.resolve("node"));
                Mosquitto.Broker broker = Mosquitto.Broker.start(dir, null, null)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            node.create("/api/v1/tenants", "{\"id\":\"beta\"}");
            node.device("acme", "p", "mqtt", "proto-1", null);
            node.device("beta", "q", "mqtt", "proto-2", null);
            JsonNode made = bridge(node, "acme", broker, "valley/acme/devices/+/up", "valley", null, null);
            bridge(node, "beta", broker, "valley/beta/devices/+/up", "valley", null, null);
            publishUntil(broker, () -> readings(node).size() >= 1, "-q", "1", "-t", "valley/acme/devices/p/up",
                    "-m", "{\"values\":{\"count\":1}}");
            assertThat(node.send("DELETE", "/api/v1/integrations/" + made.get("id").asText(), node.admin(), null).status())
                    .isEqualTo(204);

            assertThat(Mosquitto.pub(broker.port, "-q", "1", "-t", "valley/acme/devices/p/up",
                    "-m", "{\"values\":{\"count\":2}}").exit()).isZero();
            publishUntil(broker, () -> node.get("/api/v1/devices/q/readings?key=count", node.admin()).json().size() >= 1,
                    "-q", "1", "-t", "valley/beta/devices/q/up", "-m", "{\"values\":{\"count\":5}}");
            List<Double> acme = new ArrayList<>();
            readings(node).forEach(r -> acme.add(r.get("value").asDouble()));
            assertThat(acme).isNotEmpty().containsOnly(1.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mqtt://127.0.0.1:1883", "mqtt://localhost", "mqtt://[::1]:1883", "mqtt://[::ffff:127.0.0.1]",
        "mqtts://169.254.169.254", "mqtt://0.0.0.0:1883", "mqtt://[fe80::1]:1883"})
    void aBridgeToTheNodesOwnOrLinkLocalAddresses_isRefusedByDefault_namingTheUrlAndTheSetting(String url) throws Exception {
        try (TestNode node = TestNode.start(dir.resolve("node"))) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            TestNode.Response r = node.post("/api/v1/integrations", node.admin(), "{\"kind\":\"mqtt-bridge\",\"tenant\":"
                    + "\"acme\",\"url\":\"" + url + "\",\"topic\":\"v3/+/devices/+/up\",\"format\":\"ttn\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo("url");
            assertThat(r.json().get("detail").asText()).contains("egress-allow");
            assertThat(node.get("/api/v1/integrations", node.admin()).body()).doesNotContain("mqtt-bridge");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"topic\":\"t\",\"format\":\"ttn\"}|url",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"http://h:1\",\"topic\":\"t\",\"format\":\"ttn\"}|url",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtt://u:p@h:1\",\"topic\":\"t\",\"format\":\"ttn\"}|url",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtt://h:1\",\"topic\":\"a/#/b\",\"format\":\"ttn\"}|topic",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtt://h:1\",\"topic\":\"a/b+\",\"format\":\"ttn\"}|topic",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtt://h:1\",\"topic\":\"a\",\"format\":\"sigfox\"}|format",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtt://h:1\",\"topic\":\"a\",\"format\":\"ttn\",\"password\":\"p\"}|password",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtt://h:1\",\"topic\":\"a\",\"format\":\"ttn\",\"ca\":\"-----BEGIN CERTIFICATE-----\"}|ca",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtts://h:1\",\"topic\":\"a\",\"format\":\"ttn\",\"ca\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"}|ca",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtts://h:1\",\"topic\":\"a\",\"format\":\"ttn\",\"ca\":\"my authority\"}|ca",
        "{\"kind\":\"mqtt-bridge\",\"tenant\":\"acme\",\"url\":\"mqtts://h:1\",\"topic\":\"a\",\"format\":\"ttn\",\"ca\":7}|ca",
    })
    void badBridgeSettings_areProblemJsonNamingTheField(String body, String field) throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir.resolve("node"))) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            TestNode.Response r = node.post("/api/v1/integrations", node.admin(), body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo(field);
        }
    }
}
