package org.valley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/** The Valley REST API as the harness uses it: set-up, metrics and the durability check. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Api(String base) {
        this.base = base;
    }

    JsonNode post(String key, String path, Object body) throws IOException, InterruptedException {
        return check(http.send(request(key, path).POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString()), path);
    }

    JsonNode get(String key, String path) throws IOException, InterruptedException {
        return check(http.send(request(key, path).GET().build(), HttpResponse.BodyHandlers.ofString()), path);
    }

    private HttpRequest.Builder request(String key, String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + key);
    }

    private static JsonNode check(HttpResponse<String> r, String path) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    /** Registers devices 0..n-1 of the Sigfox fleet with {@code codec}, {@code parallel} requests at a time. */
    void registerDevices(String key, String tenant, String codec, int n, int parallel) throws IOException, InterruptedException {
        registerDevices(key, tenant, codec, n, parallel, d -> Map.of("kind", "sigfox", "id", Fleet.sigfoxId(d)));
    }

    /** Devices per registration request: the API takes an array and stores it in one transaction. */
    private static final int DEVICES_PER_REQUEST = 1_000;

    /**
     * Registers devices 0..n-1 ({@link Fleet#deviceId}) bound to {@code network.apply(d)}, with {@code
     * codec}, in arrays of {@value #DEVICES_PER_REQUEST}, up to {@code parallel} requests at a time.
     */
    void registerDevices(String key, String tenant, String codec, int n, int parallel,
            java.util.function.IntFunction<Map<String, Object>> network) throws IOException, InterruptedException {
        Semaphore permits = new Semaphore(parallel);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int from = 0; from < n && failure.get() == null; from += DEVICES_PER_REQUEST) {
            java.util.List<Map<String, Object>> body = new java.util.ArrayList<>();
            for (int d = from; d < Math.min(n, from + DEVICES_PER_REQUEST); d++) {
                body.add(Map.of("id", Fleet.deviceId(d), "tenant", tenant, "codec", codec, "network", network.apply(d)));
            }
            HttpRequest request = request(key, "/api/v1/devices")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .header("content-type", "application/json").build();
            permits.acquire();
            CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            sent.whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else if (r.statusCode() != 201) {
                    failure.compareAndSet(null, new IOException("registering devices answered " + r.statusCode() + ": " + r.body()));
                }
                permits.release();
            });
        }
        permits.acquire(parallel);
        permits.release(parallel);
        if (failure.get() != null) {
            throw new IOException("device registration failed", failure.get());
        }
    }

    /** The node's Prometheus metrics, by name (without labels). */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space);
            int brace = name.indexOf('{');
            try {
                out.put(brace < 0 ? name : name.substring(0, brace), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return out;
    }

    /**
     * Waits until the projection has stored everything acknowledged so far: a frames query waits
     * for it (up to 10 s) and answers 503 while it is behind. Returns the time it took.
     */
    Duration awaitProjected(String key, String deviceId, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            HttpResponse<String> r = http.send(request(key, "/api/v1/devices/" + deviceId + "/frames?limit=1").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (r.statusCode() != 503 || System.nanoTime() > deadline) {
                throw new IOException("waiting for the projection: " + r.statusCode() + " " + r.body());
            }
        }
    }

    /** Every device of the tenant with its health, by device id. */
    Map<String, JsonNode> devices(String key) throws IOException, InterruptedException {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode d : get(key, "/api/v1/devices")) {
            out.put(d.get("id").asText(), d);
        }
        return out;
    }

    /** The stored frames of a device (up to 10,000), newest first. */
    List<JsonNode> frames(String key, String deviceId) throws IOException, InterruptedException {
        return frames(key, deviceId, null);
    }

    /** The stored frames of a device whose time is before {@code to} (up to 10,000), newest first. */
    List<JsonNode> frames(String key, String deviceId, java.time.Instant to) throws IOException, InterruptedException {
        JsonNode frames = get(key, "/api/v1/devices/" + deviceId + "/frames?limit=" + FRAMES_PAGE
                + (to == null ? "" : "&to=" + to));
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        frames.forEach(out::add);
        return out;
    }

    /** The most frames the API gives in one answer. */
    static final int FRAMES_PAGE = 10_000;

    /**
     * Every stored frame of a device, page by page back in time: each next page ends just after the
     * oldest frame time of the last one (the API's {@code to} is exclusive), so frames sharing that
     * millisecond are read again rather than missed; {@code each} sees such frames more than once.
     */
    void allFrames(String key, String deviceId, java.util.function.Consumer<JsonNode> each)
            throws IOException, InterruptedException {
        java.time.Instant to = null;
        while (true) {
            List<JsonNode> page = frames(key, deviceId, to);
            page.forEach(each);
            if (page.size() < FRAMES_PAGE) {
                return;
            }
            java.time.Instant next = java.time.Instant.parse(page.get(page.size() - 1).get("time").asText()).plusMillis(1);
            if (to != null && !next.isBefore(to)) {
                throw new IllegalStateException(deviceId + " has more than " + FRAMES_PAGE
                        + " frames in one millisecond; they cannot be paged by time");
            }
            to = next;
        }
    }
}
