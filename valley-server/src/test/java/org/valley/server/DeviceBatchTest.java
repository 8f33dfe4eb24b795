package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registering many devices in one request: all or none, each refusal naming its element. */
class DeviceBatchTest {

    static TestNode node;

    @RegisterExtension
    static final SharedNode shared = new SharedNode(n -> node = n);

    private static String device(String id, String tenant, String sigfoxId) {
        return "{\"id\":\"" + id + "\"" + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
                + ",\"network\":{\"kind\":\"sigfox\",\"id\":\"" + sigfoxId + "\"},\"codec\":\"sensit\"}";
    }

    private static String array(List<String> devices) {
        return "[" + String.join(",", devices) + "]";
    }

    @Test
    void array_registersEveryDevice_andEachClaimsTheFramesAlreadyReceived() {
        String key = node.tenantWithSigfox("fleet");
        node.create("/api/v1/codecs", "{\"id\":\"sensit\",\"tenant\":\"fleet\",\"kind\":\"builtin\",\"builtin\":\"sensit-v3\"}");
        // a frame from a network id nobody registered yet is kept unclaimed
        assertThat(node.post("/ingest/sigfox?key=" + key, null,
                "{\"device\":\"F0007\",\"time\":1763719200,\"data\":\"ae1a0001\",\"seqNumber\":1}").status()).isEqualTo(204);
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            devices.add(device(String.format("fleet-%04d", i), "fleet", String.format("F%04X", i)));
        }

        TestNode.Response r = node.post("/api/v1/devices", node.admin(), array(devices));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json()).hasSize(2_000);
        assertThat(r.json().get(7).get("id").asText()).isEqualTo("fleet-0007");
        assertThat(node.get("/api/v1/devices", node.admin()).json().findValuesAsText("tenant")
                .stream().filter("fleet"::equals)).hasSize(2_000);
        JsonNode frames = node.get("/api/v1/devices/fleet-0007/frames", node.admin()).json();
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.at("/decoded/battery").isNumber()).as(f.toString()).isTrue());
        assertThat(node.get("/api/v1/unclaimed", node.admin()).json().findValuesAsText("networkId")).doesNotContain("F0007");
    }

    @Test
    void badElement_refusesTheWholeArray_namingTheElementAndTheField() {
        node.create("/api/v1/tenants", "{\"id\":\"bad\",\"name\":\"bad\"}");
        TestNode.Response r = node.post("/api/v1/devices", node.admin(), "[" + device("bad-1", "bad", "B001").replace(",\"codec\":\"sensit\"", "")
                + ",{\"id\":\"bad-2\",\"tenant\":\"bad\",\"network\":{\"kind\":\"sigfox\",\"id\":\"not-hex\"}}]");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.json().get("field").asText()).isEqualTo("[1].network.id");
        assertThat(r.json().get("detail").asText()).startsWith("[1]: ").contains("hex");
        assertThat(node.get("/api/v1/devices/bad-1", node.admin()).status()).isEqualTo(404);

        TestNode.Response twice = node.post("/api/v1/devices", node.admin(), "[" + device("bad-3", "bad", "B003")
                .replace(",\"codec\":\"sensit\"", "") + "," + device("bad-3", "bad", "B004").replace(",\"codec\":\"sensit\"", "") + "]");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().get("field").asText()).isEqualTo("[1].id");

        TestNode.Response empty = node.post("/api/v1/devices", node.admin(), "[]");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("field").asText()).isEqualTo("[]");
        TestNode.Response notObjects = node.post("/api/v1/devices", node.admin(), "[1, 2]");
        assertThat(notObjects.status()).isEqualTo(400);
        assertThat(notObjects.json().get("field").asText()).isEqualTo("[0]");
        assertThat(node.get("/api/v1/devices/bad-3", node.admin()).status()).isEqualTo(404);
    }

    @Test
    void arrayMeetingARegisteredDevice_isRefusedWhole_andATenantKeyRegistersOnlyInItsTenant() {
        node.create("/api/v1/tenants", "{\"id\":\"lab\",\"name\":\"lab\"}");
        node.create("/api/v1/tenants", "{\"id\":\"other\",\"name\":\"other\"}");
        String labKey = node.create("/api/v1/tenants/lab/keys", "{\"role\":\"tenant\"}").get("key").asText();
        String plain = "{\"id\":\"%s\",\"network\":{\"kind\":\"sigfox\",\"id\":\"%s\"}}";
        assertThat(node.post("/api/v1/devices", labKey, plain.formatted("lab-1", "C001")).status()).isEqualTo(201);

        TestNode.Response taken = node.post("/api/v1/devices", labKey,
                "[" + plain.formatted("lab-2", "C002") + "," + plain.formatted("lab-3", "C001") + "]");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("field").asText()).isEqualTo("[1].network.id");
        assertThat(node.get("/api/v1/devices/lab-2", labKey).status()).isEqualTo(404);

        TestNode.Response foreign = node.post("/api/v1/devices", labKey,
                "[" + plain.formatted("lab-4", "C004") + ",{\"id\":\"lab-5\",\"tenant\":\"other\",\"network\":{\"kind\":\"sigfox\",\"id\":\"C005\"}}]");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(node.get("/api/v1/devices/lab-4", labKey).status()).isEqualTo(404);

        TestNode.Response ok = node.post("/api/v1/devices", labKey,
                "[" + plain.formatted("lab-6", "C006") + "," + plain.formatted("lab-7", "C007") + "]");
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().findValuesAsText("tenant")).containsOnly("lab");
    }
}
