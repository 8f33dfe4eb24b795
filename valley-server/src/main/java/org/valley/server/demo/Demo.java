package org.valley.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Sets up the demo through the real API (a tenant, the Sens'it codec, a Sigfox integration, a few
 * Sens'it devices and one prototype left unregistered so that its frames show as unclaimed) and
 * then plays their frames through the Sigfox endpoint until stopped.
 */
public final class Demo {

    public static final String TENANT = "iot-valley";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Demo() {}

    public static void run(String baseUrl, String adminKey, Path dataDir, double speed) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Path state = dataDir.resolve("demo.json");
        String integrationKey;
        List<Simulator.SimDevice> fleet = Simulator.fleet(6);
        if (Files.exists(state)) {
            integrationKey = MAPPER.readTree(state.toFile()).get("integrationKey").asText();
        } else {
            post(http, baseUrl, adminKey, "/api/v1/tenants", "{\"id\":\"" + TENANT + "\",\"name\":\"IoT Valley\"}");
            post(http, baseUrl, adminKey, "/api/v1/codecs",
                    "{\"id\":\"sensit\",\"kind\":\"builtin\",\"builtin\":\"sensit-v3\",\"tenant\":\"" + TENANT + "\"}");
            JsonNode integration = post(http, baseUrl, adminKey, "/api/v1/integrations",
                    "{\"kind\":\"sigfox\",\"tenant\":\"" + TENANT + "\"}");
            integrationKey = integration.get("key").asText();
            for (int i = 0; i < fleet.size() - 1; i++) {
                Simulator.SimDevice d = fleet.get(i);
                String id = (d.mode().equals("door") ? "door-" : "climate-") + (i + 1);
                post(http, baseUrl, adminKey, "/api/v1/devices", "{\"id\":\"" + id + "\",\"name\":\"Sens'it " + d.mode()
                        + " " + (i + 1) + "\",\"tenant\":\"" + TENANT + "\",\"network\":{\"kind\":\"sigfox\",\"id\":\""
                        + d.sigfoxId() + "\"},\"codec\":\"sensit\"}");
            }
            ObjectNode saved = MAPPER.createObjectNode().put("integrationKey", integrationKey);
            Files.writeString(state, saved.toString());
        }
        System.out.println("Demo tenant '" + TENANT + "': " + (fleet.size() - 1) + " Sens'it devices and one unregistered "
                + "prototype post Sigfox callbacks to " + baseUrl + "/ingest/sigfox");
        System.out.println("Try: curl -H 'Authorization: Bearer " + adminKey + "' " + baseUrl + "/api/v1/devices");
        Simulator simulator = new Simulator(baseUrl, integrationKey, fleet, speed);
        while (!Thread.currentThread().isInterrupted()) {
            System.out.println("simulator: " + simulator.run(10));
        }
    }

    private static JsonNode post(HttpClient http, String baseUrl, String key, String path, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IOException("demo setup: POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return MAPPER.readTree(r.body());
    }
}
