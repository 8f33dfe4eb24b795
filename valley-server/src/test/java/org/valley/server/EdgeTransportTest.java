package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.valley.journal.JournalConfig;
import org.valley.server.config.ValleyConfig;

/**
 * The edge on each socket transport ({@code transport} in the configuration): a Sigfox callback over
 * HTTP and an MQTT publish at QoS 1 from a real client are acknowledged, stored and decoded the
 * same way on io_uring, epoll and the JDK's selector, and {@code /metrics} names the one in use.
 */
class EdgeTransportTest {

    @TempDir
    Path dir;

    private ValleyConfig config(String transport) {
        ValleyConfig d = ValleyConfig.defaults();
        return new ValleyConfig("127.0.0.1", 0, dir.resolve(transport), null, 2, d.ingestBodyLimit(),
                d.apiBodyLimit(), Duration.ofMillis(50), d.projectionQueue(), JournalConfig.defaults(), false, 0,
                d.codecCpuTime(), d.projectionLag(), transport);
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void sigfoxOverHttp_andMqttAtQos1_areAcknowledgedAndStored(String transport) throws Exception {
        try (TestNode node = TestNode.start(config(transport))) {
            String sigfoxKey = node.tenantWithSigfox("t");
            String mqttKey = node.integration("t", "mqtt");
            node.create("/api/v1/codecs", "{\"id\":\"g\",\"tenant\":\"t\",\"kind\":\"sigfox-grammar\","
                    + "\"config\":\"temp::int:16:little-endian\"}");
            node.device("t", "door", "sigfox", "1A2B3C", "g");
            node.device("t", "proto", "mqtt", "proto-1", "g");

            assertThat(node.sigfox(sigfoxKey, SigfoxIngestTest.data("1A2B3C", 7, "e6ff", "0A1B", false)).status())
                    .isEqualTo(204);
            Mosquitto.Run run = Mosquitto.pubBytes(node.node.mqttPort(), new byte[] {0x15, 0x00}, "-V", "mqttv5",
                    "-q", "1", "-u", "t", "-P", mqttKey, "-t", "valley/t/devices/proto/up");
            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(run.output()).contains("received PUBACK");

            JsonNode door = node.frames("door").get(0);
            assertThat(door.get("decoded").get("temp").asInt()).isEqualTo(-26);
            assertThat(door.get("receptions").get(0).get("station").asText()).isEqualTo("0A1B");
            assertThat(node.frames("proto").get(0).get("decoded").get("temp").asInt()).isEqualTo(21);
            assertThat(node.get("/metrics", null).body())
                    .contains("valley_edge_transport{transport=\"" + transport + "\"} 1.0");
        }
    }

    @Test
    void auto_takesIoUringWhereTheKernelAllowsIt() throws Exception {
        String expected = Transport.IO_URING.available() ? "io_uring" : Transport.EPOLL.available() ? "epoll" : "nio";
        assertThat(ValleyConfig.defaults().transport()).isEqualTo("auto");
        try (TestNode node = TestNode.start(config("auto"))) {
            assertThat(node.get("/metrics", null).body())
                    .contains("valley_edge_transport{transport=\"" + expected + "\"} 1.0");
        }
    }

    @Test
    void transport_isReadFromTheFile_andAnUnknownOneIsRefusedByName() throws Exception {
        Path file = dir.resolve("valley.json");
        Files.writeString(file, "{\"transport\": \"nio\"}");
        assertThat(ValleyConfig.load(file).transport()).isEqualTo("nio");
        assertThat(ValleyConfig.load(file).withPort(9000).transport()).isEqualTo("nio");
        Files.writeString(file, "{\"transport\": \"kqueue\"}");
        assertThatThrownBy(() -> ValleyConfig.load(file)).hasMessageContaining("transport")
                .hasMessageContaining("kqueue");
    }
}
