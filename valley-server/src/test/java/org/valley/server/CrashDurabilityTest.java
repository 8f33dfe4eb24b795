package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2xx to a network means the frame is durable: the server runs as a child process, takes frames
 * from many concurrent clients, is killed with SIGKILL at an arbitrary moment, and after a restart
 * every acknowledged frame is there, exactly once.
 */
class CrashDurabilityTest {

    private static final String ADMIN = "crash-test-admin-key";
    private static final int DEVICES = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Random random = new Random();

    @Test
    void sigkillUnderLoad_losesNoAcknowledgedFrame() throws Exception {
        int port = freePort();
        Process server = startServer(port);
        String key;
        try {
            awaitReady(port);
            post(port, "/api/v1/tenants", ADMIN, "{\"id\":\"crash\"}");
            key = JSON.readTree(post(port, "/api/v1/integrations", ADMIN, "{\"kind\":\"sigfox\",\"tenant\":\"crash\"}"))
                    .get("key").asText();
            for (int d = 0; d < DEVICES; d++) {
                post(port, "/api/v1/devices", ADMIN, "{\"id\":\"dev" + d + "\",\"tenant\":\"crash\",\"network\":"
                        + "{\"kind\":\"sigfox\",\"id\":\"" + sigfoxId(d) + "\"}}");
            }
        } catch (Exception | AssertionError e) {
            server.destroyForcibly();
            throw e;
        }

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        int[] nextSeq = new int[DEVICES];
        for (int round = 0; round < 2; round++) {
            long killAfter = 700 + random.nextInt(1800);
            loadThenKill(server, port, key, acknowledged, nextSeq, killAfter);
            server = startServer(port);
            awaitReady(port);
            assertEveryAcknowledgedFrameIsStoredOnce(port, acknowledged);
        }
        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(acknowledged).as("frames acknowledged across both rounds").hasSizeGreaterThan(200);
    }

    private void loadThenKill(Process server, int port, String key, Set<String> acknowledged, int[] nextSeq,
            long killAfterMillis) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            int device = d;
            int start = nextSeq[d];
            clients.add(Thread.ofPlatform().start(() -> {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                for (int seq = start; seq < start + 1500 && !stop.get(); seq++) {
                    String body = "{\"device\":\"" + sigfoxId(device) + "\",\"time\":" + (1_763_719_200L + seq * 600L)
                            + ",\"data\":\"" + String.format("%04x", seq) + "\",\"seqNumber\":" + seq
                            + ",\"station\":\"1D2A\",\"rssi\":-120.0,\"snr\":10.0}";
                    try {
                        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/ingest/sigfox?key=" + key))
                                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 204) {
                            acknowledged.add(device + ":" + seq);
                        }
                    } catch (IOException e) {
                        return; // the server is gone
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        Thread.sleep(killAfterMillis);
        server.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        for (Thread t : clients) {
            t.join(20_000);
        }
        for (int d = 0; d < DEVICES; d++) {
            nextSeq[d] += 1500;
        }
    }

    private void assertEveryAcknowledgedFrameIsStoredOnce(int port, Set<String> acknowledged) throws Exception {
        Set<String> stored = new HashSet<>();
        for (int d = 0; d < DEVICES; d++) {
            JsonNode frames = JSON.readTree(get(port, "/api/v1/devices/dev" + d + "/frames?limit=10000"));
            for (JsonNode f : frames) {
                int seq = Integer.parseInt(f.get("payloadHex").asText(), 16);
                assertThat(stored.add(d + ":" + seq)).as("frame %d:%d stored once", d, seq).isTrue();
            }
        }
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(stored);
        assertThat(missing).as("acknowledged frames missing after SIGKILL and restart").isEmpty();
    }

    private Process startServer(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "org.valley.server.Main", "serve",
                "--port", String.valueOf(port), "--mqtt-port", "0", "--data", dir.resolve("data").toString());
        pb.environment().put("VALLEY_ADMIN_KEY", ADMIN);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
        return pb.start();
    }

    private void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not become ready; see " + dir.resolve("server.log"));
    }

    private String post(int port, String path, String key, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(201);
        return r.body();
    }

    private String get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private static String sigfoxId(int device) {
        return Integer.toHexString(0xC0DE00 + device).toUpperCase(java.util.Locale.ROOT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
