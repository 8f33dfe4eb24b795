package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.journal.JournalConfig;
import org.valley.server.config.ValleyConfig;

/** Overload gets back-pressure: 503 with Retry-After, never a lost acknowledged frame or a crash. */
class OverloadTest {

    @TempDir
    Path dir;

    @Test
    void fullJournalQueue_answers503WithRetryAfter_andKeepsEveryAcknowledgedFrame() throws Exception {
        ValleyConfig tiny = new ValleyConfig("127.0.0.1", 0, dir, null, 2, 16 * 1024, 1024 * 1024, Duration.ofMillis(200),
                1, new JournalConfig(1, 1, 64L << 20, true), false, 0);
        try (TestNode node = TestNode.start(tiny)) {
            String key = node.tenantWithSigfox("busy");
            node.create("/api/v1/devices", "{\"id\":\"busy-1\",\"tenant\":\"busy\",\"network\":{\"kind\":\"sigfox\",\"id\":\"BEEF\"}}");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int seq = 0; seq < 400; seq++) {
                String body = "{\"device\":\"BEEF\",\"time\":" + (1_763_719_200L + seq) + ",\"data\":\"01\",\"seqNumber\":" + seq + "}";
                pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(node.url("/ingest/sigfox?key=" + key)))
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int accepted = 0;
            int refused = 0;
            for (CompletableFuture<HttpResponse<String>> f : pending) {
                HttpResponse<String> r = f.join();
                assertThat(r.statusCode()).as(r.body()).isIn(204, 503);
                if (r.statusCode() == 503) {
                    refused++;
                    assertThat(r.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
                    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
                } else {
                    accepted++;
                }
            }
            assertThat(refused).as("requests refused with 503").isPositive();
            assertThat(node.get("/api/v1/devices/busy-1/frames?limit=1000", node.admin()).json()).hasSize(accepted);
            assertThat(node.get("/health/live", null).status()).isEqualTo(200);
        }
    }

    /**
     * The same overload over MQTT 5: 400 QoS 1 PUBLISHes written at once on one connection. Each
     * gets its PUBACK, in order; a refused one carries 0x97 (quota exceeded), and exactly the frames
     * acknowledged with success are stored.
     */
    @Test
    void fullJournalQueue_refusesMqttPublishesWithQuotaExceeded_andKeepsEveryAcknowledgedFrame() throws Exception {
        ValleyConfig tiny = new ValleyConfig("127.0.0.1", 0, dir, null, 2, 16 * 1024, 1024 * 1024, Duration.ofMillis(200),
                1, new JournalConfig(1, 1, 64L << 20, true), false, 0);
        try (TestNode node = TestNode.start(tiny)) {
            node.create("/api/v1/tenants", "{\"id\":\"flood\"}");
            String key = node.integration("flood", "mqtt");
            node.device("flood", "flood-1", "mqtt", "flood-1", null);
            int accepted = 0;
            int refused = 0;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.node.mqttPort())) {
                socket.setSoTimeout(30_000);
                java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
                socket.getOutputStream().write(RawMqtt.connect(true, "flood-client", "flood", key));
                byte[] connack = packet(in, 0x20);
                assertThat(connack[1]).as("CONNACK reason code").isZero();
                java.io.ByteArrayOutputStream publishes = new java.io.ByteArrayOutputStream();
                for (int id = 1; id <= 400; id++) {
                    publishes.writeBytes(RawMqtt.publish(true, "valley/flood/devices/flood-1/up",
                            ("{\"values\":{\"n\":" + id + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8), id));
                }
                socket.getOutputStream().write(publishes.toByteArray());
                for (int id = 1; id <= 400; id++) {
                    byte[] puback = packet(in, 0x40);
                    assertThat(((puback[0] & 0xFF) << 8) | (puback[1] & 0xFF)).as("PUBACKs in the PUBLISHes' order").isEqualTo(id);
                    int reason = puback.length > 2 ? puback[2] & 0xFF : 0;
                    if (reason == 0) {
                        accepted++;
                    } else {
                        assertThat(reason).as("the reason code of a refusal").isEqualTo(0x97);
                        refused++;
                    }
                }
            }
            assertThat(refused).as("PUBLISHes refused with 0x97").isPositive();
            assertThat(accepted).as("PUBLISHes acknowledged").isPositive();
            int acknowledged = accepted;
            Await.until("the acknowledged frames to be stored", 10, () -> node.get("/api/v1/devices/flood-1/frames?limit=1000",
                    node.admin()).json().size() == acknowledged);
            assertThat(node.get("/health/live", null).status()).isEqualTo(200);
        }
    }

    /** Reads one MQTT packet of the given type (fixed header byte, flags ignored) and returns what follows its length. */
    private static byte[] packet(java.io.DataInputStream in, int type) throws java.io.IOException {
        int header = in.readUnsignedByte();
        assertThat(header & 0xF0).as("packet type").isEqualTo(type);
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }
}
