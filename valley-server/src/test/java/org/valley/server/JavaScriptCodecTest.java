package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript codecs through the real API of a real node: created with their examples from a
 * device repository codec file, tested, used by devices at ingestion, encoding downlinks, and a
 * hostile codec contained while the rest of ingestion goes on.
 */
class JavaScriptCodecTest {

    @TempDir
    static Path dir;

    static TestNode node;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String example(String file) {
        try {
            return Files.readString(Path.of("..", "examples", "codecs", file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int tenants;

    /** A fresh tenant with a Sigfox integration: {tenant, integration key}. */
    static synchronized String[] tenant() {
        String tenant = "js" + ++tenants;
        return new String[] {tenant, node.tenantWithSigfox(tenant)};
    }

    static void sigfoxDevice(String tenant, String id, String sigfoxId, String codec) {
        node.create("/api/v1/devices", "{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\",\"network\":{\"kind\":"
                + "\"sigfox\",\"id\":\"" + sigfoxId + "\"},\"codec\":\"" + codec + "\"}");
    }

    static JsonNode frames(String device) {
        TestNode.Response r = node.get("/api/v1/devices/" + device + "/frames", node.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static String codecBody(String id, String tenant, String source, String codecFile) {
        ObjectNode body = TestNode.JSON.createObjectNode().put("id", id).put("kind", "javascript").put("source", source);
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        if (codecFile != null) {
            body.put("codecFile", codecFile);
        }
        return body.toString();
    }

    @Test
    void importWithExamples_runsThemAsASelfTest_andReportsEachDifference() {
        JsonNode created = node.create("/api/v1/codecs",
                codecBody("tabs", null, example("browan-tbdw100.js"), example("browan-tbdw100.yaml")));

        assertThat(created.get("version").asInt()).isEqualTo(1);
        assertThat(created.get("examples").asInt()).isEqualTo(4);
        assertThat(created.at("/selfTest/passed").asInt()).as(created.toString()).isEqualTo(4);
        assertThat(created.at("/selfTest/failed").asInt()).isZero();

        // A new version that gets the temperature offset wrong fails the first example, saying where.
        String wrong = example("browan-tbdw100.js").replace("(b[2] & 0x7f) - 32", "(b[2] & 0x7f) - 30");
        TestNode.Response updated = node.send("PUT", "/api/v1/codecs/tabs", node.admin(),
                codecBody("tabs", null, wrong, null));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        JsonNode v2 = updated.json();
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        assertThat(v2.at("/selfTest/failed").asInt()).isEqualTo(1);
        JsonNode failed = v2.at("/selfTest/examples/0");
        assertThat(failed.get("passed").asBoolean()).isFalse();
        assertThat(failed.get("differences").get(0).asText()).isEqualTo("data.temperatureBoard: expected 21, got 23");

        TestNode.Response again = node.post("/api/v1/codecs/tabs/self-test", node.admin(), "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("failed").asInt()).isEqualTo(1);
    }

    @Test
    void testEndpoint_decodesWithThePort_withoutStoringAnything() {
        node.create("/api/v1/codecs", codecBody("desk", null, example("elsys.js"), null));

        TestNode.Response r = node.post("/api/v1/codecs/desk/test", node.admin(),
                "{\"payloadHex\":\"0100E20229030127051102\",\"fPort\":1}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/data/temperature").asDouble()).isEqualTo(22.6);
        assertThat(r.json().at("/data/occupancy").asInt()).isEqualTo(2);
        assertThat(r.json().get("errors")).isEmpty();
    }

    @Test
    void badSource_isAProblemNamingTheSourceField() {
        TestNode.Response r = node.post("/api/v1/codecs", node.admin(),
                codecBody("broken", null, "function decodeUplink(input) { return {data: {}; }", null));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(r.json().get("field").asText()).isEqualTo("source");
        assertThat(r.json().get("detail").asText()).contains("line 1");

        TestNode.Response badExamples = node.post("/api/v1/codecs", node.admin(),
                codecBody("broken2", null, example("elsys.js"), "uplinkDecoder:\n  examples:\n    - input: {fPort: 1, bytes: [1, 300]}\n      output: {}\n"));
        assertThat(badExamples.status()).isEqualTo(400);
        assertThat(badExamples.json().get("field").asText()).isEqualTo("codecFile.uplinkDecoder.examples[0].input.bytes");
    }

    @Test
    void sigfoxDevice_decodedByJavaScript_andAHostileCodecOnAnotherDevice_stopsOnlyItsOwnDecodes() {
        String[] t = tenant();
        node.create("/api/v1/codecs", codecBody("js-temp-" + t[0], t[0],
                "function decodeUplink(input) { return {data: {temperature: ((input.bytes[0] << 8) | input.bytes[1]) / 10,"
                        + " port: typeof input.fPort}}; }", null));
        node.create("/api/v1/codecs", codecBody("js-loop-" + t[0], t[0],
                "function decodeUplink(input) { if (input.bytes[0] === 0xff) { while (true) {} } return {data: {ok: 1}}; }",
                null));
        String good = SigfoxIngestTest.sigfoxId();
        String bad = SigfoxIngestTest.sigfoxId();
        sigfoxDevice(t[0], "temp-" + t[0], good, "js-temp-" + t[0]);
        sigfoxDevice(t[0], "loop-" + t[0], bad, "js-loop-" + t[0]);

        assertThat(node.sigfox(t[1], SigfoxIngestTest.data(bad, 1, "ff00", "0A1B", false)).status()).isEqualTo(204);
        for (int seq = 1; seq <= 3; seq++) {
            assertThat(node.sigfox(t[1], SigfoxIngestTest.data(good, seq, "00e" + seq, "0A1B", false)).status())
                    .isEqualTo(204);
        }
        assertThat(node.sigfox(t[1], SigfoxIngestTest.data(bad, 2, "0100", "0A1B", false)).status()).isEqualTo(204);

        JsonNode looped = frames("loop-" + t[0]);
        assertThat(looped).hasSize(2);
        JsonNode first = looped.get(0).get("seq").asInt() == 1 ? looped.get(0) : looped.get(1);
        JsonNode second = first == looped.get(0) ? looped.get(1) : looped.get(0);
        assertThat(first.get("decodeError").asText()).contains("CPU time limit of 50 ms");
        assertThat(second.at("/decoded/ok").asInt()).isEqualTo(1);

        JsonNode frames = frames("temp-" + t[0]);
        assertThat(frames).hasSize(3);
        for (JsonNode f : frames) {
            assertThat(f.at("/decoded/temperature").asDouble()).isBetween(22.5, 22.7);
            assertThat(f.at("/decoded/port").asText()).isEqualTo("undefined");
            assertThat(f.get("codecVersion").asInt()).isEqualTo(1);
        }
        TestNode.Response readings = node.get("/api/v1/devices/temp-" + t[0] + "/readings?key=temperature", node.admin());
        assertThat(readings.json()).hasSize(3);
        assertThat(node.get("/health/ready", null).status()).isEqualTo(200);
    }

    @Test
    void downlinkGivenAsData_isEncodedByTheCodec_withItsPort() {
        String[] t = tenant();
        node.create("/api/v1/codecs", codecBody("tabs-" + t[0], t[0], example("browan-tbdw100.js"), null));
        node.create("/api/v1/devices", "{\"id\":\"door-" + t[0] + "\",\"tenant\":\"" + t[0] + "\",\"network\":{\"kind\":"
                + "\"lorawan\",\"id\":\"70B3D5" + SigfoxIngestTest.sigfoxId() + "0000\"},\"codec\":\"tabs-" + t[0] + "\"}");

        TestNode.Response ok = node.post("/api/v1/devices/door-" + t[0] + "/downlinks", node.admin(),
                "{\"data\":{\"keepAliveMinutes\":300}}");
        TestNode.Response refused = node.post("/api/v1/devices/door-" + t[0] + "/downlinks", node.admin(),
                "{\"data\":{\"keepAliveMinutes\":\"often\"}}");

        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().get("payloadHex").asText()).isEqualToIgnoringCase("022c01");
        assertThat(ok.json().get("fPort").asInt()).isEqualTo(204);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("field").asText()).isEqualTo("data");
        assertThat(refused.json().get("detail").asText()).contains("keepAliveMinutes must be a number");
    }
}
