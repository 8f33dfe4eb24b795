package org.valley.server.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import io.vertx.mqtt.messages.MqttUnsubscribeMessage;
import io.vertx.mqtt.messages.codes.MqttDisconnectReasonCode;
import io.vertx.mqtt.messages.codes.MqttPubAckReasonCode;
import io.vertx.mqtt.messages.codes.MqttSubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.frame.Uplink;
import org.valley.json.Json;
import org.valley.server.auth.Tenancy;
import org.valley.server.http.Problem;
import org.valley.server.ingest.Ingestion;
import org.valley.store.Catalog.Integration;

/**
 * Valley's MQTT endpoint (MQTT 3.1.1 and 5, QoS 0 and 1), for devices, gateways and whoever wants
 * readings live.
 *
 * <p>A client connects with its tenant id as user name and a key of one of the tenant's {@code mqtt}
 * integrations as password; anything else is refused in the CONNACK (bad user name or password).
 * It publishes on {@code valley/{tenant}/devices/{deviceId}/up} ({@link ValleyFormat}) and
 * subscribes inside {@code valley/{tenant}/}, where Valley publishes every decoded frame on {@code
 * valley/{tenant}/devices/{deviceId}/readings} (QoS 0).
 *
 * <p>Acknowledgements. A QoS 1 PUBLISH is acknowledged only once its uplink is durable in the
 * journal, and PUBACKs go out in the order the PUBLISHes came, as MQTT requires (a refusal waits
 * behind the appends before it). A refused PUBLISH gets a PUBACK with a reason code and a reason
 * string naming the rule under MQTT 5 (0x87 not authorized for another tenant's topic, 0x90 for
 * an unknown topic or device, 0x99 for a payload that is not readings, 0x97 when the journal is
 * full). MQTT 3.1.1 has no way to refuse a PUBLISH but to close the connection, so Valley closes it:
 * an acknowledgement there would mean the frame is kept. A refused QoS 0 PUBLISH closes the
 * connection too (with a DISCONNECT reason code under MQTT 5). QoS 2 is not offered (CONNACK says
 * so under MQTT 5) and a QoS 2 PUBLISH closes the connection.
 */
public final class MqttService {

    private static final Logger LOG = LoggerFactory.getLogger(MqttService.class);
    /** Readings waiting to be written to one subscriber; beyond, they are dropped (QoS 0). */
    private static final int MAX_PENDING_PER_SUBSCRIBER = 1_000;
    /** QoS 1 PUBLISHes a client may have unacknowledged (MQTT 5 Receive Maximum). */
    private static final int RECEIVE_MAXIMUM = 1_024;

    private final Tenancy tenancy;
    private final DeviceDirectory devices;
    private final Ingestion ingestion;
    private final InstantSource clock;
    private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public MqttService(Tenancy tenancy, DeviceDirectory devices, Ingestion ingestion, InstantSource clock) {
        this.tenancy = tenancy;
        this.devices = devices;
        this.ingestion = ingestion;
        this.clock = clock;
    }

    /** A connected client that subscribed: its endpoint, the context its writes must happen on, its filters. */
    private static final class Subscriber {
        final MqttEndpoint endpoint;
        final Context context;
        final Set<String> filters = new CopyOnWriteArraySet<>();
        final AtomicInteger pending = new AtomicInteger();

        Subscriber(MqttEndpoint endpoint, Context context) {
            this.endpoint = endpoint;
            this.context = context;
        }
    }

    /** A PUBLISH waiting for its PUBACK: the append's outcome, or the refusal. */
    private static final class Pending {
        final int messageId;
        Future<Long> durable;

        Pending(int messageId) {
            this.messageId = messageId;
        }
    }

    /** Handles one client connection, from CONNECT on (the server's endpoint handler). */
    public void connect(MqttEndpoint endpoint) {
        boolean v5 = endpoint.protocolVersion() == 5;
        String tenant = authenticate(endpoint);
        if (tenant == null) {
            endpoint.reject(v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD
                    : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            return;
        }
        Integration integration = tenancy.integrationByKey(endpoint.auth().getPassword());
        Context context = Vertx.currentContext();
        Subscriber subscriber = new Subscriber(endpoint, context);
        ArrayDeque<Pending> unacknowledged = new ArrayDeque<>();
        endpoint.publishAutoAck(false);
        endpoint.publishHandler(message -> publish(endpoint, v5, tenant, integration.id(), message, unacknowledged));
        endpoint.subscribeHandler(message -> subscribe(subscriber, v5, tenant, message));
        endpoint.unsubscribeHandler(message -> unsubscribe(subscriber, message));
        endpoint.closeHandler(v -> remove(tenant, subscriber));
        endpoint.exceptionHandler(e -> LOG.debug("MQTT client {} of tenant {}: {}", endpoint.clientIdentifier(), tenant,
                e.toString()));
        MqttProperties properties = new MqttProperties();
        if (v5) {
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_QOS.value(), 1));
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.RETAIN_AVAILABLE.value(), 0));
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE.value(), 0));
            properties.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), RECEIVE_MAXIMUM));
        }
        endpoint.accept(false, properties);
    }

    /** The tenant the client authenticates as, or null: user name a tenant id, password one of its mqtt keys. */
    private String authenticate(MqttEndpoint endpoint) {
        if (endpoint.auth() == null || endpoint.auth().getUsername() == null || endpoint.auth().getPassword() == null) {
            return null;
        }
        Integration integration = tenancy.integrationByKey(endpoint.auth().getPassword());
        if (integration == null || !integration.kind().equals("mqtt")
                || !integration.tenant().equals(endpoint.auth().getUsername())) {
            return null;
        }
        return integration.tenant();
    }

    private void publish(MqttEndpoint endpoint, boolean v5, String tenant, String integration, MqttPublishMessage message,
            ArrayDeque<Pending> unacknowledged) {
        if (message.qosLevel() == MqttQoS.EXACTLY_ONCE) {
            refuseConnection(endpoint, v5, MqttDisconnectReasonCode.QOS_NOT_SUPPORTED, "QoS 2 is not offered; publish at QoS 1");
            return;
        }
        boolean atLeastOnce = message.qosLevel() == MqttQoS.AT_LEAST_ONCE;
        Pending pending = new Pending(message.messageId());
        if (atLeastOnce) {
            unacknowledged.add(pending);
        }
        Refusal refusal = null;
        try {
            Uplink uplink = uplink(tenant, integration, message);
            pending.durable = ingestion.append(uplink);
        } catch (Refusal r) {
            refusal = r;
        } catch (Problem p) {
            refusal = Refusal.of(p);
        }
        if (refusal != null) {
            if (!atLeastOnce || !v5) {
                refuseConnection(endpoint, v5, refusal.disconnect, refusal.getMessage());
                return;
            }
            pending.durable = Future.failedFuture(refusal);
        }
        if (atLeastOnce) {
            pending.durable.onComplete(done -> acknowledge(endpoint, v5, unacknowledged));
        } else {
            pending.durable.onFailure(e -> refuseConnection(endpoint, v5, Refusal.of(e).disconnect, e.getMessage()));
        }
    }

    /** Sends the PUBACKs of the PUBLISHes settled at the head of the line, in order. */
    private static void acknowledge(MqttEndpoint endpoint, boolean v5, ArrayDeque<Pending> unacknowledged) {
        while (!unacknowledged.isEmpty() && unacknowledged.peek().durable != null
                && unacknowledged.peek().durable.isComplete()) {
            Pending head = unacknowledged.poll();
            if (!endpoint.isConnected()) {
                continue;
            }
            if (head.durable.succeeded()) {
                endpoint.publishAcknowledge(head.messageId);
            } else if (v5) {
                Refusal refusal = Refusal.of(head.durable.cause());
                MqttProperties properties = new MqttProperties();
                properties.add(new MqttProperties.StringProperty(MqttPropertyType.REASON_STRING.value(),
                        refusal.getMessage()));
                endpoint.publishAcknowledge(head.messageId, refusal.puback, properties);
            } else {
                refuseConnection(endpoint, false, MqttDisconnectReasonCode.UNSPECIFIED_ERROR, head.durable.cause().getMessage());
                return;
            }
        }
    }

    private Uplink uplink(String tenant, String integration, MqttPublishMessage message) {
        Topics.Up up = Topics.up(message.topicName());
        if (up == null) {
            throw new Refusal(MqttPubAckReasonCode.TOPIC_NAME_INVALID, MqttDisconnectReasonCode.TOPIC_NAME_INVALID,
                    "topic '" + clip(message.topicName()) + "' is not valley/{tenant}/devices/{deviceId}/up");
        }
        if (!up.tenant().equals(tenant)) {
            throw new Refusal(MqttPubAckReasonCode.NOT_AUTHORIZED, MqttDisconnectReasonCode.NOT_AUTHORIZED,
                    "topic '" + clip(message.topicName()) + "' is outside tenant '" + tenant + "'");
        }
        MqttProperties.MqttProperty<?> contentType = message.properties() == null ? null
                : message.properties().getProperty(MqttPropertyType.CONTENT_TYPE.value());
        boolean json = contentType != null && String.valueOf(contentType.value()).startsWith("application/json");
        return ValleyFormat.uplink(devices, tenant, integration, up.deviceId(), message.payload().getBytes(), json,
                clock.millis());
    }

    private static void refuseConnection(MqttEndpoint endpoint, boolean v5, MqttDisconnectReasonCode reason, String why) {
        LOG.debug("closing MQTT client {}: {}", endpoint.clientIdentifier(), why);
        if (!endpoint.isConnected()) {
            return;
        }
        if (v5) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.StringProperty(MqttPropertyType.REASON_STRING.value(), why));
            endpoint.disconnect(reason, properties);
        } else {
            endpoint.close();
        }
    }

    private void subscribe(Subscriber subscriber, boolean v5, String tenant, MqttSubscribeMessage message) {
        List<MqttSubAckReasonCode> codes = new ArrayList<>();
        List<MqttQoS> granted = new ArrayList<>();
        for (MqttTopicSubscription s : message.topicSubscriptions()) {
            if (Topics.allowedFilter(s.topicName(), tenant)) {
                subscriber.filters.add(s.topicName());
                codes.add(MqttSubAckReasonCode.GRANTED_QOS0);
                granted.add(MqttQoS.AT_MOST_ONCE);
            } else {
                codes.add(MqttSubAckReasonCode.NOT_AUTHORIZED);
                granted.add(MqttQoS.FAILURE);
            }
        }
        if (!subscriber.filters.isEmpty()) {
            subscribers.computeIfAbsent(tenant, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        }
        if (v5) {
            subscriber.endpoint.subscribeAcknowledge(message.messageId(), codes, MqttProperties.NO_PROPERTIES);
        } else {
            subscriber.endpoint.subscribeAcknowledge(message.messageId(), granted);
        }
    }

    private static void unsubscribe(Subscriber subscriber, MqttUnsubscribeMessage message) {
        subscriber.filters.removeAll(message.topics());
        subscriber.endpoint.unsubscribeAcknowledge(message.messageId());
    }

    private void remove(String tenant, Subscriber subscriber) {
        Set<Subscriber> ofTenant = subscribers.get(tenant);
        if (ofTenant != null) {
            ofTenant.remove(subscriber);
        }
    }

    /**
     * Publishes a decoded frame to the subscribers of its tenant (a {@link
     * org.valley.projection.DecodedListener}, called on the projection thread). A subscriber that
     * does not keep up loses readings rather than holding memory: they are QoS 0.
     */
    public void decoded(Device device, long time, Map<String, Object> values) {
        publish(device.tenant(), Topics.readings(device.tenant(), device.id()), () -> {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("device", device.id());
            message.put("ts", Instant.ofEpochMilli(time).toString());
            message.put("values", values);
            return message;
        });
    }

    /**
     * Publishes a message of Valley's (QoS 0, not retained) on {@code topic} to the subscribers of
     * {@code tenant} whose filters match it; {@code message} is written as JSON only when one does.
     * Never blocks: callable from any thread.
     */
    public void publish(String tenant, String topic, java.util.function.Supplier<Map<String, Object>> message) {
        Set<Subscriber> ofTenant = subscribers.get(tenant);
        if (ofTenant == null || ofTenant.isEmpty()) {
            return;
        }
        Buffer payload = null;
        for (Subscriber s : ofTenant) {
            if (s.filters.stream().noneMatch(f -> Topics.matches(f, topic))) {
                continue;
            }
            if (payload == null) {
                payload = Buffer.buffer(Json.write(message.get()).getBytes(StandardCharsets.UTF_8));
            }
            if (s.pending.incrementAndGet() > MAX_PENDING_PER_SUBSCRIBER) {
                s.pending.decrementAndGet();
                dropped.incrementAndGet();
                continue;
            }
            Buffer body = payload;
            s.context.runOnContext(v -> {
                s.pending.decrementAndGet();
                if (s.endpoint.isConnected()) {
                    s.endpoint.publish(topic, body, MqttQoS.AT_MOST_ONCE, false, false);
                    published.incrementAndGet();
                }
            });
        }
    }

    /** Readings published to subscribers since start. */
    public long readingsPublished() {
        return published.get();
    }

    /** Readings dropped for subscribers that did not keep up. */
    /**
     * Whether {@code e} is Vert.x's MQTT server refusing a packet a client sent before its CONNECT
     * (it then closes the connection), rather than a fault of the node.
     */
    public static boolean isClientViolation(Throwable e) {
        return e instanceof IllegalArgumentException && e.getMessage() != null
                && e.getMessage().startsWith("Received an MQTT packet from a not connected client");
    }

    public long readingsDropped() {
        return dropped.get();
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    /** Why a PUBLISH is refused, as MQTT reason codes. */
    private static final class Refusal extends RuntimeException {
        final MqttPubAckReasonCode puback;
        final MqttDisconnectReasonCode disconnect;

        Refusal(MqttPubAckReasonCode puback, MqttDisconnectReasonCode disconnect, String why) {
            super(why, null, false, false);
            this.puback = puback;
            this.disconnect = disconnect;
        }

        /** The reason codes of a problem the edge raised: unknown device, bad payload, journal full. */
        static Refusal of(Throwable failure) {
            if (failure instanceof Refusal r) {
                return r;
            }
            if (failure instanceof Problem p) {
                String why = p.field() == null ? p.getMessage() : p.field() + ": " + p.getMessage();
                return switch (p.status()) {
                    case 404 -> new Refusal(MqttPubAckReasonCode.TOPIC_NAME_INVALID,
                            MqttDisconnectReasonCode.TOPIC_NAME_INVALID, why);
                    case 503, 413 -> new Refusal(MqttPubAckReasonCode.QUOTA_EXCEEDED, MqttDisconnectReasonCode.QUOTA_EXCEEDED,
                            why);
                    default -> new Refusal(MqttPubAckReasonCode.PAYLOAD_FORMAT_INVALID,
                            MqttDisconnectReasonCode.PAYLOAD_FORMAT_INVALID, why);
                };
            }
            return new Refusal(MqttPubAckReasonCode.UNSPECIFIED_ERROR, MqttDisconnectReasonCode.UNSPECIFIED_ERROR,
                    String.valueOf(failure.getMessage()));
        }
    }
}
