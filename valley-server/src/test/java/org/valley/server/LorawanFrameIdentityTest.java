package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRaWAN frame identity through a real node: (devEUI, FCnt) within the run a join starts,
 * ChirpStack's deduplicationId, one frame however many times it is delivered, lost frames from
 * gaps; and all of it as it was after a restart.
 */
class LorawanFrameIdentityTest {

    private static final String EUI = "70B3D57ED0001A2B";

    @TempDir
    Path dir;

    static String ttnUplink(long fCnt, String session, String time, String... gateways) {
        StringBuilder rx = new StringBuilder();
        for (String gateway : gateways) {
            rx.append(rx.isEmpty() ? "" : ",").append("{\"gateway_ids\":{\"gateway_id\":\"").append(gateway)
                    .append("\"},\"rssi\":-90,\"snr\":7.5}");
        }
        return "{\"end_device_ids\":{\"device_id\":\"d\",\"dev_eui\":\"" + EUI + "\"},\"received_at\":\"" + time + "\","
                + "\"uplink_message\":{\"session_key_id\":\"" + session + "\"," + (fCnt == 0 ? "" : "\"f_cnt\":" + fCnt + ",")
                + "\"f_port\":1,\"frm_payload\":\"AQ==\",\"rx_metadata\":[" + rx + "],\"received_at\":\"" + time + "\"}}";
    }

    static String ttnJoin(String session, String time) {
        return "{\"end_device_ids\":{\"device_id\":\"d\",\"dev_eui\":\"" + EUI + "\"},\"received_at\":\"" + time + "\","
                + "\"join_accept\":{\"session_key_id\":\"" + session + "\",\"received_at\":\"" + time + "\"}}";
    }

    static String chirpstackUp(String dedup, long fCnt, String devAddr, String gateway) {
        return "{\"deduplicationId\":\"" + dedup + "\",\"time\":\"2026-11-02T10:00:0" + (fCnt % 10) + "Z\","
                + "\"deviceInfo\":{\"devEui\":\"" + EUI + "\",\"applicationId\":\"app\"},\"devAddr\":\"" + devAddr + "\","
                + "\"fCnt\":" + fCnt + ",\"fPort\":2,\"data\":\"AQ==\",\"rxInfo\":[{\"gatewayId\":\"" + gateway
                + "\",\"rssi\":-80,\"snr\":3}]}";
    }

    /** The device's health, once the projection has applied every acknowledged delivery (reading frames waits for it). */
    static JsonNode health(TestNode node) {
        node.frames("d");
        return node.get("/api/v1/devices/d", node.admin()).json();
    }

    static List<String> counters(TestNode node) {
        List<String> out = new ArrayList<>();
        node.frames("d").forEach(f -> out.add(f.get("seq").asText()));
        return out;
    }

    static void accepted(TestNode.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    @Test
    void ttn_sameUplinkTwice_joinThenFCntAgain_gapsAndARestart() throws Exception {
        String ttn;
        JsonNode before;
        try (TestNode node = TestNode.start(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            ttn = node.integration("acme", "ttn");
            node.device("acme", "d", "lorawan", EUI, null);

            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(0, "K1", "2026-11-02T09:00:00Z", "gw-a", "gw-b")));
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(1, "K1", "2026-11-02T09:10:00Z", "gw-a", "gw-b")));
            // the same uplink again (a webhook retried, or a second path), then a gap of two frames
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(1, "K1", "2026-11-02T09:10:00Z", "gw-a", "gw-b")));
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(4, "K1", "2026-11-02T09:40:00Z", "gw-a")));
            // the device joins again: its counter restarts, f_cnt 1 is a new frame, not a duplicate
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnJoin("K2", "2026-11-02T10:00:00Z")));
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(1, "K2", "2026-11-02T10:10:00Z", "gw-b")));

            before = health(node);
            assertThat(before.get("frames").asInt()).isEqualTo(4);
            assertThat(before.get("duplicates").asInt()).isEqualTo(1);
            assertThat(before.get("lostFrames").asInt()).isEqualTo(2);
            assertThat(counters(node)).containsExactly("1", "4", "1", "0");
            JsonNode duplicated = node.frames("d").get(2);
            assertThat(duplicated.get("receptions")).hasSize(2);
        }
        try (TestNode node = TestNode.start(dir)) {
            JsonNode after = health(node);
            for (String field : new String[] {"frames", "duplicates", "lostFrames", "lastSeen"}) {
                assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
            }
            // a late delivery of the run before the join is still recognised as such
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(4, "K1", "2026-11-02T09:40:00Z", "gw-b")));
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(1, "K2", "2026-11-02T10:10:00Z", "gw-a")));
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(2, "K2", "2026-11-02T10:20:00Z", "gw-a")));
            JsonNode health = health(node);
            assertThat(health.get("frames").asInt()).isEqualTo(5);
            assertThat(health.get("duplicates").asInt()).isEqualTo(3);
            assertThat(health.get("lostFrames").asInt()).isEqualTo(2);
        }
    }

    @Test
    void joinBeforeARestart_startsTheRunOfTheFirstUplinkAfterIt() throws Exception {
        String ttn;
        try (TestNode node = TestNode.start(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            ttn = node.integration("acme", "ttn");
            node.device("acme", "d", "lorawan", EUI, null);
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnUplink(0, "K1", "2026-11-02T09:00:00Z", "gw-a")));
            accepted(node.post("/ingest/ttn?key=" + ttn, null, ttnJoin("K2", "2026-11-02T10:00:00Z")));
        }
        try (TestNode node = TestNode.start(dir)) {
            // no session in this uplink: only the join saved before the restart says it is a new run
            String uplink = ttnUplink(0, "K2", "2026-11-02T10:10:00Z", "gw-a").replace("\"session_key_id\":\"K2\",", "");
            accepted(node.post("/ingest/ttn?key=" + ttn, null, uplink));
            assertThat(health(node).get("frames").asInt()).isEqualTo(2);
            assertThat(health(node).get("duplicates").asInt()).isZero();
        }
    }

    @Test
    void chirpstack_deduplicationIdAcrossWebhookDeliveries_andACounterResetWithoutJoin() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            node.create("/api/v1/tenants", "{\"id\":\"acme\"}");
            String cs = node.integration("acme", "chirpstack");
            node.device("acme", "d", "lorawan", EUI, null);

            accepted(node.post("/ingest/chirpstack?event=up&key=" + cs, null, chirpstackUp("u-0", 0, "01ab23cd", "gw-a")));
            accepted(node.post("/ingest/chirpstack?event=up&key=" + cs, null, chirpstackUp("u-1", 1, "01ab23cd", "gw-a")));
            accepted(node.post("/ingest/chirpstack?event=up&key=" + cs, null, chirpstackUp("u-1", 1, "01ab23cd", "gw-a")));
            // an ABP device rebooted: f_cnt 0 again with another deduplicationId is a new frame
            accepted(node.post("/ingest/chirpstack?event=up&key=" + cs, null, chirpstackUp("u-2", 0, "01ab23cd", "gw-a")));
            accepted(node.post("/ingest/chirpstack?event=up&key=" + cs, null, chirpstackUp("u-0", 0, "01ab23cd", "gw-b")));

            JsonNode health = health(node);
            assertThat(health.get("frames").asInt()).isEqualTo(3);
            assertThat(health.get("duplicates").asInt()).isEqualTo(2);
            assertThat(health.get("lostFrames").asInt()).isZero();
            JsonNode first = node.frames("d").get(2);
            List<String> gateways = new ArrayList<>();
            first.get("receptions").forEach(r -> gateways.add(r.get("station").asText()));
            assertThat(gateways).containsExactlyInAnyOrder("gw-a", "gw-b");
        }
    }
}
