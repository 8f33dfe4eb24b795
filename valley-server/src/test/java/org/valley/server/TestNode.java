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

    static TestNode start(ValleyConfig config) throws IOException {
        ValleyConfig c = new ValleyConfig("127.0.0.1", config.port(), config.dataDir(), config.publicUrl(), 2,
                config.ingestBodyLimit(), config.apiBodyLimit(), config.commitInterval(), config.projectionQueue(),
                config.journal(), config.noopEndpoint());
        return new TestNode(ValleyNode.start(c), c.dataDir());
    }

    String admin() {
        return node.adminKey();
    }

    String url(String path) {
        return "http://127.0.0.1:" + node.port() + path;
    }

    Response send(String method, String path, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        b.header("content-type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
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

    Response get(String path, String key) {
        return send("GET", path, key, null);
    }

    Response post(String path, String key, String body) {
        return send("POST", path, key, body);
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
