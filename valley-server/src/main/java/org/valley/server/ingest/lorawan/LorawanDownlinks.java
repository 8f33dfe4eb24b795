package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.frame.Hex;
import org.valley.server.config.EgressPolicy;
import org.valley.server.devices.DeviceService;
import org.valley.server.ingest.JsonBody;
import org.valley.store.Catalog.Downlink;

/**
 * Downlinks to LoRaWAN devices, sent through the network that delivers their uplinks.
 *
 * <p>Each uplink says how to reach its device ({@link DownlinkRoute}): The Things Stack's webhook
 * sends the URL of the device's downlink queue and an API key with every message ({@code
 * X-Downlink-Push}, {@code X-Downlink-Apikey}); ChirpStack names the device's application, whose
 * MQTT command topic {@code application/{id}/device/{devEUI}/command/down} Valley publishes on
 * through the tenant's ChirpStack {@code mqtt-bridge}. The route is kept in memory: after a
 * restart, queued downlinks wait for the device's next uplink, which is when a class A device
 * listens anyway.
 *
 * <p>A downlink is sent as soon as its device's route is known (when it is queued, or at the
 * device's next uplink), with Valley's id echoed by the network ({@code valley:downlink:<id>} in
 * The Things Stack's correlation ids, the queue item id in ChirpStack), so that the network's
 * reports ({@code downlink_sent}, {@code downlink_ack}, {@code txack}, {@code ack}...) update its
 * status. A network that refuses it (4xx) fails it; one that cannot be reached leaves it queued
 * for the next uplink.
 *
 * <p>The push URL comes with the uplinks, so whoever holds the integration's key chooses it: the
 * node sends there only when the {@link EgressPolicy} permits every address of its host, and then
 * connects to the address it checked. A downlink whose URL the policy refuses fails.
 */
public final class LorawanDownlinks {

    private static final Logger LOG = LoggerFactory.getLogger(LorawanDownlinks.class);
    /** The port used when a downlink names none. */
    static final int DEFAULT_PORT = 1;

    /** Publishes on the broker of a tenant's bridge of a format (ChirpStack commands). */
    @FunctionalInterface
    public interface Broker {
        Future<Void> publish(String tenant, String format, String topic, byte[] payload);
    }

    private final Vertx vertx;
    private final DeviceService devices;
    private final DeviceDirectory directory;
    private final Broker broker;
    private final HttpClient http;
    private final EgressPolicy egress;
    private final WorkerExecutor resolver;
    private final Map<String, DownlinkRoute> routes = new ConcurrentHashMap<>();
    /**
     * Devices ({@code tenant/devEUI}) whose queue the last flush left empty and that got no downlink
     * since: their uplinks need no flush. A flush marks its device before it takes from the queue,
     * and whatever puts a downlink in the queue clears the mark after, so a downlink is never left
     * behind a mark.
     */
    private final Set<String> drained = ConcurrentHashMap.newKeySet();

    public LorawanDownlinks(Vertx vertx, DeviceService devices, DeviceDirectory directory, Broker broker,
            EgressPolicy egress) {
        this.vertx = vertx;
        this.egress = egress;
        this.resolver = vertx.createSharedWorkerExecutor(EgressPolicy.RESOLVER_POOL, EgressPolicy.RESOLVER_THREADS);
        this.devices = devices;
        this.directory = directory;
        this.broker = broker;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(30));
    }

    /**
     * What a durable delivery says about downlinks: the status of one, the route to its device (and
     * then its queued downlinks go). The network gets its answer when the returned future completes.
     */
    public Future<?> delivered(Delivery delivery) {
        Future<?> status = Future.succeededFuture();
        if (delivery.downlinkUpdate() != null) {
            Delivery.DownlinkUpdate update = delivery.downlinkUpdate();
            status = vertx.executeBlocking(() -> devices.downlinkStatus(update.downlinkId(), update.status()), false);
        }
        if (delivery.route() != null) {
            String tenant = delivery.uplink().tenant();
            String devEui = delivery.uplink().networkId();
            String key = tenant + "/" + devEui;
            routes.put(key, delivery.route());
            Device device = drained.contains(key) ? null : directory.byNetworkId(devEui);
            if (device != null && device.tenant().equals(tenant)) {
                // not awaited: the network's answer must not wait for a downlink to go out
                vertx.runOnContext(v -> flush(device));
            }
        }
        return status;
    }

    /** A downlink was queued through the API (on a worker thread): it goes now when the device's route is known. */
    public void queued(Device device, Downlink downlink) {
        drained.remove(device.tenant() + "/" + device.network().id());
        if (device.network().kind().equals("lorawan") && routes.containsKey(device.tenant() + "/" + device.network().id())) {
            vertx.runOnContext(v -> flush(device));
        }
    }

    /** Sends every queued downlink of {@code device}, oldest first. */
    private void flush(Device device) {
        String key = device.tenant() + "/" + device.network().id();
        DownlinkRoute route = routes.get(key);
        if (route == null) {
            return;
        }
        drained.add(key);
        List<Downlink> taken = new ArrayList<>();
        Downlink d;
        while ((d = devices.takeDownlink(device.tenant(), device.network().id())) != null) {
            taken.add(d);
        }
        for (Downlink downlink : taken) {
            Future<Integer> sent = switch (route) {
                case DownlinkRoute.TtsPush push -> push(push, downlink);
                case DownlinkRoute.ChirpstackCommand command -> command(device, command, downlink);
            };
            sent.onComplete(outcome -> settle(device, route, downlink, outcome));
        }
    }

    /**
     * Records the outcome: sent on a 2xx; failed on a refusal (4xx) or when it cannot be sent where
     * its route points (a push URL that is not valid, or that the egress policy refuses); queued
     * again when the network was unreachable. Queued again, it waits for the device's next uplink,
     * unless one came while it was being sent (the route was renewed meanwhile): then it goes again at
     * once, by the newer route.
     */
    private void settle(Device device, DownlinkRoute route, Downlink downlink, AsyncResult<Integer> outcome) {
        String key = device.tenant() + "/" + device.network().id();
        int status = outcome.succeeded() ? outcome.result() : -1;
        if (status >= 200 && status < 300) {
            vertx.executeBlocking(() -> {
                devices.markSent(downlink);
                return null;
            }, false);
        } else if (status >= 400 && status < 500) {
            LOG.warn("the network refused downlink {} (HTTP {}); marked failed", downlink.id(), status);
            vertx.executeBlocking(() -> devices.downlinkStatus(downlink.id(), "failed"), false);
        } else if (outcome.cause() instanceof Unsendable || outcome.cause() instanceof EgressPolicy.Refused) {
            LOG.warn("downlink {} not sent: {}; marked failed", downlink.id(), outcome.cause().getMessage());
            vertx.executeBlocking(() -> devices.downlinkStatus(downlink.id(), "failed"), false);
        } else {
            LOG.warn("downlink {} could not be handed to the network ({}); it waits for the device's next uplink",
                    downlink.id(), outcome.failed() ? outcome.cause().getMessage() : "HTTP " + status);
            devices.requeue(downlink);
            drained.remove(key);
            if (routes.get(key) != route) {
                vertx.runOnContext(v -> flush(device));
            }
        }
    }

    /** The Things Stack: one downlink pushed to the webhook's queue of the device. */
    private Future<Integer> push(DownlinkRoute.TtsPush push, Downlink downlink) {
        ObjectNode item = JsonBody.mapper().createObjectNode();
        item.put("f_port", port(downlink));
        item.put("frm_payload", Base64.getEncoder().encodeToString(Hex.decode(downlink.payloadHex())));
        item.put("priority", "NORMAL");
        item.putArray("correlation_ids").add(LorawanFields.CORRELATION_PREFIX + downlink.id());
        ObjectNode body = JsonBody.mapper().createObjectNode();
        body.putArray("downlinks").add(item);
        URI uri = pushUri(push.pushUrl());
        if (uri == null) {
            return Future.failedFuture(new Unsendable("the push URL '" + push.pushUrl() + "' is not a valid URL with a host"));
        }
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return resolver.executeBlocking(() -> egress.resolve(uri.getHost()), false).compose(address -> {
            // to the address checked, not to the name resolved again; the URL still gives Host and SNI
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(push.pushUrl())
                    .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                    .putHeader("authorization", "Bearer " + push.apiKey())
                    .putHeader("content-type", "application/json")
                    .putHeader("user-agent", "Valley");
            return http.request(options)
                    .compose(request -> request.send(Buffer.buffer(body.toString().getBytes(StandardCharsets.UTF_8))))
                    .map(response -> response.statusCode());
        });
    }

    /** ChirpStack: a DownlinkCommand on the application's command topic, with Valley's id as the queue item id. */
    private Future<Integer> command(Device device, DownlinkRoute.ChirpstackCommand command, Downlink downlink) {
        ObjectNode body = JsonBody.mapper().createObjectNode();
        body.put("id", downlink.id().startsWith("dl-") ? downlink.id().substring(3) : downlink.id());
        body.put("devEui", command.devEui().toLowerCase(Locale.ROOT));
        body.put("confirmed", false);
        body.put("fPort", port(downlink));
        body.put("data", Base64.getEncoder().encodeToString(Hex.decode(downlink.payloadHex())));
        String topic = "application/" + command.applicationId() + "/device/" + command.devEui().toLowerCase(Locale.ROOT)
                + "/command/down";
        return broker.publish(device.tenant(), "chirpstack", topic, body.toString().getBytes(StandardCharsets.UTF_8))
                .map(v -> 200);
    }

    /** The URI of a push URL (http or https, which the ingestion checked) with a host; null otherwise. */
    private static URI pushUri(String push) {
        try {
            URI uri = new URI(push);
            return uri.getHost() == null || uri.getHost().isEmpty() ? null : uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** A downlink that cannot be sent where its route points: sending it again would not help. */
    private static final class Unsendable extends Exception {
        private static final long serialVersionUID = 1L;

        Unsendable(String message) {
            super(message, null, false, false);
        }
    }

    private static int port(Downlink downlink) {
        return downlink.fPort() == null ? DEFAULT_PORT : downlink.fPort();
    }
}
