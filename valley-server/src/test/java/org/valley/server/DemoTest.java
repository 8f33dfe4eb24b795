package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.server.demo.CampusSimulator;
import org.valley.server.demo.Demo;
import org.valley.server.demo.Networks;

/**
 * The demo campus end to end: set up through the real API (twice: the second run finds it all), then
 * a morning played through the real Sigfox, The Things Stack, ChirpStack and MQTT endpoints; every
 * frame decodes, and the spaces fill up as people arrive.
 */
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void demoCampus_isSetUpThroughTheApi_andItsMorningReachesEveryNetworkAndFillsTheSpaces() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            Demo demo = new Demo(node.url(""), node.admin());
            Networks.Keys keys = demo.setUp(dir.resolve("demo.json"), 60);
            Networks.Keys again = demo.setUp(dir.resolve("demo.json"), 60);
            assertThat(again).as("a second set-up keeps the integrations it made").isEqualTo(keys);

            JsonNode site = node.get("/api/v1/sites/" + Demo.SITE, node.admin()).json();
            assertThat(site.at("/presence/meeting-room/holdOff").asText()).as("time rules divided by the speed").isEqualTo("PT5S");

            CampusSimulator.Stats stats;
            try (CampusSimulator simulator = demo.simulator(keys, node.node.mqttPort(), LocalTime.of(8, 50))) {
                stats = simulator.play(100, Instant.now());
            }
            assertThat(stats.failed()).as(stats.toString()).isZero();
            assertThat(stats.acknowledged()).as(stats.toString()).isGreaterThan(stats.frames());

            Map<String, Integer> framesByNetwork = new HashMap<>();
            JsonNode devices = node.get("/api/v1/devices", node.admin()).json();
            assertThat(devices.size()).isGreaterThan(100);
            for (JsonNode d : devices) {
                framesByNetwork.merge(d.at("/network/kind").asText(), d.get("frames").asInt(), Integer::sum);
            }
            assertThat(framesByNetwork).containsKeys("sigfox", "lorawan", "mqtt").allSatisfy((network, frames) ->
                    assertThat(frames).as(network).isPositive());
            assertThat(node.get("/api/v1/unclaimed", node.admin()).json()).as("every sensor is registered").isEmpty();

            List<String> decodeErrors = new ArrayList<>();
            for (JsonNode d : devices) {
                for (JsonNode f : node.get("/api/v1/devices/" + d.get("id").asText() + "/frames?limit=3", node.admin()).json()) {
                    if (f.hasNonNull("decodeError")) {
                        decodeErrors.add(d.get("id").asText() + ": " + f.get("decodeError").asText());
                    }
                }
            }
            assertThat(decodeErrors).as("frames the codecs could not decode").isEmpty();

            JsonNode spaces = node.get("/api/v1/spaces?site=" + Demo.SITE, node.admin()).json();
            int occupiedDesks = 0;
            int desks = 0;
            for (JsonNode s : spaces) {
                if (s.get("kind").asText().equals("desk")) {
                    desks++;
                    occupiedDesks += s.get("state").asText().equals("occupied") ? 1 : 0;
                }
            }
            assertThat(desks).isGreaterThanOrEqualTo(70);
            assertThat(occupiedDesks).as("at 10:30 most desk users have arrived").isGreaterThan(desks / 3);
            JsonNode hall = node.get("/api/v1/spaces/hall", node.admin()).json();
            assertThat(hall.get("count").asInt()).as("the entrance counter counted arrivals: %s", hall).isPositive();
        }
    }
}
