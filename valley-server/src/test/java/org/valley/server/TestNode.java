package org.valley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.valley.server.config.EgressPolicy;
import org.valley.server.config.ValleyConfig;

/** A real Valley node on a free loopback port with its own data directory, and an HTTP client for it. */
final class TestNode implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** An HTTP answer. */
    record Response(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String contentType() {
            return headers.firstValue("content-type").orElse("");
        }
    }

    final ValleyNode node;
    final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestNode(ValleyNode node, Path dir) {
        this.node = node;
        this.dir = dir;
    }

    static TestNode start(Path dir) throws IOException {
        return start(ValleyConfig.defaults().withPort(0).withDataDir(dir));
    }

    /**
     * Starts a node that may also connect to loopback addresses on a tenant's behalf, where the tests
     * run the networks' stand-ins and brokers (the default egress policy refuses them).
     */
    static TestNode startReachingLoopback(Path dir) throws IOException {
        return start(ValleyConfig.defaults().withPort(0).withDataDir(dir)
                .withEgress(EgressPolicy.of(List.of("loopback"), EgressPolicy.DEFAULT_DENY)));
    }

    /** Starts a node whose time rules run on {@code clock} (a {@link SteppedClock} the test steps). */
    static TestNode start(Path dir, InstantSource clock) throws IOException {
        return start(ValleyConfig.defaults().withPort(0).withDataDir(dir), clock);
    }

    /** Starts a node on loopback, its HTTP port as configured and MQTT on any free port. */
    static TestNode start(ValleyConfig config) throws IOException {
        return start(config, InstantSource.system());
    }

    static TestNode start(ValleyConfig config, InstantSource clock) throws IOException {
        ValleyConfig c = new ValleyConfig("127.0.0.1", config.port(), config.dataDir(), config.publicUrl(), 2,
                config.ingestBodyLimit(), config.apiBodyLimit(), config.commitInterval(), config.projectionQueue(),
                config.journal(), config.noopEndpoint(), 0, config.codecCpuTime(), config.projectionLag(),
                config.transport(), config.httpIdleTimeout(), config.egress());
        return new TestNode(ValleyNode.start(c, clock), c.dataDir());
    }

    String admin() {
        return node.adminKey();
    }

    int port() {
        return node.port();
    }

    String url(String path) {
        return "http://127.0.0.1:" + node.port() + path;
    }

    Response send(String method, String path, String key, String body) {
        HttpRequest.Builder b = request(path, key, "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return exchange(b);
    }

    private HttpRequest.Builder request(String path, String key, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return b.header("content-type", contentType);
    }

    private Response exchange(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends raw bytes with a content type and extra headers ({name, value, name, value...}). */
    Response sendBytes(String method, String path, String key, byte[] body, String contentType, String... headers) {
        HttpRequest.Builder b = request(path, key, contentType);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return exchange(b.method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Registers a device as the operator; {@code codec} may be null. */
    void device(String tenant, String id, String networkKind, String networkId, String codec) {
        create("/api/v1/devices", "{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\",\"network\":{\"kind\":\""
                + networkKind + "\",\"id\":\"" + networkId + "\"}" + (codec == null ? "" : ",\"codec\":\"" + codec + "\"") + "}");
    }

    /** A device's frames, newest first, read as the operator. */
    JsonNode frames(String device) {
        Response r = get("/api/v1/devices/" + device + "/frames", admin());
        if (r.status() != 200) {
            throw new AssertionError("GET frames of " + device + " answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    /** Creates an integration of {@code kind} for an existing tenant; returns its key. */
    String integration(String tenant, String kind) {
        return create("/api/v1/integrations", "{\"kind\":\"" + kind + "\",\"tenant\":\"" + tenant + "\"}").get("key").asText();
    }

    Response get(String path, String key) {
        return send("GET", path, key, null);
    }

    Response post(String path, String key, String body) {
        return send("POST", path, key, body);
    }

    Response put(String path, String key, String body) {
        return send("PUT", path, key, body);
    }

    /** Posts as the operator and expects 201; returns the body. */
    JsonNode create(String path, String body) {
        Response r = post(path, admin(), body);
        if (r.status() != 201) {
            throw new AssertionError("POST " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    /** Creates a tenant and a Sigfox integration for it; returns the integration key. */
    String tenantWithSigfox(String tenant) {
        create("/api/v1/tenants", "{\"id\":\"" + tenant + "\",\"name\":\"" + tenant + "\"}");
        return create("/api/v1/integrations", "{\"kind\":\"sigfox\",\"tenant\":\"" + tenant + "\"}").get("key").asText();
    }

    Response sigfox(String key, String body) {
        return post("/ingest/sigfox?key=" + key, null, body);
    }

    @Override
    public void close() {
        node.close();
    }
}
