package org.valley.server.spaces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.valley.server.auth.Principal;
import org.valley.server.mqtt.MqttService;
import org.valley.server.mqtt.Topics;

/**
 * Live changes of spaces, as they happen: to the tenant's Server-Sent Events streams
 * ({@code GET /api/v1/stream?topics=spaces}) and to its MQTT subscribers on
 * {@code valley/{tenant}/spaces/{spaceId}}. Callable from any thread without blocking; a stream
 * that does not keep up loses events (its client reads the spaces again) rather than holding memory.
 */
public final class SpaceEvents {

    /** Topics a stream may ask for. */
    public static final Set<String> TOPICS = Set.of("spaces");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PENDING = 1_000;
    /** Between two keep-alive comments on a stream, unless the HTTP idle timeout asks for them sooner. */
    private static final long HEARTBEAT_MS = 15_000;

    private record Stream(String tenant, HttpServerResponse response, Context context, AtomicInteger pending) {}

    private final MqttService mqtt;
    private final long heartbeatMillis;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** @param heartbeatMillis between two keep-alive comments on a stream ({@link #heartbeat}) */
    public SpaceEvents(MqttService mqtt, long heartbeatMillis) {
        if (heartbeatMillis < 1) {
            throw new IllegalArgumentException("heartbeatMillis must be positive, got " + heartbeatMillis);
        }
        this.mqtt = mqtt;
        this.heartbeatMillis = heartbeatMillis;
    }

    /**
     * Between two keep-alive comments when HTTP connections idle for {@code idleTimeout} are closed
     * (zero: never): every 15 s, or a third of the timeout when that is sooner, so that a quiet
     * stream is never taken for an idle connection.
     */
    public static long heartbeat(Duration idleTimeout) {
        return idleTimeout.isZero() ? HEARTBEAT_MS : Math.max(1, Math.min(HEARTBEAT_MS, idleTimeout.toMillis() / 3));
    }

    /** Opens an event stream for the principal (the operator hears every tenant). Call on the request's event loop. */
    public void open(RoutingContext ctx, Principal who) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).setStatusCode(200)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        Stream stream = new Stream(who.isOperator() ? null : who.tenant(), response, ctx.vertx().getOrCreateContext(),
                new AtomicInteger());
        response.write(": valley spaces stream\nretry: 2000\n\n");
        long timer = ctx.vertx().setPeriodic(heartbeatMillis, id -> {
            if (!response.closed() && !response.ended()) {
                response.write(": keep-alive\n\n");
            }
        });
        streams.add(stream);
        response.closeHandler(v -> {
            streams.remove(stream);
            ctx.vertx().cancelTimer(timer);
        });
    }

    /** A space's state, count, free places or availability changed. */
    void space(String tenant, String spaceId, Map<String, Object> view) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "space");
        event.put("tenant", tenant);
        event.putAll(view);
        send(tenant, "space", event);
        mqtt.publish(tenant, Topics.space(tenant, spaceId), () -> event);
    }

    /** A booking was made or changed status (checked in, released as a no-show, ended, cancelled). */
    void booking(String tenant, Map<String, Object> view) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "booking");
        event.put("tenant", tenant);
        event.putAll(view);
        send(tenant, "booking", event);
    }

    private void send(String tenant, String name, Map<String, Object> event) {
        if (streams.isEmpty()) {
            return;
        }
        String text;
        try {
            text = "event: " + name + "\nid: " + sequence.incrementAndGet() + "\ndata: " + JSON.writeValueAsString(event)
                    + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Buffer chunk = Buffer.buffer(text);
        for (Stream s : streams) {
            if (s.tenant() != null && !s.tenant().equals(tenant)) {
                continue;
            }
            if (s.pending().incrementAndGet() > MAX_PENDING) {
                s.pending().decrementAndGet();
                dropped.incrementAndGet();
                continue;
            }
            s.context().runOnContext(v -> {
                s.pending().decrementAndGet();
                if (!s.response().closed() && !s.response().ended()) {
                    if (s.response().writeQueueFull()) {
                        dropped.incrementAndGet();
                    } else {
                        s.response().write(chunk);
                        sent.incrementAndGet();
                    }
                }
            });
        }
    }

    /** Events written to streams since start. */
    public long sent() {
        return sent.get();
    }

    /** Events dropped for streams that did not keep up. */
    public long dropped() {
        return dropped.get();
    }

    /** Open streams. */
    public int streams() {
        return streams.size();
    }
}
