package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Readings posted as JSON to {@code /ingest/http/{deviceId}} through a real node. */
class HttpIngestTest {

    static TestNode node;

    @RegisterExtension
    static final SharedNode shared = new SharedNode(n -> node = n);
    static final AtomicInteger ids = new AtomicInteger();

    /** A fresh tenant with an http integration and an http device: {tenant, key, device}. */
    static String[] tenant() {
        String tenant = "h" + ids.incrementAndGet();
        node.create("/api/v1/tenants", "{\"id\":\"" + tenant + "\"}");
        String key = node.integration(tenant, "http");
        node.device(tenant, tenant + "-d", "http", tenant + "-counter", null);
        return new String[] {tenant, key, tenant + "-d"};
    }

    static TestNode.Response post(String key, String device, String body) {
        return node.post("/ingest/http/" + device + "?key=" + key, null, body);
    }

    static JsonNode readings(String device, String key) {
        return node.get("/api/v1/devices/" + device + "/readings?key=" + key, node.admin()).json();
    }

    /** The node's count of readings stored, from {@code /metrics}. */
    static double readingsStored() {
        for (String line : node.get("/metrics", null).body().split("\n")) {
            if (line.startsWith("valley_readings_stored ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no valley_readings_stored in /metrics");
    }

    @Test
    void oneReading_isStoredAtItsTime_withoutACodec() {
        String[] t = tenant();
        double storedBefore = readingsStored();
        TestNode.Response r = post(t[1], t[2],
                "{\"ts\":\"2026-11-02T09:00:00Z\",\"values\":{\"count\":3,\"open\":true,\"mode\":\"eco\",\"co2\":612.5}}");
        assertThat(r.status()).as(r.body()).isEqualTo(204);

        JsonNode count = readings(t[2], "count").get(0);
        assertThat(count.get("ts").asText()).isEqualTo("2026-11-02T09:00:00Z");
        assertThat(count.get("value").asDouble()).isEqualTo(3);
        assertThat(readings(t[2], "open").get(0).get("value").asBoolean()).isTrue();
        assertThat(readings(t[2], "mode").get(0).get("value").asText()).isEqualTo("eco");
        assertThat(readings(t[2], "co2").get(0).get("value").asDouble()).isEqualTo(612.5);
        JsonNode frame = node.frames(t[2]).get(0);
        assertThat(frame.get("decoded").get(0).get("values").get("mode").asText()).isEqualTo("eco");
        assertThat(frame.get("decodeError").isNull()).isTrue();
        assertThat(readingsStored()).as("its four values, once they can be read").isGreaterThanOrEqualTo(storedBefore + 4);
    }

    @Test
    void batch_withAndWithoutTs_isStoredWhole_missingTsBeingTheArrivalTime() {
        String[] t = tenant();
        long before = System.currentTimeMillis();
        TestNode.Response r = post(t[1], t[2], "[{\"ts\":1793610000000,\"values\":{\"in\":2}},"
                + "{\"values\":{\"in\":1,\"out\":4}},{\"ts\":\"1793610060000\",\"values\":{\"out\":1}}]");
        assertThat(r.status()).as(r.body()).isEqualTo(204);

        List<String> times = new ArrayList<>();
        readings(t[2], "in").forEach(x -> times.add(x.get("ts").asText()));
        assertThat(times).hasSize(2).contains("2026-11-02T09:00:00Z");
        Instant arrival = Instant.parse(times.get(0).equals("2026-11-02T09:00:00Z") ? times.get(1) : times.get(0));
        assertThat(arrival.toEpochMilli()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        assertThat(readings(t[2], "out")).hasSize(2);
        assertThat(node.get("/api/v1/devices/" + t[2], node.admin()).json().get("frames").asInt()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"values\":{\"t\":{\"c\":1}}}|values.t",
        "{\"values\":{\"t\":[1]}}|values.t",
        "{\"values\":{\"t\":null}}|values.t",
        "{\"values\":{}}|values",
        "{\"ts\":\"2026-11-02T09:00:00Z\"}|values",
        "{\"ts\":\"2026-11-02\",\"values\":{\"t\":1}}|ts",
        "{\"ts\":\"noon\",\"values\":{\"t\":1}}|ts",
        "{\"ts\":-5,\"values\":{\"t\":1}}|ts",
        "{\"values\":{\"t\":1},\"unit\":\"C\"}|unit",
        "[]|body",
        "[{\"values\":{\"t\":1}},{\"values\":{\"t\":\"x\",\"u\":{}}}]|[1].values.u",
        "[{\"values\":{\"t\":1}},7]|[1]",
        "{\"values\":{\"\":1}}|values.",
    })
    void badReadings_areProblemJsonNamingTheField(String body, String field) {
        String[] t = tenant();
        TestNode.Response r = post(t[1], t[2], body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(node.frames(t[2])).isEmpty();
    }

    @Test
    void devices_mustBeTheTenantsOwnOfAnHttpOrMqttNetwork() {
        String[] t = tenant();
        String[] other = tenant();
        node.device(t[0], t[0] + "-sigfox", "sigfox", "9" + ids.incrementAndGet(), null);
        String body = "{\"values\":{\"t\":1}}";
        assertThat(post(t[1], "nobody", body).status()).isEqualTo(404);
        assertThat(post(t[1], other[2], body).status()).isEqualTo(404);
        TestNode.Response sigfox = post(t[1], t[0] + "-sigfox", body);
        assertThat(sigfox.status()).isEqualTo(400);
        assertThat(sigfox.json().get("field").asText()).isEqualTo("deviceId");
        assertThat(node.post("/ingest/http/" + t[2] + "?key=" + node.integration(t[0], "ttn"), null, body).status())
                .isEqualTo(403);
        assertThat(node.post("/ingest/http/" + t[2], null, body).status()).isEqualTo(401);
        assertThat(node.post("/ingest/http/" + t[2] + "?key=" + t[1], null, "{\"values\":").status()).isEqualTo(400);
    }
}
