package org.valley.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.valley.server.demo.Payloads.Format;
import org.valley.space.site.Site;
import org.valley.space.site.SiteParser;

/**
 * Sets up the demo campus through the real API — the tenant, the codecs its sensors need, one
 * integration per network, the site and the sensors bound to its spaces — and then plays a campus
 * day through the real network endpoints ({@link CampusSimulator}). The campus ships in the server's
 * jar ({@code examples/sites/iot-valley.json} and {@code iot-valley-devices.json}, with the codecs
 * of {@code examples/codecs}).
 *
 * <p>Simulated time runs {@code speed} times faster than real time, but frames carry real times, so
 * the demo divides the site's time rules (hold-offs, the no-show grace, down to the least the site
 * document accepts) by the same factor: a meeting of an hour lasts a minute at 60×, and its room
 * turns free five seconds after it empties.
 */
public final class Demo {

    public static final String TENANT = "iot-valley";
    public static final String SITE = "iot-valley";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] NETWORKS = {"sigfox", "ttn", "chirpstack", "mqtt", "http"};

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String adminKey;

    public Demo(String baseUrl, String adminKey) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.adminKey = adminKey;
    }

    /** Sets the campus up on the server at {@code baseUrl} (keeping the integration keys in {@code state}) and plays it. */
    public static void run(String baseUrl, String adminKey, int mqttPort, Path state, double speed) throws Exception {
        Demo demo = new Demo(baseUrl, adminKey);
        Networks.Keys keys = demo.setUp(state, speed);
        try (CampusSimulator simulator = demo.simulator(keys, mqttPort, LocalTime.of(7, 45))) {
            System.out.println("Demo campus '" + SITE + "': " + simulator.sensorCount() + " sensors report through Sigfox, "
                + "The Things Stack, ChirpStack and MQTT; a simulated day from 07:45 at " + speed + "x real time.");
            System.out.println("Dashboard: " + demo.baseUrl + "/?key=" + adminKey + "   (operator key: " + adminKey + ")");
            System.out.println("Try: curl -H 'Authorization: Bearer " + adminKey + "' '" + demo.baseUrl
                + "/api/v1/availability?kind=meeting-room'");
            simulator.run(speed);
        }
    }

    /** The campus's site document, as shipped. */
    static JsonNode siteDocument() throws IOException {
        return resource("examples/sites/iot-valley.json");
    }

    /** The campus's devices and codecs, as shipped. */
    static JsonNode devicesDocument() throws IOException {
        return resource("examples/sites/iot-valley-devices.json");
    }

    /** Creates what is missing (a second run finds it all and only reads the saved keys) and returns the integration keys. */
    public Networks.Keys setUp(Path state, double speed) throws IOException, InterruptedException {
        post("/api/v1/tenants", "{\"id\":\"" + TENANT + "\",\"name\":\"IoT Valley\"}");
        JsonNode devices = devicesDocument();
        for (JsonNode codec : devices.path("codecs")) {
            ObjectNode body = MAPPER.createObjectNode().put("id", codec.get("id").asText()).put("tenant", TENANT)
                    .put("kind", codec.get("kind").asText());
            if (codec.has("builtin")) {
                body.put("builtin", codec.get("builtin").asText());
            }
            if (codec.has("config")) {
                body.put("config", codec.get("config").asText());
            }
            String file = sourceFile(codec);
            if (file != null) {
                body.put("source", new String(resourceBytes(file), StandardCharsets.UTF_8));
            }
            post("/api/v1/codecs", body.toString());
        }
        Map<String, String> keys = new HashMap<>();
        if (Files.exists(state)) {
            MAPPER.readTree(state.toFile()).fields().forEachRemaining(e -> keys.put(e.getKey(), e.getValue().asText()));
        }
        for (String network : NETWORKS) {
            if (!keys.containsKey(network)) {
                JsonNode integration = post("/api/v1/integrations", "{\"kind\":\"" + network + "\",\"tenant\":\"" + TENANT + "\"}");
                keys.put(network, integration.get("key").asText());
            }
        }
        Files.writeString(state, MAPPER.valueToTree(keys).toString());
        ObjectNode site = (ObjectNode) scaled(siteDocument(), speed);
        site.put("tenant", TENANT);
        send("PUT", "/api/v1/sites/" + SITE, site.toString(), false);
        for (JsonNode device : devices.path("devices")) {
            ObjectNode body = ((ObjectNode) device.deepCopy()).put("tenant", TENANT);
            body.remove("via");
            post("/api/v1/devices", body.toString());
        }
        return new Networks.Keys(TENANT, keys.get("sigfox"), keys.get("ttn"), keys.get("chirpstack"), keys.get("mqtt"),
                keys.get("http"));
    }

    /** The simulator of the shipped campus, sending through integrations of {@code keys}. */
    public CampusSimulator simulator(Networks.Keys keys, int mqttPort, LocalTime start) throws IOException {
        JsonNode doc = siteDocument();
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(doc, Map.class);
        Site site = SiteParser.parse(SITE, TENANT, map);
        JsonNode devices = devicesDocument();
        Map<String, Format> formats = new HashMap<>();
        for (JsonNode codec : devices.path("codecs")) {
            formats.put(codec.get("id").asText(), Format.ofCodec(codec.path("builtin").asText(null), sourceFile(codec)));
        }
        List<CampusSimulator.Sensor> sensors = new ArrayList<>();
        int lorawan = 0;
        for (JsonNode d : devices.path("devices")) {
            String network = d.path("network").path("kind").asText();
            String via = d.path("via").asText(null);
            if (network.equals("lorawan") && via == null) {
                via = lorawan++ % 2 == 0 ? "ttn" : "chirpstack"; // both network servers show in the demo
            }
            Format format = formats.getOrDefault(d.path("codec").asText(""), Format.JSON);
            sensors.add(new CampusSimulator.Sensor(d.get("id").asText(), network, d.path("network").path("id").asText(null),
                    via, format, d.path("space").asText(null), d.path("role").asText(null)));
        }
        LocalDate today = LocalDate.now(site.timezone());
        return new CampusSimulator(site, sensors, new Networks(baseUrl, keys, mqttPort), today.toEpochDay(), start);
    }

    /** The site document with its hold-offs and no-show grace divided by {@code speed} (at least one second). */
    static JsonNode scaled(JsonNode site, double speed) {
        ObjectNode copy = site.deepCopy();
        if (speed <= 1) {
            return copy;
        }
        copy.findParents("holdOff").forEach(parent -> scale((ObjectNode) parent, "holdOff", speed, Duration.ofSeconds(1)));
        if (copy.path("bookings").has("noShowGrace")) {
            scale((ObjectNode) copy.get("bookings"), "noShowGrace", speed, Duration.ofMinutes(1));
        }
        return copy;
    }

    /** Divides a duration by {@code speed}, down to the least the site document accepts. */
    private static void scale(ObjectNode parent, String field, double speed, Duration least) {
        Duration d = Duration.parse(parent.get(field).asText());
        long millis = Math.max(least.toMillis(), Math.round(d.toMillis() / speed));
        parent.put(field, Duration.ofMillis(millis).toString());
    }

    private static String sourceFile(JsonNode codec) {
        for (String key : new String[] {"sourceFile", "source", "file"}) {
            if (codec.hasNonNull(key)) {
                String f = codec.get(key).asText();
                return f.startsWith("examples/") ? f : "examples/codecs/" + Path.of(f).getFileName();
            }
        }
        return null;
    }

    private static JsonNode resource(String name) throws IOException {
        return MAPPER.readTree(resourceBytes(name));
    }

    private static byte[] resourceBytes(String name) throws IOException {
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the demo campus file " + name + " is missing from the server's jar");
            }
            return in.readAllBytes();
        }
    }

    private JsonNode post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body, false);
    }

    /** Sends a request; 409 (already there) is fine; {@code optional} tolerates a server without the endpoint. */
    private JsonNode send(String method, String path, String body, boolean optional) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("authorization", "Bearer " + adminKey).header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2 && r.statusCode() != 409 && !(optional && r.statusCode() == 404)) {
            throw new IOException("demo setup: " + method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
    }
}
