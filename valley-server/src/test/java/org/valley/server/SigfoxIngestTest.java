package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sigfox callbacks through the real endpoint of a real node, read back through the real API. */
class SigfoxIngestTest {

    static TestNode node;

    @RegisterExtension
    static final SharedNode shared = new SharedNode(n -> node = n);
    static final AtomicInteger ids = new AtomicInteger(0x100);

    static String golden(String name) {
        try (var in = SigfoxIngestTest.class.getResourceAsStream("/payload/sigfox/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A golden body with its device id replaced, so that every test has a Sigfox id of its own. */
    static String golden(String name, String sigfoxId) {
        return golden(name).replace("1A2B3C", sigfoxId).replace("1a2b3c", sigfoxId.toLowerCase(java.util.Locale.ROOT));
    }

    static String sigfoxId() {
        return Integer.toHexString(0xA00000 + ids.incrementAndGet()).toUpperCase(java.util.Locale.ROOT);
    }

    /** A fresh tenant with a Sigfox integration; returns {tenant, integration key}. */
    static String[] tenant() {
        String tenant = "t" + ids.incrementAndGet();
        return new String[] {tenant, node.tenantWithSigfox(tenant)};
    }

    static void device(String tenant, String id, String sigfoxId, String codec) {
        node.device(tenant, id, "sigfox", sigfoxId, codec);
    }

    static JsonNode frames(String device) {
        return node.frames(device);
    }

    static String data(String device, int seq, String hex, String station, boolean duplicate) {
        return "{\"device\":\"" + device + "\",\"time\":1763719200,\"data\":\"" + hex + "\",\"seqNumber\":" + seq
                + ",\"station\":\"" + station + "\",\"rssi\":-120.00,\"snr\":12.00,\"duplicate\":" + duplicate
                + ",\"ack\":false}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"data-unquoted.json", "data-quoted.json", "data-legacy-nulls.json", "data-text-nulls.json"})
    void dataCallback_goldenBody_isStoredWithItsReception(String file) {
        String[] t = tenant();
        String id = sigfoxId();
        device(t[0], t[0] + "-d", id, null);
        TestNode.Response r = node.sigfox(t[1], golden(file, id));
        assertThat(r.status()).as(r.body()).isEqualTo(204);

        JsonNode frame = frames(t[0] + "-d").get(0);
        assertThat(frame.get("seq").asInt()).isEqualTo(41);
        assertThat(frame.get("payloadHex").asText()).isEqualTo("c0ffee01");
        assertThat(frame.get("time").asText()).isEqualTo("2025-11-21T10:00:00Z");
        JsonNode reception = frame.get("receptions").get(0);
        assertThat(reception.get("station").asText()).isEqualTo("1D2A");
        assertThat(reception.get("snr").asDouble()).isEqualTo(14.25);
        if (file.contains("nulls")) {
            assertThat(reception.get("rssi").isNull()).isTrue();
        } else {
            assertThat(reception.get("rssi").asDouble()).isEqualTo(-121.5);
        }
    }

    @Test
    void deletedIntegration_itsKeyIsRefused_evenRightAfterItWasUsed() {
        String[] t = tenant();
        String id = sigfoxId();
        device(t[0], t[0] + "-d", id, null);
        assertThat(node.sigfox(t[1], data(id, 1, "01", "1D2A", false)).status()).isEqualTo(204);
        String integration = node.get("/api/v1/integrations", node.admin()).json().findParents("tenant").stream()
                .filter(i -> i.get("tenant").asText().equals(t[0])).findFirst().orElseThrow().get("id").asText();

        assertThat(node.send("DELETE", "/api/v1/integrations/" + integration, node.admin(), null).status()).isEqualTo(204);

        TestNode.Response refused = node.sigfox(t[1], data(id, 2, "02", "1D2A", false));
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(frames(t[0] + "-d")).hasSize(1);
    }

    @Test
    void callbacksFromThreeStations_areOneFrameWithThreeReceptions() {
        String[] t = tenant();
        device(t[0], t[0] + "-d", "2B", null);
        assertThat(node.sigfox(t[1], data("2B", 10, "01", "1D2A", false)).status()).isEqualTo(204);
        assertThat(node.sigfox(t[1], data("2B", 10, "01", "0B4F", true)).status()).isEqualTo(204);
        assertThat(node.sigfox(t[1], data("2B", 10, "01", "27C3", true)).status()).isEqualTo(204);

        JsonNode frames = frames(t[0] + "-d");
        assertThat(frames).hasSize(1);
        List<String> stations = new ArrayList<>();
        frames.get(0).get("receptions").forEach(r -> stations.add(r.get("station").asText()));
        assertThat(stations).containsExactlyInAnyOrder("1D2A", "0B4F", "27C3");
        JsonNode health = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json();
        assertThat(health.get("frames").asInt()).isEqualTo(1);
        assertThat(health.get("duplicates").asInt()).isEqualTo(2);
        assertThat(health.get("lostFrames").asInt()).isZero();
        assertThat(health.get("lastSeen").asText()).isNotEmpty();
    }

    @Test
    void linkQuality_isTheNewestFramesBestReception() {
        String[] t = tenant();
        device(t[0], t[0] + "-d", "2C", null);
        assertThat(node.sigfox(t[1], data("2C", 10, "01", "1D2A", false).replace("-120.00", "-131.50")).status()).isEqualTo(204);
        assertThat(node.sigfox(t[1], data("2C", 10, "01", "0B4F", true).replace("-120.00", "-98.25").replace("12.00", "21.50"))
                .status()).isEqualTo(204);
        JsonNode health = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json();
        assertThat(health.get("rssi").asDouble()).isEqualTo(-98.25);
        assertThat(health.get("snr").asDouble()).isEqualTo(21.5);

        // the next frame, heard weaker, replaces the previous frame's link quality
        assertThat(node.sigfox(t[1], data("2C", 11, "01", "1D2A", false).replace("-120.00", "-127.00")).status()).isEqualTo(204);
        health = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json();
        assertThat(health.get("rssi").asDouble()).isEqualTo(-127.0);
        assertThat(health.get("snr").asDouble()).isEqualTo(12.0);
    }

    @Test
    void sequenceWrapsAt4096_andGapsCountAsLostFrames() {
        String[] t = tenant();
        device(t[0], t[0] + "-d", "3C", null);
        for (int seq : new int[] {4094, 4095, 0, 1, 5}) {
            assertThat(node.sigfox(t[1], data("3C", seq, "02", "1D2A", false)).status()).isEqualTo(204);
        }
        assertThat(node.sigfox(t[1], data("3C", 0, "02", "0B4F", true)).status()).isEqualTo(204);

        assertThat(frames(t[0] + "-d")).hasSize(5);
        JsonNode health = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json();
        assertThat(health.get("frames").asInt()).isEqualTo(5);
        assertThat(health.get("duplicates").asInt()).isEqualTo(1);
        assertThat(health.get("lostFrames").asInt()).isEqualTo(3);
    }

    @Test
    void bidir_answersQueuedDownlinkOnce_thenNoContent() {
        String[] t = tenant();
        String id = sigfoxId();
        device(t[0], t[0] + "-d", id, null);
        assertThat(node.sigfox(t[1], golden("bidir.json", id)).status()).isEqualTo(204);

        TestNode.Response queued = node.post("/api/v1/devices/" + t[0] + "-d/downlinks", node.admin(),
                "{\"payloadHex\":\"00112233445566FF\"}");
        assertThat(queued.status()).as(queued.body()).isEqualTo(201);
        assertThat(queued.json().get("status").asText()).isEqualTo("queued");

        TestNode.Response reply = node.sigfox(t[1], golden("bidir.json", id).replace("\"seqNumber\":41", "\"seqNumber\":42"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.json().toString()).isEqualTo("{\"" + id + "\":{\"downlinkData\":\"00112233445566ff\"}}");

        assertThat(node.sigfox(t[1], golden("bidir.json", id).replace("\"seqNumber\":41", "\"seqNumber\":43")).status())
                .isEqualTo(204);
        JsonNode downlinks = node.get("/api/v1/devices/" + t[0] + "-d/downlinks", node.admin()).json();
        assertThat(downlinks.get(0).get("status").asText()).isIn("sent", "queued");
    }

    @Test
    void downlink_forSigfoxMustBeEightBytes() {
        String[] t = tenant();
        device(t[0], t[0] + "-d", "9A", null);
        TestNode.Response r = node.post("/api/v1/devices/" + t[0] + "-d/downlinks", node.admin(), "{\"payloadHex\":\"0011\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("payloadHex");
        assertThat(r.json().get("detail").asText()).contains("exactly 8 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"data-advanced.json", "data-advanced-quoted.json"})
    void dataAdvanced_enrichesTheFrameAlreadyReceived(String file) {
        String[] t = tenant();
        String id = sigfoxId();
        device(t[0], t[0] + "-d", id, null);
        assertThat(node.sigfox(t[1], golden("data-unquoted.json", id)).status()).isEqualTo(204);
        TestNode.Response r = node.post("/ingest/sigfox/advanced?key=" + t[1], null, golden(file, id));
        assertThat(r.status()).as(r.body()).isEqualTo(204);

        JsonNode frames = frames(t[0] + "-d");
        assertThat(frames).hasSize(1);
        JsonNode frame = frames.get(0);
        List<String> stations = new ArrayList<>();
        frame.get("receptions").forEach(x -> stations.add(x.get("station").asText()));
        assertThat(stations).containsExactlyInAnyOrder("1D2A", "0B4F");
        assertThat(frame.get("receptions").get(0).get("rssi").asDouble()).isEqualTo(-121.5);
        assertThat(frame.get("network").get("lqi").asText()).isEqualTo("Good");
        assertThat(frame.get("network").get("computedLocation").get("radius").asInt()).isEqualTo(1500);
        JsonNode health = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json();
        assertThat(health.get("frames").asInt()).isEqualTo(1);
        assertThat(health.get("duplicates").asInt()).isZero();
    }

    @Test
    void unregisteredDevice_framesAreKeptUnclaimed_andRegistrationClaimsAndDecodesThem() {
        String[] t = tenant();
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-g\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"temp::int:16:little-endian door::bool:7\"}");
        assertThat(node.sigfox(t[1], data("ABCDEF", 1, "e6ff80", "1D2A", false)).status()).isEqualTo(204);
        assertThat(node.sigfox(t[1], data("ABCDEF", 2, "1a0000", "1D2A", false)).status()).isEqualTo(204);

        JsonNode unclaimed = node.get("/api/v1/unclaimed", node.admin()).json();
        assertThat(unclaimed.findValuesAsText("networkId")).contains("ABCDEF");

        device(t[0], t[0] + "-d", "abcdef", t[0] + "-g");
        JsonNode frames = frames(t[0] + "-d");
        assertThat(frames).hasSize(2);
        JsonNode first = frames.get(1);
        assertThat(first.get("decoded").get("temp").asInt()).isEqualTo(-26);
        assertThat(first.get("decoded").get("door").asBoolean()).isTrue();
        assertThat(first.get("codec").asText()).isEqualTo(t[0] + "-g");
        assertThat(first.get("codecVersion").asInt()).isEqualTo(1);
        assertThat(node.get("/api/v1/unclaimed", node.admin()).json().findValuesAsText("networkId")).doesNotContain("ABCDEF");

        JsonNode readings = node.get("/api/v1/devices/" + t[0] + "-d/readings?key=temp", node.admin()).json();
        assertThat(readings.findValues("value")).extracting(JsonNode::asInt).containsExactlyInAnyOrder(-26, 26);
    }

    @Test
    void payloadTooShortForTheCodec_keepsTheFrameWithTheDecodeError() {
        String[] t = tenant();
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-g\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"a::uint:32\"}");
        device(t[0], t[0] + "-d", "4D", t[0] + "-g");
        assertThat(node.sigfox(t[1], data("4D", 7, "0102", "1D2A", false)).status()).isEqualTo(204);

        JsonNode frame = frames(t[0] + "-d").get(0);
        assertThat(frame.get("payloadHex").asText()).isEqualTo("0102");
        assertThat(frame.get("decoded").isNull()).isTrue();
        assertThat(frame.get("decodeError").asText()).contains("a");
    }

    @Test
    void sensitDevice_decodesAtIngestion_andReportsBatteryInHealth() {
        String[] t = tenant();
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-s\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"builtin\",\"builtin\":\"sensit-v3\"}");
        device(t[0], t[0] + "-d", "5E", t[0] + "-s");
        assertThat(node.sigfox(t[1], data("5E", 1, "f609744f", "1D2A", false)).status()).isEqualTo(204);

        JsonNode decoded = frames(t[0] + "-d").get(0).get("decoded");
        assertThat(decoded.get("temperature").asDouble()).isEqualTo(21.5);
        assertThat(decoded.get("humidity").asDouble()).isEqualTo(39.5);
        JsonNode health = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json();
        assertThat(health.get("battery").asDouble()).isEqualTo(100.0);
    }

    @Test
    void readings_filterByKeyAndTime_andAggregatePerInterval() {
        String[] t = tenant();
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-g\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"v::uint:8 w::uint:8\"}");
        device(t[0], t[0] + "-d", "6F", t[0] + "-g");
        long base = 1_763_719_200L; // 2025-11-21T10:00:00Z
        int[][] frames = {{0, 10}, {600, 20}, {1200, 30}, {3600, 40}, {4200, 50}};
        int seq = 0;
        for (int[] f : frames) {
            String body = "{\"device\":\"6F\",\"time\":" + (base + f[0]) + ",\"data\":\"" + String.format("%02x", f[1])
                    + "01\",\"seqNumber\":" + seq++ + "}";
            assertThat(node.sigfox(t[1], body).status()).isEqualTo(204);
        }
        JsonNode inRange = node.get("/api/v1/devices/" + t[0] + "-d/readings?key=v&from=2025-11-21T10:05:00Z&to="
                + (base + 3600) * 1000, node.admin()).json();
        assertThat(inRange.findValues("value")).extracting(JsonNode::asInt).containsExactly(30, 20);

        JsonNode agg = node.get("/api/v1/devices/" + t[0] + "-d/readings/aggregate?key=v&interval=PT1H", node.admin()).json();
        JsonNode buckets = agg.get("buckets");
        assertThat(buckets).hasSize(2);
        assertThat(buckets.get(0).get("start").asText()).isEqualTo("2025-11-21T10:00:00Z");
        assertThat(buckets.get(0).get("count").asInt()).isEqualTo(3);
        assertThat(buckets.get(0).get("min").asDouble()).isEqualTo(10);
        assertThat(buckets.get(0).get("max").asDouble()).isEqualTo(30);
        assertThat(buckets.get(0).get("avg").asDouble()).isEqualTo(20);
        assertThat(buckets.get(0).get("last").asDouble()).isEqualTo(30);
        assertThat(buckets.get(1).get("count").asInt()).isEqualTo(2);
        assertThat(buckets.get(1).get("last").asDouble()).isEqualTo(50);
    }

    @Test
    void updateDevice_changesItsCodecForNewFrames_andKeepsItsIdentity() {
        String[] t = tenant();
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-a\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"a::uint:8\"}");
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-b\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"b::uint:16\"}");
        device(t[0], t[0] + "-d", "7A", t[0] + "-a");
        String createdAt = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json().get("createdAt").asText();
        assertThat(node.sigfox(t[1], data("7A", 1, "0102", "1D2A", false)).status()).isEqualTo(204);

        TestNode.Response updated = node.send("PUT", "/api/v1/devices/" + t[0] + "-d", node.admin(),
                "{\"name\":\"Renamed\",\"network\":{\"kind\":\"sigfox\",\"id\":\"7A\"},\"codec\":\"" + t[0] + "-b\"}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("createdAt").asText()).isEqualTo(createdAt);
        assertThat(updated.json().get("frames").asInt()).isEqualTo(1);
        assertThat(node.sigfox(t[1], data("7A", 2, "0102", "1D2A", false)).status()).isEqualTo(204);

        JsonNode frames = frames(t[0] + "-d");
        assertThat(frames.get(0).get("decoded").toString()).isEqualTo("{\"b\":258}");
        assertThat(frames.get(1).get("decoded").toString()).isEqualTo("{\"a\":1}");
        JsonNode device = node.get("/api/v1/devices/" + t[0] + "-d", node.admin()).json();
        assertThat(device.get("name").asText()).isEqualTo("Renamed");
        assertThat(device.get("createdAt").asText()).isEqualTo(createdAt);
    }

    @Test
    void codecTest_decodesWithoutStoringAnything() {
        String[] t = tenant();
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-g\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"b1::bool:7 b2::bool:6 i1:1:uint:16\"}");
        TestNode.Response r = node.post("/api/v1/codecs/" + t[0] + "-g/test", node.admin(), "{\"payloadHex\":\"C01234\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("data").toString()).isEqualTo("{\"b1\":true,\"b2\":true,\"i1\":4660}");
        assertThat(r.json().get("errors")).isEmpty();

        TestNode.Response changed = node.send("PUT", "/api/v1/codecs/" + t[0] + "-g", node.admin(),
                "{\"kind\":\"sigfox-grammar\",\"config\":\"i1:1:uint:16:little-endian\"}");
        assertThat(changed.json().get("version").asInt()).isEqualTo(2);
        assertThat(node.post("/api/v1/codecs/" + t[0] + "-g/test", node.admin(), "{\"payloadHex\":\"801234\"}")
                .json().get("data").get("i1").asInt()).isEqualTo(13330);
        assertThat(node.get("/api/v1/codecs/" + t[0] + "-g/versions", node.admin()).json()).hasSize(2);
    }
}
