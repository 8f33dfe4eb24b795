package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Downlinks to LoRaWAN devices through the network's documented interface: The Things Stack's
 * webhook downlink queue (a real HTTP server stands in for the network) and ChirpStack's MQTT command
 * topic (on a real Mosquitto, through a bridge); the network's reports update the status.
 */
class LorawanDownlinkTest {

    private static final String EUI = "70B3D57ED0001A2B";

    @TempDir
    Path dir;

    Vertx vertx;
    HttpServer network;
    final BlockingQueue<JsonNode> pushes = new LinkedBlockingQueue<>();
    final AtomicInteger answer = new AtomicInteger(200);

    /** A The Things Stack stand-in: records every push (its headers and body) and answers {@link #answer}. */
    @BeforeEach
    void startNetwork() throws Exception {
        vertx = Vertx.vertx();
        network = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            JsonNode json = TestNode.JSON.createObjectNode()
                    .put("path", request.path())
                    .put("authorization", request.getHeader("authorization"))
                    .put("host", request.getHeader("host"))
                    .put("contentType", request.getHeader("content-type"))
                    .set("body", parse(body.toString(StandardCharsets.UTF_8)));
            pushes.add(json);
            if (request.path().startsWith("/slow/")) {
                // a network that takes its time, then cannot take the downlink
                vertx.setTimer(1_000, t -> request.response().setStatusCode(503).end("{}"));
                return;
            }
            request.response().setStatusCode(answer.get()).end("{}");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopNetwork() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static JsonNode parse(String text) {
        try {
            return TestNode.JSON.readTree(text);
        } catch (Exception e) {
            return TestNode.JSON.getNodeFactory().textNode(text);
        }
    }

    String pushUrl() {
        return pushUrl("127.0.0.1");
    }

    String pushUrl(String host) {
        return "http://" + host + ":" + network.actualPort() + "/api/v3/as/applications/app/webhooks/valley/devices/d/down/push";
    }

    static String uplink(long fCnt) {
        return "{\"end_device_ids\":{\"device_id\":\"d\",\"application_ids\":{\"application_id\":\"app\"},\"dev_eui\":\"" + EUI
                + "\"},\"received_at\":\"2026-11-02T09:00:00Z\",\"uplink_message\":{\"session_key_id\":\"K1\",\"f_cnt\":" + fCnt
                + ",\"f_port\":1,\"frm_payload\":\"AQ==\",\"received_at\":\"2026-11-02T09:00:00Z\"}}";
    }

    static String event(String name, String downlinkId) {
        return "{\"end_device_ids\":{\"device_id\":\"d\",\"dev_eui\":\"" + EUI + "\"},\"received_at\":\"2026-11-02T09:00:05Z\","
                + "\"" + name + "\":{\"f_port\":3,\"frm_payload\":\"Dw==\",\"correlation_ids\":[\"as:downlink:01\",\"valley:downlink:"
                + downlinkId + "\"]}}";
    }

    static String queue(TestNode node, String payloadHex, Integer fPort) {
        TestNode.Response r = node.post("/api/v1/devices/d/downlinks", node.admin(),
                "{\"payloadHex\":\"" + payloadHex + "\"" + (fPort == null ? "" : ",\"fPort\":" + fPort) + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String status(TestNode node, String id) {
        return LorawanIngestTest.downlinkStatus(node, "d", id);
    }

    /** Reads a downlink's status until it is {@code expected} (the network's answer is handled asynchronously). */
    static void awaitStatus(TestNode node, String id, String expected) {
        Await.until("downlink " + id + " to be " + expected, 10, () -> status(node, id).equals(expected));
    }

    @Test
    void tts_queuedDownlink_isPushedWithTheWebhooksKey_atTheNextUplink_andReportsUpdateIt() throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            String ttn = node.integration("acme", "ttn");
            node.device("acme", "d", "lorawan", EUI, null);
            String first = queue(node, "0f01", 3);
            assertThat(pushes.poll(300, TimeUnit.MILLISECONDS)).as("no route yet: nothing is pushed").isNull();

            TestNode.Response up = node.sendBytes("POST", "/ingest/ttn?key=" + ttn, null,
                    uplink(1).getBytes(StandardCharsets.UTF_8), "application/json",
                    "X-Downlink-Push", pushUrl("localhost"), "X-Downlink-Apikey", "NNSXS.TESTKEY");
            assertThat(up.status()).isEqualTo(204);

            JsonNode push = pushes.poll(10, TimeUnit.SECONDS);
            assertThat(push).as("the downlink pushed at the uplink").isNotNull();
            assertThat(push.get("path").asText()).endsWith("/devices/d/down/push");
            // sent to the address the egress policy checked, under the URL's own host name
            assertThat(push.get("host").asText()).isEqualTo("localhost:" + network.actualPort());
            assertThat(push.get("authorization").asText()).isEqualTo("Bearer NNSXS.TESTKEY");
            JsonNode item = push.get("body").get("downlinks").get(0);
            assertThat(item.get("f_port").asInt()).isEqualTo(3);
            assertThat(Base64.getDecoder().decode(item.get("frm_payload").asText())).containsExactly(0x0f, 0x01);
            assertThat(item.get("correlation_ids").toString()).contains("valley:downlink:" + first);
            awaitStatus(node, first, "sent");

            // the route is known now: a new downlink goes at once, on port 1 when it names none
            String second = queue(node, "aa", null);
            JsonNode again = pushes.poll(10, TimeUnit.SECONDS);
            assertThat(again.get("body").get("downlinks").get(0).get("f_port").asInt()).isEqualTo(1);
            awaitStatus(node, second, "sent");

            assertThat(node.post("/ingest/ttn?key=" + ttn, null, event("downlink_sent", first)).status()).isEqualTo(204);
            assertThat(status(node, first)).isEqualTo("transmitted");
            assertThat(node.post("/ingest/ttn?key=" + ttn, null, event("downlink_ack", first)).status()).isEqualTo(204);
            assertThat(status(node, first)).isEqualTo("acknowledged");
        }
    }

    @Test
    void tts_pushRefused_failsTheDownlink_andAnUnreachableNetworkKeepsItQueued() throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            String ttn = node.integration("acme", "ttn");
            node.device("acme", "d", "lorawan", EUI, null);

            String unreachable = queue(node, "01", 2);
            String closedPort = "http://127.0.0.1:" + Mosquitto.freePort() + "/push";
            assertThat(node.sendBytes("POST", "/ingest/ttn?key=" + ttn, null, uplink(1).getBytes(StandardCharsets.UTF_8),
                    "application/json", "X-Downlink-Push", closedPort, "X-Downlink-Apikey", "K").status()).isEqualTo(204);
            // no network there: the downlink stays queued, and goes with the next uplink that names a reachable one
            assertThat(node.sendBytes("POST", "/ingest/ttn?key=" + ttn, null, uplink(2).getBytes(StandardCharsets.UTF_8),
                    "application/json", "X-Downlink-Push", pushUrl(), "X-Downlink-Apikey", "K").status()).isEqualTo(204);
            assertThat(pushes.poll(10, TimeUnit.SECONDS)).isNotNull();
            awaitStatus(node, unreachable, "sent");

            answer.set(403);
            String refused = queue(node, "02", 2);
            assertThat(pushes.poll(10, TimeUnit.SECONDS)).isNotNull();
            awaitStatus(node, refused, "failed");
        }
    }

    @Test
    void tts_aPushThatFailsAfterANewerUplinkCame_goesAgainAtOnce_byTheNewerRoute() throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            String ttn = node.integration("acme", "ttn");
            node.device("acme", "d", "lorawan", EUI, null);
            String id = queue(node, "0f01", 3);
            String slow = "http://127.0.0.1:" + network.actualPort() + "/slow/push";
            assertThat(node.sendBytes("POST", "/ingest/ttn?key=" + ttn, null, uplink(1).getBytes(StandardCharsets.UTF_8),
                    "application/json", "X-Downlink-Push", slow, "X-Downlink-Apikey", "K").status()).isEqualTo(204);
            JsonNode first = pushes.poll(10, TimeUnit.SECONDS);
            assertThat(first.get("path").asText()).isEqualTo("/slow/push");
            // while the slow network holds the push, the device's next uplink names another queue
            assertThat(node.sendBytes("POST", "/ingest/ttn?key=" + ttn, null, uplink(2).getBytes(StandardCharsets.UTF_8),
                    "application/json", "X-Downlink-Push", pushUrl(), "X-Downlink-Apikey", "K").status()).isEqualTo(204);

            JsonNode second = pushes.poll(10, TimeUnit.SECONDS);
            assertThat(second).as("pushed again once the slow one failed, without waiting for a third uplink").isNotNull();
            assertThat(second.get("path").asText()).endsWith("/devices/d/down/push");
            assertThat(second.get("body").get("downlinks").get(0).get("correlation_ids").toString())
                    .contains("valley:downlink:" + id);
            awaitStatus(node, id, "sent");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "127.0.0.2"})
    void tts_pushToTheNodesOwnAddresses_isRefusedByDefault_andTheDownlinkFails(String host) throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            assertPushFailsTheDownlink_andTheUplinkIsKept(node, pushUrl(host));
            assertThat(pushes.poll(200, TimeUnit.MILLISECONDS)).as("nothing reached the loopback network").isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://exa mple.org/push", "https://under_score.example/push", "http://[::1/push"})
    void tts_pushUrlThatIsNotValid_failsTheDownlink_andTheUplinkIsKept(String url) throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir)) {
            assertPushFailsTheDownlink_andTheUplinkIsKept(node, url);
        }
    }

    /** A downlink queued, then an uplink naming {@code pushUrl}: the uplink is kept, the downlink fails. */
    private static void assertPushFailsTheDownlink_andTheUplinkIsKept(TestNode node, String pushUrl) {
        node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
        String ttn = node.integration("acme", "ttn");
        node.device("acme", "d", "lorawan", EUI, null);
        String id = queue(node, "0f01", 3);

        TestNode.Response up = node.sendBytes("POST", "/ingest/ttn?key=" + ttn, null,
                uplink(1).getBytes(StandardCharsets.UTF_8), "application/json",
                "X-Downlink-Push", pushUrl, "X-Downlink-Apikey", "K");
        assertThat(up.status()).as("the uplink is kept whatever its push URL").isEqualTo(204);
        awaitStatus(node, id, "failed");
        Await.until("the uplink's frame", 10, () -> node.frames("d").size() == 1);
    }

    @Test
    void tts_pushUrlWithoutAHost_isAProblemNamingTheHeader() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            String ttn = node.integration("acme", "ttn");
            TestNode.Response r = node.sendBytes("POST", "/ingest/ttn?key=" + ttn, null,
                    uplink(1).getBytes(StandardCharsets.UTF_8), "application/json",
                    "X-Downlink-Push", "http:///down/push", "X-Downlink-Apikey", "K");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo("X-Downlink-Push");
        }
    }

    @Test
    void chirpstack_downlinkIsACommandOnTheBrokerOfTheTenantsBridge_andTxackAndAckUpdateIt() throws Exception {
        try (TestNode node = TestNode.startReachingLoopback(dir.resolve("node"));
                Mosquitto.Broker broker = Mosquitto.Broker.start(dir, null, null)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            node.device("acme", "d", "lorawan", EUI, null);
            MqttBridgeTest.bridge(node, "acme", broker, "application/+/device/+/event/+", "chirpstack", null, null);
            String eventTopic = "application/app-1/device/" + EUI.toLowerCase() + "/event/";
            String up = "{\"deduplicationId\":\"u-1\",\"time\":\"2026-11-02T09:00:00Z\",\"deviceInfo\":{\"applicationId\":"
                    + "\"app-1\",\"devEui\":\"" + EUI.toLowerCase() + "\"},\"devAddr\":\"01ab23cd\",\"fCnt\":1,\"fPort\":2,"
                    + "\"data\":\"AQ==\"}";
            MqttBridgeTest.publishUntil(broker, () -> node.frames("d").size() == 1, "-q", "1", "-t", eventTopic + "up",
                    "-m", up);

            Path out = dir.resolve("commands.txt");
            Process sub = Mosquitto.sub(broker.port, out, "-C", "1", "-W", "20",
                    "-t", "application/app-1/device/" + EUI.toLowerCase() + "/command/down");
            Await.until("mosquitto_sub to subscribe", 10, () -> java.nio.file.Files.readString(out).contains("SUBACK"));
            String id = queue(node, "cafe", 10);
            Mosquitto.Run command = Mosquitto.await(sub, out, 20);
            String json = command.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow(
                    () -> new AssertionError("no command published: " + command.output()));
            JsonNode body = parse(json);
            assertThat(body.get("id").asText()).isEqualTo(id.substring(3));
            assertThat(body.get("devEui").asText()).isEqualTo(EUI.toLowerCase());
            assertThat(body.get("fPort").asInt()).isEqualTo(10);
            assertThat(Base64.getDecoder().decode(body.get("data").asText())).containsExactly(0xca, 0xfe);
            awaitStatus(node, id, "sent");

            String report = "{\"time\":\"2026-11-02T09:00:03Z\",\"deviceInfo\":{\"devEui\":\"" + EUI + "\"},\"queueItemId\":\""
                    + id.substring(3) + "\"";
            assertThat(Mosquitto.pub(broker.port, "-q", "1", "-t", eventTopic + "txack", "-m", report + "}").exit()).isZero();
            awaitStatus(node, id, "transmitted");
            assertThat(Mosquitto.pub(broker.port, "-q", "1", "-t", eventTopic + "ack", "-m",
                    report + ",\"acknowledged\":true}").exit()).isZero();
            awaitStatus(node, id, "acknowledged");
        }
    }
}
