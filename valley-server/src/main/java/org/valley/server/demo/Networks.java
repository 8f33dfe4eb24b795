package org.valley.server.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.valley.frame.Hex;

/**
 * Delivers the demo campus's uplinks the way each network does, to Valley's real endpoints: Sigfox
 * callbacks from one to three base stations, The Things Stack webhooks and ChirpStack {@code up}
 * events with every gateway that heard the frame, MQTT publishes at QoS 1 and generic HTTP readings.
 */
public final class Networks implements AutoCloseable {

    /** The keys of the demo tenant's integrations. */
    public record Keys(String tenant, String sigfox, String ttn, String chirpstack, String mqtt, String http) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] STATIONS = {"1D2A", "0B4F", "27C3", "3E10"};
    private static final String[] GATEWAYS = {"hall-gw", "roof-gw", "lab-gw"};

    private final String url;
    private final Keys keys;
    private final int mqttPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Deliveries under way at once, as a network's few connections would have. */
    private final Semaphore inFlight = new Semaphore(32);
    private final Random random = new Random(7);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastFailure;
    private Vertx vertx;
    private MqttClient mqtt;

    Networks(String url, Keys keys, int mqttPort) {
        this.url = url.replaceAll("/+$", "");
        this.keys = keys;
        this.mqttPort = mqttPort;
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    /** Why the latest delivery failed, or null. */
    String lastFailure() {
        return lastFailure;
    }

    /** A Sigfox frame, heard by one to three base stations: one callback each, the extra ones marked duplicate. */
    CompletableFuture<?> sigfox(String sigfoxId, int seq, byte[] payload, Instant at) {
        int stations = 1 + random.nextInt(3);
        CompletableFuture<?>[] sent = new CompletableFuture<?>[stations];
        for (int s = 0; s < stations; s++) {
            double rssi = -90 - random.nextInt(400) / 10.0;
            double snr = 5 + random.nextInt(300) / 10.0;
            String body = Simulator.body(sigfoxId, at.getEpochSecond(), Hex.encode(payload), seq,
                    STATIONS[(seq + s) % STATIONS.length], rssi, snr, s > 0, random.nextBoolean());
            sent[s] = post("/ingest/sigfox?key=" + keys.sigfox(), body);
        }
        return CompletableFuture.allOf(sent);
    }

    /** A The Things Stack v3 uplink webhook message. */
    CompletableFuture<?> ttn(String deviceId, String devEui, long fCnt, int fPort, byte[] payload, Instant at) {
        ObjectNode m = JSON.createObjectNode();
        ObjectNode ids = m.putObject("end_device_ids");
        ids.put("device_id", deviceId.toLowerCase(Locale.ROOT)).put("dev_eui", devEui);
        ids.putObject("application_ids").put("application_id", "iot-valley-campus");
        m.put("received_at", at.toString());
        ObjectNode up = m.putObject("uplink_message");
        up.put("session_key_id", "c2Vzc2lvbi0" + devEui.substring(12));
        if (fCnt != 0) {
            up.put("f_cnt", fCnt); // The Things Stack leaves out empty values, a counter of 0 among them
        }
        up.put("f_port", fPort).put("frm_payload", Base64.getEncoder().encodeToString(payload));
        ArrayNode rx = up.putArray("rx_metadata");
        for (int g = 0, n = 1 + random.nextInt(GATEWAYS.length); g < n; g++) {
            rx.addObject().put("rssi", -60 - random.nextInt(60)).put("snr", Math.round((random.nextDouble() * 20 - 8) * 4) / 4.0)
                    .putObject("gateway_ids").put("gateway_id", GATEWAYS[g]);
        }
        up.put("received_at", at.toString());
        return post("/ingest/ttn?key=" + keys.ttn(), m.toString());
    }

    /** A ChirpStack v4 {@code up} event (JSON), with its deduplication id. */
    CompletableFuture<?> chirpstack(String deviceId, String devEui, long fCnt, int fPort, byte[] payload, Instant at) {
        ObjectNode m = JSON.createObjectNode();
        m.put("deduplicationId", UUID.randomUUID().toString()).put("time", at.toString());
        m.putObject("deviceInfo").put("tenantName", "IoT Valley").put("applicationId", "0b1c2d3e-0000-4000-8000-00000000c0de")
                .put("applicationName", "campus").put("deviceName", deviceId).put("devEui", devEui.toLowerCase(Locale.ROOT));
        m.put("fCnt", fCnt).put("fPort", fPort).put("data", Base64.getEncoder().encodeToString(payload));
        ArrayNode rx = m.putArray("rxInfo");
        for (int g = 0, n = 1 + random.nextInt(GATEWAYS.length); g < n; g++) {
            rx.addObject().put("gatewayId", "0016c001f1" + (500000 + g)).put("rssi", -60 - random.nextInt(60))
                    .put("snr", Math.round((random.nextDouble() * 20 - 8) * 4) / 4.0);
        }
        return post("/ingest/chirpstack?event=up&key=" + keys.chirpstack(), m.toString());
    }

    /** Generic readings by HTTP. */
    CompletableFuture<?> http(String deviceId, Map<String, Object> values) {
        return post("/ingest/http/" + deviceId + "?key=" + keys.http(), body(values));
    }

    /** Readings (JSON) or raw bytes published at QoS 1 on Valley's MQTT endpoint, as the tenant. */
    CompletableFuture<?> mqtt(String deviceId, byte[] payload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (mqtt == null || !mqtt.isConnected()) {
                connectMqtt();
            }
        }
        mqtt.publish("valley/" + keys.tenant() + "/devices/" + deviceId + "/up", Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE,
                false, false).onComplete(ar -> {
                    count(ar.succeeded());
                    done.complete(null);
                });
        return done;
    }

    static String body(Map<String, Object> values) {
        ObjectNode o = JSON.createObjectNode();
        o.set("values", JSON.valueToTree(values));
        return o.toString();
    }

    private void connectMqtt() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        mqtt = MqttClient.create(vertx, new MqttClientOptions().setUsername(keys.tenant()).setPassword(keys.mqtt())
                .setClientId("valley-demo-" + UUID.randomUUID()).setAutoKeepAlive(true));
        try {
            URI base = URI.create(url);
            mqtt.connect(mqttPort, base.getHost()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the demo could not connect to Valley's MQTT endpoint on port " + mqttPort + ": " + e, e);
        }
    }

    private CompletableFuture<?> post(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        inFlight.acquireUninterruptibly();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            inFlight.release();
            boolean ok = e == null && r.statusCode() / 100 == 2;
            count(ok);
            if (!ok) {
                lastFailure = path.replaceAll("key=[^&]*", "key=…") + ": " + (e != null ? e.toString() : r.statusCode() + " " + r.body());
            }
        });
    }

    private void count(boolean ok) {
        (ok ? acknowledged : failed).incrementAndGet();
    }

    @Override
    public void close() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
