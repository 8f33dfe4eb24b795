package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a restart the node knows what it knew: keys, devices, codecs, queued downlinks and frame identity. */
class RestartTest {

    @TempDir
    Path dir;

    static String data(String device, int seq, String station) {
        return data(device, seq, station, false);
    }

    static String data(String device, int seq, String station, boolean duplicate) {
        return "{\"device\":\"" + device + "\",\"time\":" + (1_763_719_200L + seq * 600L) + ",\"data\":\"f609744f\","
                + "\"seqNumber\":" + seq + ",\"station\":\"" + station + "\",\"ack\":true,\"duplicate\":" + duplicate + "}";
    }

    @Test
    void restart_keepsHealthAndFrameIdentity() throws Exception {
        String key;
        JsonNode before;
        try (TestNode node = TestNode.start(dir)) {
            key = node.tenantWithSigfox("acme");
            node.create("/api/v1/codecs", "{\"id\":\"s\",\"kind\":\"builtin\",\"builtin\":\"sensit-v3\"}");
            node.create("/api/v1/devices", "{\"id\":\"d\",\"tenant\":\"acme\",\"network\":{\"kind\":\"sigfox\",\"id\":\"77\"},"
                    + "\"codec\":\"s\"}");
            for (int seq : new int[] {4090, 4093, 4095}) {
                assertThat(node.sigfox(key, data("77", seq, "1D2A")).status()).isEqualTo(204);
            }
            assertThat(node.sigfox(key, data("77", 4095, "0B4F", true)).status()).isEqualTo(204);
            node.create("/api/v1/devices/d/downlinks", "{\"payloadHex\":\"0102030405060708\"}");
            before = node.get("/api/v1/devices/d", node.admin()).json();
            assertThat(before.get("frames").asInt()).isEqualTo(3);
            assertThat(before.get("duplicates").asInt()).isEqualTo(1);
            assertThat(before.get("lostFrames").asInt()).isEqualTo(3);
        }
        try (TestNode node = TestNode.start(dir)) {
            JsonNode after = node.get("/api/v1/devices/d", node.admin()).json();
            for (String field : new String[] {"frames", "duplicates", "lostFrames", "battery", "lastSeen", "codec"}) {
                assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
            }
            // a late duplicate of a frame received before the restart is still a duplicate, and a
            // BIDIR callback marked duplicate does not take the queued downlink
            assertThat(node.sigfox(key, data("77", 4093, "27C3", true)).status()).isEqualTo(204);
            // the counter wraps after the restart: 0 follows 4095
            TestNode.Response bidir = node.sigfox(key, data("77", 0, "1D2A"));
            assertThat(bidir.status()).as("the downlink queued before the restart").isEqualTo(200);
            assertThat(bidir.body()).contains("0102030405060708");
            JsonNode health = node.get("/api/v1/devices/d", node.admin()).json();
            assertThat(health.get("frames").asInt()).isEqualTo(4);
            assertThat(health.get("duplicates").asInt()).isEqualTo(2);
            assertThat(health.get("lostFrames").asInt()).isEqualTo(3);
            assertThat(node.get("/api/v1/devices/d/frames", node.admin()).json()).hasSize(4);
        }
    }
}
