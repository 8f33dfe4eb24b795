package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/devices/{id}/redecode}: stored frames decoded again with the codec's current
 * version, their readings replaced, idempotent, limited to a time range, and concurrent ingestion
 * losing nothing.
 */
class RedecodeTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static int tenants;

    /** Frame n of a device is sent at this time (seconds), ten minutes apart. */
    static final long T0 = 1_763_719_200L;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A tenant, a codec dividing a 16-bit value by {@code divisor}, and a device using it: {tenant, key, sigfoxId}. */
    static String[] setUp(int divisor) {
        String tenant = "rd" + ++tenants;
        String key = node.tenantWithSigfox(tenant);
        node.create("/api/v1/codecs", codec(tenant, divisor, true));
        String sigfoxId = SigfoxIngestTest.sigfoxId();
        node.create("/api/v1/devices", "{\"id\":\"dev-" + tenant + "\",\"tenant\":\"" + tenant + "\",\"network\":"
                + "{\"kind\":\"sigfox\",\"id\":\"" + sigfoxId + "\"},\"codec\":\"c-" + tenant + "\"}");
        return new String[] {tenant, key, sigfoxId};
    }

    static String codec(String tenant, int divisor, boolean withId) {
        return "{" + (withId ? "\"id\":\"c-" + tenant + "\",\"tenant\":\"" + tenant + "\"," : "")
                + "\"kind\":\"javascript\",\"source\":\"function decodeUplink(i) { return {data: {t: ((i.bytes[0] << 8) "
                + "| i.bytes[1]) / " + divisor + "}}; }\"}";
    }

    static void send(String[] d, int seq) {
        String body = "{\"device\":\"" + d[2] + "\",\"time\":" + (T0 + seq * 600L) + ",\"data\":\"" + String.format("%04x", 1000 + seq)
                + "\",\"seqNumber\":" + seq + ",\"station\":\"0A1B\",\"rssi\":-120.0,\"snr\":8.0,\"duplicate\":false,\"ack\":false}";
        TestNode.Response r = node.sigfox(d[1], body);
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    static JsonNode readings(String[] d) {
        TestNode.Response r = node.get("/api/v1/devices/dev-" + d[0] + "/readings?key=t&limit=100000", node.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode frames(String[] d) {
        TestNode.Response r = node.get("/api/v1/devices/dev-" + d[0] + "/frames?limit=10000", node.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode redecode(String[] d, String query) {
        TestNode.Response r = node.post("/api/v1/devices/dev-" + d[0] + "/redecode" + query, node.admin(), "");
        assertThat(r.status()).as(r.body()).isIn(200, 202);
        JsonNode job = r.json();
        for (int i = 0; i < 600 && job.get("status").asText().equals("running"); i++) {
            assertThat(r.headers().firstValue("location")).hasValue("/api/v1/redecodes/" + job.get("id").asText());
            sleep(100);
            job = node.get("/api/v1/redecodes/" + job.get("id").asText(), node.admin()).json();
        }
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("done");
        return job;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void redecode_afterACodecFix_replacesReadingsAndRecordsTheVersion_andIsIdempotent() {
        String[] d = setUp(10);
        for (int seq = 1; seq <= 5; seq++) {
            send(d, seq);
        }
        assertThat(readings(d)).hasSize(5).allSatisfy(r -> assertThat(r.get("value").asDouble()).isGreaterThan(100));

        TestNode.Response fixed = node.send("PUT", "/api/v1/codecs/c-" + d[0], node.admin(), codec(d[0], 1000, false));
        assertThat(fixed.json().get("version").asInt()).isEqualTo(2);
        JsonNode job = redecode(d, "");

        assertThat(job.get("frames").asInt()).isEqualTo(5);
        assertThat(job.get("decoded").asInt()).isEqualTo(5);
        assertThat(job.get("codecVersion").asInt()).isEqualTo(2);
        assertThat(readings(d)).hasSize(5).allSatisfy(r -> assertThat(r.get("value").asDouble()).isBetween(1.0, 1.01));
        assertThat(frames(d)).hasSize(5).allSatisfy(f -> assertThat(f.get("codecVersion").asInt()).isEqualTo(2));

        redecode(d, "");
        assertThat(readings(d)).hasSize(5);
        assertThat(frames(d)).hasSize(5);
    }

    @Test
    void redecode_withARange_touchesOnlyFramesInIt() {
        String[] d = setUp(10);
        for (int seq = 1; seq <= 6; seq++) {
            send(d, seq);
        }
        node.send("PUT", "/api/v1/codecs/c-" + d[0], node.admin(), codec(d[0], 1000, false));
        String from = java.time.Instant.ofEpochSecond(T0 + 3 * 600).toString();
        String to = java.time.Instant.ofEpochSecond(T0 + 5 * 600).toString();

        JsonNode job = redecode(d, "?from=" + from + "&to=" + to);

        assertThat(job.get("frames").asInt()).isEqualTo(2);
        List<Integer> versions = new ArrayList<>();
        for (JsonNode f : frames(d)) {
            versions.add(f.get("seq").asInt() * 10 + f.get("codecVersion").asInt());
        }
        assertThat(versions).containsExactlyInAnyOrder(11, 21, 32, 42, 51, 61);
    }

    @Test
    void redecode_whileFramesArrive_losesNothingAndLeavesOneDecodePerFrame() throws Exception {
        String[] d = setUp(10);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            IntStream.rangeClosed(1, 1600).forEach(seq -> sent.add(pool.submit(() -> send(d, seq))));
            for (Future<?> f : sent) {
                f.get();
            }
            node.send("PUT", "/api/v1/codecs/c-" + d[0], node.admin(), codec(d[0], 1000, false));
            sent.clear();
            IntStream.rangeClosed(1601, 2000).forEach(seq -> sent.add(pool.submit(() -> send(d, seq))));
            JsonNode job = redecode(d, "");
            for (Future<?> f : sent) {
                f.get();
            }
            assertThat(job.get("frames").asInt()).isBetween(1600, 2000);
        } finally {
            pool.shutdownNow();
        }

        JsonNode frames = frames(d);
        assertThat(frames).hasSize(2000);
        assertThat(frames).allSatisfy(f -> assertThat(f.get("codecVersion").asInt()).isEqualTo(2));
        JsonNode readings = readings(d);
        assertThat(readings).hasSize(2000);
        assertThat(readings).allSatisfy(r -> assertThat(r.get("value").asDouble()).isBetween(1.0, 3.1));
    }
}
