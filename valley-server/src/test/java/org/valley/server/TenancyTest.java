package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every device and integration belongs to a tenant; a tenant key sees and changes only its own. */
class TenancyTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static String acmeKey;
    static String acmeSigfox;
    static String globexKey;
    static String globexSigfox;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dir);
        acmeSigfox = node.tenantWithSigfox("acme");
        globexSigfox = node.tenantWithSigfox("globex");
        acmeKey = node.create("/api/v1/tenants/acme/keys", "{\"role\":\"tenant\"}").get("key").asText();
        globexKey = node.create("/api/v1/tenants/globex/keys", "{\"role\":\"tenant\"}").get("key").asText();
        assertThat(node.post("/api/v1/devices", acmeKey,
                "{\"id\":\"acme-door\",\"network\":{\"kind\":\"sigfox\",\"id\":\"A1\"}}").status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void adminKey_isGeneratedOnceAndKeptInTheDataDirectory() throws IOException {
        assertThat(Files.readString(dir.resolve("admin.key")).trim()).isEqualTo(node.admin());
    }

    @Test
    void tenantKey_seesOnlyItsOwnDevicesAndTenant() {
        JsonNode acmeDevices = node.get("/api/v1/devices", acmeKey).json();
        assertThat(acmeDevices.findValuesAsText("id")).contains("acme-door");
        assertThat(acmeDevices.findValuesAsText("tenant")).containsOnly("acme");
        assertThat(node.get("/api/v1/devices", globexKey).json()).isEmpty();
        assertThat(node.get("/api/v1/devices/acme-door", globexKey).status()).isEqualTo(404);
        assertThat(node.get("/api/v1/devices/acme-door/frames", globexKey).status()).isEqualTo(404);
        assertThat(node.get("/api/v1/tenants", globexKey).json().findValuesAsText("id")).containsExactly("globex");
        assertThat(node.get("/api/v1/tenants/acme", globexKey).status()).isEqualTo(404);
        assertThat(node.get("/api/v1/integrations", globexKey).json().findValuesAsText("tenant")).containsOnly("globex");
    }

    @Test
    void operator_seesEveryTenant() {
        assertThat(node.get("/api/v1/tenants", node.admin()).json().findValuesAsText("id")).contains("acme", "globex");
        assertThat(node.get("/api/v1/devices/acme-door", node.admin()).status()).isEqualTo(200);
    }

    @Test
    void tenantKey_cannotActForAnotherTenant() {
        TestNode.Response r = node.post("/api/v1/devices", globexKey,
                "{\"id\":\"sneaky\",\"tenant\":\"acme\",\"network\":{\"kind\":\"sigfox\",\"id\":\"B2\"}}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(node.send("DELETE", "/api/v1/devices/acme-door", globexKey, null).status()).isEqualTo(404);
        assertThat(node.post("/api/v1/devices/acme-door/downlinks", globexKey, "{\"payloadHex\":\"0011223344556677\"}")
                .status()).isEqualTo(404);
        assertThat(node.post("/api/v1/tenants", globexKey, "{\"id\":\"mine\"}").status()).isEqualTo(403);
        assertThat(node.post("/api/v1/tenants/acme/keys", globexKey, "{\"role\":\"tenant\"}").status()).isEqualTo(404);
    }

    @Test
    void occupantKey_mayOnlyRead() {
        String occupant = node.create("/api/v1/tenants/acme/keys", "{\"role\":\"occupant\"}").get("key").asText();
        TestNode.Response r = node.post("/api/v1/devices", occupant,
                "{\"id\":\"x\",\"network\":{\"kind\":\"sigfox\",\"id\":\"C3\"}}");
        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void framesSentThroughAnotherTenantsIntegration_doNotReachTheDevice() {
        assertThat(node.create("/api/v1/devices", "{\"id\":\"acme-2\",\"tenant\":\"acme\",\"network\":{\"kind\":\"sigfox\","
                + "\"id\":\"D4\"}}").get("id").asText()).isEqualTo("acme-2");
        String body = "{\"device\":\"D4\",\"time\":1763719200,\"data\":\"01\",\"seqNumber\":7}";
        assertThat(node.sigfox(globexSigfox, body).status()).isEqualTo(204);
        assertThat(node.get("/api/v1/devices/acme-2/frames", acmeKey).json()).isEmpty();
        JsonNode globexUnclaimed = node.get("/api/v1/unclaimed", globexKey).json();
        assertThat(globexUnclaimed.findValuesAsText("networkId")).contains("D4");
        assertThat(node.get("/api/v1/unclaimed", acmeKey).json().findValuesAsText("networkId")).doesNotContain("D4");

        // the same sequence number through acme's own integration is a new frame for acme, not a duplicate
        assertThat(node.sigfox(acmeSigfox, body).status()).isEqualTo(204);
        assertThat(node.get("/api/v1/devices/acme-2/frames", acmeKey).json()).hasSize(1);
    }

    @Test
    void integrationOfAnotherKind_isRefusedOnTheSigfoxEndpoint() {
        String httpKey = node.create("/api/v1/integrations", "{\"kind\":\"http\",\"tenant\":\"acme\"}").get("key").asText();
        TestNode.Response r = node.sigfox(httpKey, "{\"device\":\"AB\",\"time\":1763719200}");
        assertThat(r.status()).isEqualTo(403);
    }
}
