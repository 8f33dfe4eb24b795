package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Valley's MQTT endpoint with real clients (Mosquitto's), MQTT 3.1.1 and 5, QoS 0 and 1. */
class MqttEndpointTest {

    static TestNode node;

    @RegisterExtension
    static final SharedNode shared = new SharedNode(n -> node = n);
    static final AtomicInteger ids = new AtomicInteger();

    /** A tenant with an mqtt integration, a grammar codec and an mqtt device: {tenant, key, device}. */
    static String[] tenant() {
        String tenant = "m" + ids.incrementAndGet();
        node.create("/api/v1/tenants", "{\"id\":\"" + tenant + "\"}");
        String key = node.integration(tenant, "mqtt");
        node.create("/api/v1/codecs", "{\"id\":\"" + tenant + "-g\",\"tenant\":\"" + tenant
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"temp::int:16:little-endian door::bool:7\"}");
        node.device(tenant, tenant + "-d", "mqtt", tenant + "-proto", tenant + "-g");
        return new String[] {tenant, key, tenant + "-d"};
    }

    static String up(String tenant, String device) {
        return "valley/" + tenant + "/devices/" + device + "/up";
    }

    static int port() {
        return node.node.mqttPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void rawPayloadAtQos1_isAcknowledgedOnceDurable_andDecodedByTheDevicesCodec(String version) {
        String[] t = tenant();
        long journalBefore = node.node.journal().endPosition();
        Mosquitto.Run run = Mosquitto.pubBytes(port(), new byte[] {(byte) 0xe6, (byte) 0xff, (byte) 0x80},
                "-V", version, "-q", "1", "-u", t[0], "-P", t[1], "-t", up(t[0], t[2]));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("received PUBACK");
        assertThat(node.node.journal().endPosition()).as("the PUBACK came after the journal's commit")
                .isGreaterThan(journalBefore);
        JsonNode frame = node.frames(t[2]).get(0);
        assertThat(frame.get("payloadHex").asText()).isEqualTo("e6ff80");
        assertThat(frame.get("decoded").get("temp").asInt()).isEqualTo(-26);
        assertThat(frame.get("decoded").get("door").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1"})
    void jsonReadings_areStoredWithoutTheCodec(String qos) {
        String[] t = tenant();
        Mosquitto.Run run = Mosquitto.pub(port(), "-V", "mqttv5", "-q", qos, "-u", t[0], "-P", t[1], "-t", up(t[0], t[2]),
                "-m", "{\"ts\":\"2026-11-02T09:00:00Z\",\"values\":{\"count\":4,\"open\":false}}");

        assertThat(run.exit()).as(run.output()).isZero();
        // QoS 0 has no acknowledgement to wait for: the client may be gone before the message is appended
        String path = "/api/v1/devices/" + t[2] + "/readings?key=count";
        Await.until("the QoS 0 reading", 10, () -> !node.get(path, node.admin()).json().isEmpty());
        JsonNode readings = node.get(path, node.admin()).json();
        assertThat(readings).hasSize(1);
        assertThat(readings.get(0).get("ts").asText()).isEqualTo("2026-11-02T09:00:00Z");
        assertThat(readings.get(0).get("value").asDouble()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void wrongPassword_orAnotherTenantsKey_isRefusedAtConnect(String version) {
        String[] t = tenant();
        String[] other = tenant();
        for (String[] credentials : new String[][] {{t[0], "vi_wrong"}, {t[0], other[1]}, {t[0], node.integration(t[0], "http")}}) {
            Mosquitto.Run run = Mosquitto.pub(port(), "-V", version, "-q", "1", "-u", credentials[0], "-P", credentials[1],
                    "-t", up(t[0], t[2]), "-m", "{\"values\":{\"count\":1}}");
            assertThat(run.exit()).as(run.output()).isNotZero();
            assertThat(run.output().toLowerCase(java.util.Locale.ROOT)).contains("bad user name or password");
        }
        Mosquitto.Run anonymous = Mosquitto.pub(port(), "-V", version, "-t", up(t[0], t[2]), "-m", "x");
        assertThat(anonymous.exit()).isNotZero();
        assertThat(node.frames(t[2])).isEmpty();
    }

    @Test
    void mqtt5_refusedPublish_getsAPubackReasonCode_andNothingIsStored() {
        String[] t = tenant();
        String[] other = tenant();
        String[][] cases = {
            {up(other[0], other[2]), "{\"values\":{\"count\":1}}", "RC:135"}, // 0x87 not authorized: another tenant
            {"valley/" + t[0] + "/devices/nobody/up", "{\"values\":{\"count\":1}}", "RC:144"}, // 0x90 no such device
            {"valley/" + t[0] + "/other", "x", "RC:144"}, // 0x90 not an uplink topic
        };
        for (String[] c : cases) {
            Mosquitto.Run run = Mosquitto.pub(port(), "-V", "mqttv5", "-q", "1", "-u", t[0], "-P", t[1], "-t", c[0], "-m", c[1]);
            assertThat(run.output()).as(c[0]).contains("received PUBACK").contains(c[2]);
        }
        Mosquitto.Run declaredJson = Mosquitto.pub(port(), "-V", "mqttv5", "-q", "1", "-u", t[0], "-P", t[1],
                "-t", up(t[0], t[2]), "-D", "publish", "content-type", "application/json", "-m", "{\"values\":{\"x\":[1]}}");
        assertThat(declaredJson.output()).contains("RC:153"); // 0x99 payload format invalid
        assertThat(node.frames(t[2])).isEmpty();
        assertThat(node.frames(other[2])).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void qos2_isNotOffered_andNothingIsStoredWithoutItsHandshake(String version) {
        String[] t = tenant();
        Mosquitto.Run run = Mosquitto.pub(port(), "-V", version, "-q", "2", "-u", t[0], "-P", t[1], "-t", up(t[0], t[2]),
                "-m", "{\"values\":{\"count\":1}}");
        assertThat(run.output()).doesNotContain("received PUBREC").doesNotContain("received PUBCOMP");
        assertThat(node.frames(t[2])).isEmpty();
    }

    @Test
    void mqtt311_publishOutsideTheTenant_closesTheConnectionWithoutAcknowledgement() {
        String[] t = tenant();
        String[] other = tenant();
        Mosquitto.Run run = Mosquitto.pub(port(), "-V", "mqttv311", "-q", "1", "-u", t[0], "-P", t[1],
                "-t", up(other[0], other[2]), "-m", "{\"values\":{\"count\":1}}");
        assertThat(run.output()).doesNotContain("received PUBACK");
        assertThat(node.frames(other[2])).isEmpty();
    }

    @Test
    void subscribers_receiveTheirTenantsDecodedReadings_andCannotSubscribeElsewhere() throws Exception {
        String[] t = tenant();
        String[] other = tenant();
        Path out = shared.dir().resolve("sub-" + t[0] + ".txt");
        Process sub = Mosquitto.sub(port(), out, "-V", "mqttv5", "-u", t[0], "-P", t[1], "-C", "1", "-W", "20",
                "-t", "valley/" + t[0] + "/devices/+/readings", "-t", "valley/" + other[0] + "/devices/+/readings",
                "-t", "valley/#", "-v");
        awaitSubscribed(out);
        Mosquitto.Run pub = Mosquitto.pubBytes(port(), new byte[] {0x10, 0x00, 0x00}, "-q", "1", "-u", t[0], "-P", t[1],
                "-t", up(t[0], t[2]));
        assertThat(pub.exit()).as(pub.output()).isZero();

        Mosquitto.Run received = Mosquitto.await(sub, out, 20);
        assertThat(received.output()).contains("valley/" + t[0] + "/devices/" + t[2] + "/readings");
        assertThat(received.output()).contains("\"device\":\"" + t[2] + "\"").contains("\"temp\":16");
        // the filter inside the tenant is granted (QoS 0), another tenant's and the whole tree are not (0x87)
        assertThat(received.output()).contains("Subscribed (mid: 1): 0, 135, 135");
    }

    /**
     * Whatever bytes a client sends, the endpoint closes that client's connection at worst: 300
     * connections with a CONNECT and a PUBLISH cut short, with bytes changed, inserted or removed,
     * or with garbage after the CONNECT, under MQTT 3.1.1 and 5; then a well-formed client still
     * gets its PUBACK and its frame is stored.
     */
    @Test
    void malformedPackets_closeOnlyTheirOwnConnection_andTheEndpointGoesOnAcknowledging() throws Exception {
        String[] t = tenant();
        java.util.Random random = new java.util.Random(20261207);
        for (int i = 0; i < 300; i++) {
            boolean v5 = random.nextBoolean();
            byte[] connect = RawMqtt.connect(v5, "raw-" + i, t[0], t[1]);
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            byte[] publish = RawMqtt.publish(v5, up(t[0], t[2]), payload, 1 + random.nextInt(65535));
            byte[] sent = switch (random.nextInt(3)) {
                case 0 -> RawMqtt.mutate(connect, random);
                case 1 -> RawMqtt.concat(connect, RawMqtt.mutate(publish, random));
                default -> {
                    byte[] garbage = new byte[1 + random.nextInt(200)];
                    random.nextBytes(garbage);
                    yield RawMqtt.concat(connect, garbage);
                }
            };
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
                socket.getOutputStream().write(sent);
                socket.getOutputStream().flush();
            } catch (java.io.IOException e) {
                // the endpoint may close the connection before the client has written everything
            }
        }
        Mosquitto.Run run = Mosquitto.pubBytes(port(), new byte[] {0x01, 0x00, (byte) 0x80}, "-V", "mqttv5", "-q", "1",
                "-u", t[0], "-P", t[1], "-t", up(t[0], t[2]));
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("received PUBACK");
        Await.until("the well-formed frame to be stored", 10, () -> node.frames(t[2]).findValues("payloadHex").stream()
                .anyMatch(h -> h.asText().equals("010080")));
        assertThat(node.get("/health/ready", null).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void publishBeforeConnect_closesTheConnection_storesNothing_andIsCounted(boolean v5) throws Exception {
        String[] t = tenant();
        double before = violations();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(RawMqtt.publish(v5, up(t[0], t[2]), new byte[] {0x01, 0x00, 0x7f}, 7));
            socket.getOutputStream().flush();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertThat(read).as("the endpoint closes the connection without answering").isEqualTo(-1);
        }
        Await.until("the violation to be counted", 10, () -> violations() > before);
        assertThat(node.frames(t[2])).isEmpty();
        assertThat(node.get("/health/ready", null).status()).isEqualTo(200);
    }

    static double violations() {
        return node.get("/metrics", null).body().lines().filter(l -> l.startsWith("valley_mqtt_protocol_violations "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    /** Waits until mosquitto_sub says it got its SUBACK (its own debug output). */
    private static void awaitSubscribed(Path out) {
        Await.until("mosquitto_sub to subscribe", 10,
                () -> java.nio.file.Files.exists(out) && java.nio.file.Files.readString(out).contains("SUBACK"));
    }
}
