package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.journal.JournalConfig;
import org.valley.server.config.ValleyConfig;

/**
 * A projection slower than the traffic: acknowledgements do not wait for it (it reads what its full
 * queue missed from the journal), every acknowledged frame reaches the store, and past the lag limit
 * the edge answers 503.
 */
class ProjectionCatchUpTest {

    /** A codec that holds the projection for (first byte × 100 ms), counting without allocating. */
    private static final String STALLING_CODEC = """
            function decodeUplink(input) {
              var until = Date.now() + input.bytes[0] * 100;
              var n = 0;
              while (Date.now() < until) {
                for (var i = 0; i < 100000; i++) { n = (n + i) | 0; }
              }
              return { data: { stalled: input.bytes[0], n: n } };
            }""";

    @TempDir
    Path dir;

    private static ValleyConfig config(Path dir, int projectionQueue, long projectionLag) {
        ValleyConfig d = ValleyConfig.defaults();
        return new ValleyConfig("127.0.0.1", 0, dir, null, 2, d.ingestBodyLimit(), d.apiBodyLimit(), Duration.ofMillis(50),
                projectionQueue, JournalConfig.defaults(), false, 0, Duration.ofSeconds(10), projectionLag);
    }

    /**
     * Stalls the projection with one frame of the stalling device, then posts {@code frames} frames all
     * together: of the device without a codec (stored at once), or one each from as many unregistered
     * Sigfox ids (kept unclaimed), which keeps the order in which concurrent requests land from
     * mattering.
     */
    private static List<HttpResponse<String>> stallThenBurst(TestNode node, String key, int stall, int frames,
            boolean oneDevice) {
        stall(node, key, stall);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int seq = 0; seq < frames; seq++) {
            String id = oneDevice ? "FA57" : String.format("B%05X", seq);
            String body = "{\"device\":\"" + id + "\",\"time\":" + (1_763_719_200L + seq) + ",\"data\":\""
                    + String.format("%02x", seq & 0xff) + "\",\"seqNumber\":" + seq + ",\"station\":\"1D2A\",\"rssi\":-120}";
            pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(node.url("/ingest/sigfox?key=" + key)))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return pending.stream().map(CompletableFuture::join).toList();
    }

    /** Holds the projection for {@code tenths} × 100 ms with one frame of the stalling device. */
    private static void stall(TestNode node, String key, int tenths) {
        TestNode.Response stalling = node.post("/ingest/sigfox?key=" + key, null,
                "{\"device\":\"57A1\",\"time\":1763719200,\"data\":\"" + String.format("%02x", tenths)
                        + "\",\"seqNumber\":1}");
        assertThat(stalling.status()).as(stalling.body()).isEqualTo(204);
    }

    /** Reads the device's frames as a client would: told to come back while the projection catches up. */
    private static TestNode.Response frames(TestNode node, String device) {
        Await.until("the projection has caught up", 60,
                () -> node.get("/api/v1/devices/" + device + "/frames?limit=1", node.admin()).status() == 200);
        TestNode.Response r = node.get("/api/v1/devices/" + device + "/frames?limit=10000", node.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static String devices(TestNode node) {
        String key = node.tenantWithSigfox("lab");
        node.create("/api/v1/codecs", JavaScriptCodecTest.codecBody("stalling", "lab", STALLING_CODEC, null));
        node.create("/api/v1/devices", "{\"id\":\"stall-1\",\"tenant\":\"lab\",\"network\":{\"kind\":\"sigfox\","
                + "\"id\":\"57A1\"},\"codec\":\"stalling\"}");
        node.create("/api/v1/devices", "{\"id\":\"fast-1\",\"tenant\":\"lab\",\"network\":{\"kind\":\"sigfox\","
                + "\"id\":\"FA57\"}}");
        return key;
    }

    private static long metric(TestNode node, String name) {
        for (String line : node.get("/metrics", null).body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name);
    }

    @Test
    void fullProjectionQueue_doesNotHoldAcknowledgements_andEveryFrameIsProjectedFromTheJournal() throws Exception {
        try (TestNode node = TestNode.start(config(dir, 4, ValleyConfig.PROJECTION_LAG))) {
            String key = devices(node);

            List<HttpResponse<String>> answers = stallThenBurst(node, key, 10, 400, true);

            assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(204));
            assertThat(metric(node, "valley_projection_catch_ups")).isPositive();
            assertThat(metric(node, "valley_projection_commits")).isPositive();
            assertThat(metric(node, "valley_projection_store_failures")).isZero();
            // the journal was forced, at most once per record (a force covers every record written before it)
            assertThat(metric(node, "valley_journal_fsyncs")).isPositive().isLessThanOrEqualTo(metric(node, "valley_journal_appended"));
            // every acknowledged frame is there, once, after the one that held the projection
            assertThat(frames(node, "fast-1").json()).hasSize(400);
            assertThat(frames(node, "stall-1").json()).singleElement()
                    .satisfies(f -> assertThat(f.at("/decoded/stalled").asInt()).as(f.toString()).isEqualTo(10));
            TestNode.Response device = node.get("/api/v1/devices/fast-1", node.admin());
            assertThat(device.json().at("/frames").asInt()).as(device.body()).isEqualTo(400);
            assertThat(device.json().at("/lostFrames").asInt()).isZero();
            assertThat(device.json().at("/duplicates").asInt()).isZero();
            // the queue takes over again once the projection has caught up
            node.post("/ingest/sigfox?key=" + key, null, "{\"device\":\"FA57\",\"time\":1763720000,\"data\":\"ff\","
                    + "\"seqNumber\":400}");
            assertThat(frames(node, "fast-1").json()).hasSize(401);
            // the lag counts from the start of the last entry applied: less than one entry once caught up
            assertThat(metric(node, "valley_projection_lag_bytes")).isLessThan(1024);
        }
    }

    @Test
    void projectionFurtherBehindThanTheLimit_answers503WithRetryAfter_andKeepsEveryAcknowledgedFrame() throws Exception {
        try (TestNode node = TestNode.start(config(dir, 4, 16 * 1024))) {
            String key = devices(node);

            List<HttpResponse<String>> answers = stallThenBurst(node, key, 30, 1_000, false);

            long accepted = answers.stream().filter(r -> r.statusCode() == 204).count();
            List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 503).toList();
            assertThat(accepted + refused.size()).isEqualTo(answers.size());
            assertThat(refused).as("answers past the lag limit").isNotEmpty().allSatisfy(r -> {
                assertThat(r.headers().firstValue("retry-after")).isPresent();
                assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
                assertThat(r.body()).contains("behind");
            });
            assertThat(frames(node, "stall-1").json()).hasSize(1);
            TestNode.Response unclaimed = node.get("/api/v1/unclaimed?limit=10000", node.admin());
            assertThat(unclaimed.status()).as(unclaimed.body()).isEqualTo(200);
            assertThat(unclaimed.json()).hasSize((int) accepted);
            assertThat(node.get("/health/ready", null).status()).isEqualTo(200);
        }
    }

    /**
     * The same limit over MQTT 5 at QoS 1, with Mosquitto's own client: past the limit a PUBLISH gets
     * a PUBACK with reason code 0x97 (quota exceeded) instead of a success, the connection stays up,
     * and exactly the messages acknowledged with success are stored.
     */
    @Test
    void projectionFurtherBehindThanTheLimit_refusesMqttPublishesWithQuotaExceeded_andStoresEveryAcknowledgedOne()
            throws Exception {
        try (TestNode node = TestNode.start(config(dir, 4, 16 * 1024))) {
            String key = devices(node);
            String mqttKey = node.integration("lab", "mqtt");
            node.device("lab", "proto-1", "mqtt", "proto-1", null);
            stall(node, key, 30);

            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= 1_000; i++) {
                lines.add(String.format("m%04d", i)); // line i goes out as message id i
            }
            Mosquitto.Run run = Mosquitto.pubLines(node.node.mqttPort(), lines, 60, "-V", "mqttv5", "-q", "1",
                    "-u", "lab", "-P", mqttKey, "-t", "valley/lab/devices/proto-1/up");

            Matcher m = Pattern.compile("received PUBACK \\(Mid: (\\d+), RC:(\\d+)\\)")
                    .matcher(run.output());
            Set<String> acknowledged = new TreeSet<>();
            int refused = 0;
            while (m.find()) {
                if (m.group(2).equals("0")) {
                    acknowledged.add(lines.get(Integer.parseInt(m.group(1)) - 1));
                } else {
                    assertThat(m.group(2)).as("the reason code of a refused PUBLISH").isEqualTo("151");
                    refused++;
                }
            }
            assertThat(acknowledged.size() + refused).as(run.output()).isEqualTo(1_000);
            assertThat(refused).as("PUBLISHes past the lag limit").isPositive();
            assertThat(acknowledged).as("PUBLISHes before the limit").isNotEmpty();

            Set<String> stored = new TreeSet<>();
            frames(node, "proto-1").json().forEach(f -> stored.add(new String(HexFormat.of()
                    .parseHex(f.get("payloadHex").asText()), StandardCharsets.US_ASCII)));
            assertThat(stored).isEqualTo(acknowledged);
        }
    }

    @Test
    void codecChange_whileTheProjectionIsBehind_takesEffectAfterTheFramesAcknowledgedBeforeIt() throws Exception {
        try (TestNode node = TestNode.start(config(dir, 4, ValleyConfig.PROJECTION_LAG))) {
            String key = devices(node);
            String version = "function decodeUplink(input) { return { data: { version: %d } }; }";
            node.create("/api/v1/codecs", JavaScriptCodecTest.codecBody("plain", "lab", version.formatted(1), null));
            node.create("/api/v1/devices", "{\"id\":\"coded-1\",\"tenant\":\"lab\",\"network\":{\"kind\":\"sigfox\","
                    + "\"id\":\"C0DE\"},\"codec\":\"plain\"}");
            framesAroundAChange(node, key, "C0DE", () -> {
                TestNode.Response changed = node.send("PUT", "/api/v1/codecs/plain", node.admin(),
                        JavaScriptCodecTest.codecBody("plain", "lab", version.formatted(2), null));
                assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            });

            JsonNode frames = frames(node, "coded-1").json();
            assertDecodedBeforeAndAfter(frames);
            assertThat(frames).allSatisfy(f -> assertThat(f.get("codecVersion").asInt())
                    .isEqualTo(f.at("/decoded/version").asInt()));
        }
    }

    @Test
    void deviceCodecChange_whileTheProjectionIsBehind_takesEffectAfterTheFramesAcknowledgedBeforeIt() throws Exception {
        try (TestNode node = TestNode.start(config(dir, 4, ValleyConfig.PROJECTION_LAG))) {
            String key = devices(node);
            String version = "function decodeUplink(input) { return { data: { version: %d } }; }";
            node.create("/api/v1/codecs", JavaScriptCodecTest.codecBody("one", "lab", version.formatted(1), null));
            node.create("/api/v1/codecs", JavaScriptCodecTest.codecBody("two", "lab", version.formatted(2), null));
            String device = "{\"id\":\"coded-2\",\"tenant\":\"lab\",\"network\":{\"kind\":\"sigfox\",\"id\":\"C0DF\"},"
                    + "\"codec\":\"%s\"}";
            node.create("/api/v1/devices", device.formatted("one"));
            framesAroundAChange(node, key, "C0DF", () -> {
                TestNode.Response changed = node.send("PUT", "/api/v1/devices/coded-2", node.admin(), device.formatted("two"));
                assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            });

            JsonNode frames = frames(node, "coded-2").json();
            assertDecodedBeforeAndAfter(frames);
            assertThat(frames).allSatisfy(f -> assertThat(f.get("codec").asText())
                    .isEqualTo(f.at("/decoded/version").asInt() == 1 ? "one" : "two"));
        }
    }

    /**
     * With the projection stalled, frames 1 to 5 of {@code sigfoxId} are acknowledged, then {@code
     * change} is made, then frame 6 is acknowledged.
     */
    private static void framesAroundAChange(TestNode node, String key, String sigfoxId, Runnable change) {
        String frame = "{\"device\":\"" + sigfoxId + "\",\"time\":%d,\"data\":\"01\",\"seqNumber\":%d}";
        assertThat(stallThenBurst(node, key, 20, 10, true)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(204));
        for (int seq = 1; seq <= 5; seq++) {
            assertThat(node.post("/ingest/sigfox?key=" + key, null, frame.formatted(1_763_719_200 + seq, seq)).status())
                    .isEqualTo(204);
        }
        change.run();
        assertThat(node.post("/ingest/sigfox?key=" + key, null, frame.formatted(1_763_719_206, 6)).status()).isEqualTo(204);
    }

    /** Frames 1 to 5 decoded as before the change (version 1), frame 6 after it (version 2). */
    private static void assertDecodedBeforeAndAfter(JsonNode frames) {
        assertThat(frames).hasSize(6);
        for (JsonNode f : frames) {
            assertThat(f.at("/decoded/version").asInt()).as(f.toString()).isEqualTo(f.get("seq").asInt() <= 5 ? 1 : 2);
        }
    }
}
