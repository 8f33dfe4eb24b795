package org.valley.server.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.valley.device.DeviceDirectory;
import org.valley.server.auth.Tenancy;
import org.valley.server.config.EgressPolicy;
import org.valley.server.http.Problem;
import org.valley.server.ingest.Ingestion;
import org.valley.server.ingest.lorawan.ChirpStack;
import org.valley.server.ingest.lorawan.Delivery;
import org.valley.server.ingest.lorawan.Message;
import org.valley.server.ingest.lorawan.NetworkFormat;
import org.valley.server.ingest.lorawan.TheThingsStack;
import org.valley.store.Catalog.Integration;

/**
 * The {@code mqtt-bridge} integrations: each subscribes to an external broker (The Things Stack's
 * {@code v3/+/devices/+/up}, ChirpStack's {@code application/+/device/+/event/+}, or Valley's own
 * scheme on a Mosquitto) and ingests what arrives with the same adapters as the HTTP endpoints, so
 * an uplink that comes both by webhook and by the bridge is one frame.
 *
 * <p>A bridge subscribes at QoS 1 in a persistent session (a fixed client id, clean session off),
 * and acknowledges a message only once it is durable in the journal: what the broker delivers while
 * Valley is down or full is delivered again. When the journal is full, the bridge disconnects and
 * comes back later, so the broker keeps the messages rather than Valley's memory. A message that no
 * adapter can read is acknowledged and counted as rejected: delivering it again would not help.
 * After any loss of the connection the bridge connects again, waiting longer each time (see
 * {@link Backoff}).
 *
 * <p>A bridge's broker is named by a tenant, so the node connects only where its {@link
 * EgressPolicy} permits: a bridge to a refused address is not made (the request's {@code url} is
 * refused), and at each connection the broker's name is resolved, every address checked, and the
 * address checked is the one connected to.
 */
public final class MqttBridges implements Tenancy.IntegrationHooks {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridges.class);

    private final Vertx vertx;
    private final Ingestion ingestion;
    private final DeviceDirectory devices;
    private final InstantSource clock;
    private final Function<Delivery, Future<?>> afterDurable;
    private final Backoff backoff;
    private final EgressPolicy egress;
    private final WorkerExecutor resolver;
    private final Map<String, Bridge> bridges = new ConcurrentHashMap<>();
    private final TheThingsStack tts = new TheThingsStack();
    private final ChirpStack chirpstack = new ChirpStack();

    /**
     * @param afterDurable told of every LoRaWAN delivery once durable, as the HTTP endpoints do
     * @param initialBackoffMillis the wait before the first new attempt after a connection is lost
     * @param maxBackoffMillis the longest wait between attempts
     * @param egress where bridges may connect
     */
    public MqttBridges(Vertx vertx, Ingestion ingestion, DeviceDirectory devices, InstantSource clock,
            Function<Delivery, Future<?>> afterDurable, long initialBackoffMillis, long maxBackoffMillis,
            EgressPolicy egress) {
        this.vertx = vertx;
        this.egress = egress;
        this.resolver = vertx.createSharedWorkerExecutor(EgressPolicy.RESOLVER_POOL, EgressPolicy.RESOLVER_THREADS);
        this.ingestion = ingestion;
        this.devices = devices;
        this.clock = clock;
        this.afterDurable = afterDurable;
        this.backoff = new Backoff(initialBackoffMillis, maxBackoffMillis, new java.util.Random());
    }

    @Override
    public String settings(String kind, JsonNode body) {
        if (!kind.equals("mqtt-bridge")) {
            return null;
        }
        BridgeSettings settings = BridgeSettings.read(body);
        try {
            egress.resolve(settings.host());
        } catch (EgressPolicy.Refused e) {
            throw Problem.invalid("url", "field 'url': " + e.getMessage());
        } catch (UnknownHostException e) {
            // not known yet: the bridge tries again and again, and checks the addresses each time it connects
        }
        return settings.toJson();
    }

    @Override
    public void created(Integration integration) {
        if (integration.kind().equals("mqtt-bridge")) {
            start(integration);
        }
    }

    @Override
    public void deleted(Integration integration) {
        Bridge bridge = bridges.remove(integration.id());
        if (bridge != null) {
            bridge.stop();
        }
    }

    /** Starts the bridges of the catalog (at start-up). */
    public void startAll(List<Integration> integrations) {
        for (Integration i : integrations) {
            if (i.kind().equals("mqtt-bridge")) {
                try {
                    start(i);
                } catch (RuntimeException e) {
                    LOG.error("bridge {} has settings this version cannot use ({}); it stays stopped until it is made "
                            + "again", i.id(), e.getMessage());
                }
            }
        }
    }

    private void start(Integration integration) {
        Bridge bridge = new Bridge(integration, BridgeSettings.parse(integration.config()), vertx.getOrCreateContext());
        Bridge previous = bridges.put(integration.id(), bridge);
        if (previous != null) {
            previous.stop();
        }
        bridge.context.runOnContext(v -> bridge.connect());
    }

    /** Stops every bridge. */
    public void close() {
        bridges.values().forEach(Bridge::stop);
        bridges.clear();
    }

    /** Bridges connected now. */
    public int connected() {
        return (int) bridges.values().stream().filter(b -> b.connected).count();
    }

    /** Messages bridges took in since start. */
    public long received() {
        return bridges.values().stream().mapToLong(b -> b.received.get()).sum();
    }

    /**
     * What a bridge is doing, for its integration's view: whether it is connected and since when, its
     * failed attempts since it last connected, the last failure and when it came, and the messages it
     * took in and could not read since the node started; null when {@code integrationId} is no
     * running bridge.
     */
    public Map<String, Object> state(String integrationId) {
        Bridge b = bridges.get(integrationId);
        if (b == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connected", b.connected);
        m.put("since", b.since.toString());
        m.put("attempts", b.failures);
        Failure last = b.lastFailure;
        if (last != null) {
            m.put("lastError", last.why());
            m.put("lastErrorAt", last.at().toString());
        }
        m.put("received", b.received.get());
        m.put("rejected", b.rejected.get());
        return m;
    }

    private record Failure(String why, Instant at) {}

    /** Messages bridges could not read since start. */
    public long rejected() {
        return bridges.values().stream().mapToLong(b -> b.rejected.get()).sum();
    }

    /**
     * Publishes on the broker of a connected bridge of {@code tenant} in {@code format} (ChirpStack
     * downlink commands); fails when there is none.
     */
    public Future<Void> publish(String tenant, String format, String topic, byte[] payload) {
        for (Bridge b : bridges.values()) {
            if (b.integration.tenant().equals(tenant) && b.settings.format().equals(format) && b.connected) {
                return b.publish(topic, payload);
            }
        }
        return Future.failedFuture(new IllegalStateException("tenant '" + tenant + "' has no connected " + format
                + " mqtt-bridge to send through"));
    }

    /** One bridge: its connection, run on one Vert.x context. */
    private final class Bridge {
        final Integration integration;
        final BridgeSettings settings;
        final Context context;
        final AtomicLong received = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        volatile boolean connected;
        /** When {@link #connected} last changed, or when the bridge started. */
        volatile Instant since;
        volatile Failure lastFailure;
        /** Attempts failed since the bridge last connected. */
        volatile int failures;
        private volatile boolean stopped;
        private MqttClient client;

        Bridge(Integration integration, BridgeSettings settings, Context context) {
            this.integration = integration;
            this.settings = settings;
            this.context = context;
            this.since = clock.instant();
        }

        /** Resolves the broker's name off the event loop, checks its addresses, then connects to the one checked. */
        void connect() {
            if (stopped) {
                return;
            }
            resolver.executeBlocking(() -> egress.resolve(settings.host()), false)
                    .onComplete(ar -> context.runOnContext(v -> {
                        if (ar.succeeded()) {
                            connect(ar.result());
                        } else {
                            retry(ar.cause() instanceof EgressPolicy.Refused ? ar.cause().getMessage()
                                    : "the broker's name does not resolve (" + ar.cause().getMessage() + ")");
                        }
                    }));
        }

        private void connect(InetAddress address) {
            if (stopped) {
                return;
            }
            MqttClientOptions options = new MqttClientOptions()
                    .setClientId("valley-" + integration.id())
                    .setCleanSession(false)
                    .setAutoAck(false)
                    .setKeepAliveInterval(30)
                    .setMaxMessageSize(256 * 1024)
                    .setSsl(settings.tls())
                    // the certificate must name the broker's host (the connection goes to the address checked)
                    .setHostnameVerificationAlgorithm(settings.tls() ? "HTTPS" : "");
            if (settings.ca() != null) {
                options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(settings.ca())));
            }
            if (settings.username() != null) {
                options.setUsername(settings.username());
            }
            if (settings.password() != null) {
                options.setPassword(settings.password());
            }
            MqttClient c = MqttClient.create(vertx, options);
            client = c;
            c.publishHandler(this::message);
            c.closeHandler(v -> lost(c, "the connection closed"));
            c.exceptionHandler(e -> LOG.debug("bridge {}: {}", integration.id(), e.toString()));
            c.connect(settings.port(), address.getHostAddress(), settings.host())
                    .compose(ack -> c.subscribe(settings.topic(), MqttQoS.AT_LEAST_ONCE.value()))
                    .onSuccess(id -> {
                        if (failures > 0) {
                            LOG.info("bridge {} connected again to {} after {} attempts", integration.id(), settings.url(),
                                    failures);
                        }
                        failures = 0;
                        connected = true;
                        since = clock.instant();
                    })
                    .onFailure(e -> lost(c, e.getMessage()));
        }

        /** The connection failed or closed: connect again after the backoff, unless stopped. */
        private void lost(MqttClient c, String why) {
            if (c != client) {
                return; // an older connection's late news
            }
            if (connected) {
                connected = false;
                since = clock.instant();
            }
            client = null;
            if (c.isConnected()) {
                c.disconnect();
            }
            retry(why);
        }

        /** Not connected: connect again after the backoff, unless stopped. */
        private void retry(String why) {
            if (stopped) {
                return;
            }
            lastFailure = new Failure(why, clock.instant());
            failures++;
            long delay = backoff.delayMillis(failures);
            if (failures == 1 || failures % 10 == 0) {
                LOG.warn("bridge {} to {} is not connected ({}); trying again in {} ms", integration.id(), settings.url(),
                        why, delay);
            }
            vertx.setTimer(delay, t -> context.runOnContext(v -> connect()));
        }

        private void message(MqttPublishMessage message) {
            if (stopped) {
                return; // deleted: no ack, the broker keeps the message for whoever takes the session
            }
            received.incrementAndGet();
            MqttClient c = client;
            Delivery delivery;
            try {
                delivery = read(message.topicName(), message.payload().getBytes());
            } catch (Problem p) {
                rejected.incrementAndGet();
                LOG.debug("bridge {} rejected a message on {}: {}", integration.id(), message.topicName(), p.getMessage());
                message.ack();
                return;
            }
            ingestion.append(delivery.uplink())
                    .compose(position -> afterDurable.apply(delivery).transform(done -> Future.succeededFuture(position)))
                    .onSuccess(position -> message.ack())
                    .onFailure(e -> {
                        // not durable: no ack; the broker delivers it again once the bridge is back
                        LOG.warn("bridge {} could not store a message ({}); disconnecting to let the broker keep it",
                                integration.id(), e.getMessage());
                        if (c != null) {
                            lost(c, "the journal refused a message");
                        }
                    });
        }

        private Delivery read(String topic, byte[] payload) {
            long now = clock.millis();
            return switch (settings.format()) {
                case "ttn" -> format(tts, payload, false, null, now);
                case "chirpstack" -> format(chirpstack, payload, !startsLikeJson(payload), topic.substring(topic.lastIndexOf('/') + 1),
                        now);
                default -> {
                    Topics.Up up = Topics.up(topic);
                    if (up == null || !up.tenant().equals(integration.tenant())) {
                        throw Problem.invalid("topic", "topic '" + topic + "' is not valley/" + integration.tenant()
                                + "/devices/{deviceId}/up");
                    }
                    yield new Delivery(ValleyFormat.uplink(devices, integration.tenant(), integration.id(), up.deviceId(),
                            payload, false, now), null, null);
                }
            };
        }

        private Delivery format(NetworkFormat format, byte[] payload, boolean protobuf, String event, long now) {
            return format.read(new Message(payload, protobuf, event, Map.of(), integration.tenant(), integration.id(), now));
        }

        /** Publishes at QoS 1 on the bridge's broker; completes when the broker acknowledged it. */
        Future<Void> publish(String topic, byte[] payload) {
            Promise<Void> done = Promise.promise();
            context.runOnContext(v -> {
                MqttClient c = client;
                if (c == null || !c.isConnected()) {
                    done.fail(new IllegalStateException("bridge " + integration.id() + " is not connected"));
                    return;
                }
                c.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false)
                        .onComplete(ar -> {
                            if (ar.succeeded()) {
                                done.complete();
                            } else {
                                done.fail(ar.cause());
                            }
                        });
            });
            return done.future();
        }

        void stop() {
            stopped = true;
            context.runOnContext(v -> {
                MqttClient c = client;
                client = null;
                connected = false;
                if (c != null && c.isConnected()) {
                    c.disconnect();
                }
            });
        }
    }

    private static boolean startsLikeJson(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
    }
}
