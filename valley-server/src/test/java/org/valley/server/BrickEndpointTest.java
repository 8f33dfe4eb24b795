package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A site exported as a Brick Schema Turtle file and imported back through {@code /api/v1/sites/{id}/brick}. */
class BrickEndpointTest {

    @TempDir
    Path dir;

    static final String SITE = "{\"tenant\":\"acme\",\"name\":\"IoT Valley\",\"timezone\":\"Europe/Paris\","
            + "\"buildings\":[{\"id\":\"main\",\"name\":\"Main building\",\"floors\":[{\"id\":\"f1\",\"name\":\"Floor 1\",\"level\":1,"
            + "\"spaces\":[{\"id\":\"r101\",\"name\":\"Canal\",\"kind\":\"meeting-room\",\"capacity\":6,\"equipment\":[\"screen\"]},"
            + "{\"id\":\"nap\",\"name\":\"Nap room\",\"kind\":\"nap-room\",\"capacity\":2,\"places\":[{\"id\":\"pod1\"},{\"id\":\"pod2\"}]}]}]}]}";

    @Test
    void exportedSite_importsBackEqual_withItsSensorsAsPoints() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            assertThat(node.put("/api/v1/sites/campus", node.admin(), SITE).status()).isEqualTo(201);
            node.create("/api/v1/devices", "{\"id\":\"pir-1\",\"tenant\":\"acme\",\"network\":{\"kind\":\"http\",\"id\":\"pir-1\"},"
                    + "\"space\":\"r101\",\"role\":\"motion\"}");
            JsonNode original = node.get("/api/v1/sites/campus", node.admin()).json();

            TestNode.Response brick = node.get("/api/v1/sites/campus/brick", node.admin());
            assertThat(brick.status()).isEqualTo(200);
            assertThat(brick.contentType()).startsWith("text/turtle");
            assertThat(brick.body()).contains("brick:Conference_Room", "brick:hasPart", "brick:Motion_Sensor", "brick:isPointOf");

            assertThat(node.send("DELETE", "/api/v1/sites/campus", node.admin(), null).status()).isEqualTo(204);
            TestNode.Response imported = node.sendBytes("PUT", "/api/v1/sites/campus/brick?tenant=acme", node.admin(),
                    brick.body().getBytes(StandardCharsets.UTF_8), "text/turtle");
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            ObjectNode back = (ObjectNode) node.get("/api/v1/sites/campus", node.admin()).json();
            back.remove("updatedAt");
            ((ObjectNode) original).remove("updatedAt");
            assertThat(back).isEqualTo(original);
            assertThat(node.get("/api/v1/spaces/pod2", node.admin()).status()).isEqualTo(200);
        }
    }

    @Test
    void malformedTurtle_isAProblemWithItsLine_andAForeignTenantSeesNothing() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            node.create("/api/v1/tenants", "{\"id\":\"other\"}");
            assertThat(node.put("/api/v1/sites/campus", node.admin(), SITE).status()).isEqualTo(201);
            TestNode.Response bad = node.sendBytes("PUT", "/api/v1/sites/campus/brick?tenant=acme", node.admin(),
                    "@prefix brick: <https://brickschema.org/schema/Brick#> .\n<urn:b> a brick:Building ;\n  brick:hasPart ".getBytes(
                            StandardCharsets.UTF_8), "text/turtle");
            assertThat(bad.status()).as(bad.body()).isEqualTo(400);
            assertThat(bad.contentType()).startsWith("application/problem+json");
            assertThat(bad.json().get("field").asText()).isEqualTo("body");
            assertThat(bad.json().get("detail").asText()).containsIgnoringCase("line");

            String otherKey = node.create("/api/v1/tenants/other/keys", "{\"role\":\"tenant\"}").get("key").asText();
            assertThat(node.get("/api/v1/sites/campus/brick", otherKey).status()).isEqualTo(404);
        }
    }
}
