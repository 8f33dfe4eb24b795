package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input on the ingestion endpoints and the API: a problem+json naming the field, never a 500. */
class BadInputTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static String key;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dir);
        key = node.tenantWithSigfox("acme");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static void assertProblem(TestNode.Response r, int status, String field, String detailPart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).startsWith("urn:valley:problem:");
        assertThat(p.get("title").asText()).isNotBlank();
        if (field != null) {
            assertThat(p.get("field").asText()).isEqualTo(field);
        }
        assertThat(p.get("detail").asText()).contains(detailPart);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON            | {"device":"AB",                                             | | not valid JSON
            not an object             | [1,2,3]                                                     | | JSON object
            missing device            | {"time":1763719200,"data":"00"}                             | device | required
            device not hex            | {"device":"XYZ","time":1763719200}                          | device | hex
            device too long           | {"device":"123456789","time":1763719200}                    | device | 1 to 8 hex
            missing time              | {"device":"AB","data":"00"}                                 | time | required
            time not a number         | {"device":"AB","time":"yesterday"}                          | time | epoch seconds
            data not hex              | {"device":"AB","time":1763719200,"data":"0g"}               | data | hexadecimal
            data odd length           | {"device":"AB","time":1763719200,"data":"012"}              | data | even number
            data over 12 bytes        | {"device":"AB","time":1763719200,"data":"00112233445566778899aabbcc"} | data | at most 12 bytes
            seqNumber over 4095       | {"device":"AB","time":1763719200,"seqNumber":4096}          | seqNumber | 0 to 4095
            seqNumber not a number    | {"device":"AB","time":1763719200,"seqNumber":"x"}           | seqNumber | integer
            rssi not a number         | {"device":"AB","time":1763719200,"rssi":"loud"}             | rssi | number
            ack not a boolean         | {"device":"AB","time":1763719200,"ack":"maybe"}             | ack | true or false
            data as an object         | {"device":"AB","time":1763719200,"data":{"a":1}}            | data | scalar
            """)
    void sigfoxCallback_badField_isProblemNamingTheField(String name, String body, String field, String detail) {
        assertProblem(node.sigfox(key, body), 400, field, detail);
    }

    @Test
    void sigfoxCallback_unknownKey_is401() {
        assertProblem(node.sigfox("nope", "{\"device\":\"AB\",\"time\":1}"), 401, null, "not known");
        assertProblem(node.post("/ingest/sigfox", null, "{\"device\":\"AB\",\"time\":1}"), 401, null, "key is required");
    }

    /** Sent over a plain socket: the JDK's HTTP client refuses to send a URI that is not valid. */
    private static String rawPost(String pathAndQuery) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(10_000);
            String request = "POST " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void ingestKey_notValidPercentEncoding_isAProblemNamingIt() throws Exception {
        for (String path : new String[] {"/ingest/sigfox?key=vi_%zz", "/ingest/chirpstack?event=up&key=%G1"}) {
            String answer = rawPost(path);
            assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("application/problem+json")
                    .contains("\"field\":\"key\"").contains("percent-encoding");
        }
    }

    @Test
    void sigfoxCallback_keyAsBearerHeader_isAccepted() {
        assertThat(node.post("/ingest/sigfox", key, "{\"device\":\"AB\",\"time\":1763719200}").status()).isEqualTo(204);
    }

    @Test
    void sigfoxCallback_bodyOverLimit_is413() {
        String big = "{\"device\":\"AB\",\"time\":1763719200,\"pad\":\"" + "x".repeat(40_000) + "\"}";
        assertProblem(node.sigfox(key, big), 413, "body", "at most");
    }

    @Test
    void api_withoutKey_is401_andUnknownEndpoint_is404() {
        assertProblem(node.get("/api/v1/devices", null), 401, null, "Bearer");
        assertProblem(node.get("/api/v1/devices", "wrong"), 401, null, "not known");
        assertProblem(node.get("/api/v1/nothing-here", node.admin()), 404, null, "no endpoint");
    }

    @Test
    void openapi_describesEveryPublicPath_withoutAKey() {
        JsonNode spec = node.get("/openapi.json", null).json();
        assertThat(spec.get("openapi").asText()).startsWith("3.");
        assertThat(spec.get("paths").has("/ingest/sigfox")).isTrue();
        assertThat(spec.get("paths").has("/api/v1/devices/{id}/readings/aggregate")).isTrue();
    }

    @Test
    void metrics_exposeJournalProjectionAndStoreCounters_withoutAKey() {
        TestNode.Response r = node.get("/metrics", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("valley_journal_queue_depth", "valley_frames_projected", "valley_store_rows_written",
                "valley_readings_stored");
    }

    @Test
    void api_badBodies_nameTheField() {
        assertProblem(node.post("/api/v1/tenants", node.admin(), "{\"id\":"), 400, null, "not valid JSON");
        assertProblem(node.post("/api/v1/tenants", node.admin(), "{\"id\":\"a b\"}"), 400, "id", "letters, digits");
        assertProblem(node.post("/api/v1/tenants", node.admin(), "{\"id\":\"acme\"}"), 409, "id", "already exists");
        assertProblem(node.post("/api/v1/integrations", node.admin(), "{\"kind\":\"carrier-pigeon\",\"tenant\":\"acme\"}"),
                400, "kind", "must be one of");
        assertProblem(node.post("/api/v1/codecs", node.admin(), "{\"id\":\"c\",\"kind\":\"sigfox-grammar\",\"config\":\"x::uint:99\"}"),
                400, "config", "x");
        assertProblem(node.post("/api/v1/codecs", node.admin(), "{\"id\":\"c\",\"kind\":\"builtin\",\"builtin\":\"nope\"}"),
                400, "builtin", "sensit-v3");
        assertProblem(node.post("/api/v1/devices", node.admin(), "{\"id\":\"d\",\"tenant\":\"acme\"}"), 400, "network", "required");
        assertProblem(node.post("/api/v1/devices", node.admin(),
                "{\"id\":\"d\",\"tenant\":\"acme\",\"network\":{\"kind\":\"sigfox\",\"id\":\"not-hex\"}}"), 400, "network.id", "hex");
        assertProblem(node.post("/api/v1/devices", node.admin(),
                "{\"id\":\"d\",\"tenant\":\"acme\",\"network\":{\"kind\":\"sigfox\",\"id\":\"AB\"},\"codec\":\"missing\"}"),
                400, "codec", "missing");
        assertProblem(node.get("/api/v1/devices/nobody/readings/aggregate?key=v&interval=PT1H", node.admin()), 404, null, "nobody");
    }

    @Test
    void api_badQueryParameters_nameTheParameter() {
        node.create("/api/v1/devices", "{\"id\":\"q1\",\"tenant\":\"acme\",\"network\":{\"kind\":\"sigfox\",\"id\":\"F1\"}}");
        assertProblem(node.get("/api/v1/devices/q1/readings?from=yesterday", node.admin()), 400, "from", "ISO-8601");
        assertProblem(node.get("/api/v1/devices/q1/readings?limit=0", node.admin()), 400, "limit", "from 1");
        assertProblem(node.get("/api/v1/devices/q1/readings/aggregate?key=v&interval=soon", node.admin()), 400, "interval", "ISO-8601");
        assertProblem(node.get("/api/v1/devices/q1/readings/aggregate?interval=PT1H", node.admin()), 400, "key", "required");
    }

    /** Random corruptions of a valid body: whatever a client sends, the answer is 2xx or a 4xx problem. */
    @Test
    void sigfoxCallback_randomCorruptions_neverCrashTheServer() {
        String valid = "{\"device\":\"AB12\",\"time\":1763719200,\"data\":\"00ff\",\"seqNumber\":12,\"station\":\"1D2A\","
                + "\"rssi\":-120.00,\"snr\":12.00,\"duplicate\":false,\"ack\":true}";
        Random random = new Random(20261121);
        String alphabet = "{}[]\":,0123456789abcdefABCDEF-.eE nulltrue\\\u00e9\u0000";
        for (int i = 0; i < 400; i++) {
            StringBuilder b = new StringBuilder(valid);
            int edits = 1 + random.nextInt(6);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(b.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (at < b.length()) {
                            b.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (at < b.length()) {
                            b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            TestNode.Response r = node.sigfox(key, b.toString());
            assertThat(r.status()).as("body %s -> %s", b, r.body()).isIn(200, 204, 400);
            if (r.status() == 400) {
                assertThat(r.contentType()).startsWith("application/problem+json");
            }
        }
        assertThat(node.get("/health/ready", null).status()).isEqualTo(200);
    }
}
