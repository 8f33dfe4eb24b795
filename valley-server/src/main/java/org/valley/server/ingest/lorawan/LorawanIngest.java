package org.valley.server.ingest.lorawan;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.valley.server.http.HttpApi;
import org.valley.server.http.QueryParam;
import org.valley.server.ingest.Ingestion;
import org.valley.store.Catalog.Integration;

/**
 * The LoRaWAN network servers' HTTP integrations: {@code POST /ingest/ttn} (The Things Stack v3
 * webhooks) and {@code POST /ingest/chirpstack?event=...} (ChirpStack v4 HTTP integration). A
 * message is acknowledged (204) only once its uplink is durable in the journal; what it says about
 * downlinks is then handed to {@code afterDurable}.
 */
public final class LorawanIngest {

    private static final System.Logger LOG = System.getLogger(LorawanIngest.class.getName());
    private static final String[] KEPT_HEADERS = {"x-downlink-push", "x-downlink-apikey", "content-type"};

    private final Ingestion ingestion;
    private final TheThingsStack tts = new TheThingsStack();
    private final ChirpStack chirpstack = new ChirpStack();
    private final Function<Delivery, Future<?>> afterDurable;
    private final java.time.InstantSource clock;

    /**
     * @param afterDurable told of every delivery once durable (downlink routes and status updates);
     *     runs on the event loop and must not block; the network gets its answer when the returned
     *     future completes (whatever its outcome: the message is durable already)
     */
    public LorawanIngest(Ingestion ingestion, java.time.InstantSource clock, Function<Delivery, Future<?>> afterDurable) {
        this.ingestion = ingestion;
        this.clock = clock;
        this.afterDurable = afterDurable;
    }

    /** {@code POST /ingest/ttn}: a The Things Stack v3 webhook message. */
    public void ttn(RoutingContext ctx) {
        Integration integration = HttpApi.integration(ctx, "ttn");
        ingest(ctx, tts, message(ctx, integration, false, null));
    }

    /** {@code POST /ingest/chirpstack?event=...}: a ChirpStack v4 HTTP integration event, JSON or Protobuf. */
    public void chirpstack(RoutingContext ctx) {
        Integration integration = HttpApi.integration(ctx, "chirpstack");
        String type = ctx.request().getHeader("content-type");
        boolean protobuf = type != null && (type.startsWith("application/octet-stream")
                || type.startsWith("application/x-protobuf") || type.startsWith("application/protobuf"));
        ingest(ctx, chirpstack, message(ctx, integration, protobuf, QueryParam.get(ctx.request().query(), "event")));
    }

    private Message message(RoutingContext ctx, Integration integration, boolean protobuf, String event) {
        Map<String, String> headers = new HashMap<>();
        for (String name : KEPT_HEADERS) {
            String value = ctx.request().getHeader(name);
            if (value != null) {
                headers.put(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return new Message(HttpApi.bodyBytes(ctx), protobuf, event, headers, integration.tenant(), integration.id(),
                clock.millis());
    }

    private void ingest(RoutingContext ctx, NetworkFormat format, Message message) {
        Delivery delivery = format.read(message);
        Future<Long> durable = ingestion.append(delivery.uplink());
        durable.onSuccess(position -> afterDurable.apply(delivery).onComplete(done -> {
            if (done.failed()) {
                LOG.log(System.Logger.Level.WARNING, "handling what a durable network message says about downlinks "
                        + "failed; the message is stored", done.cause());
            }
            ctx.response().setStatusCode(204).end();
        })).onFailure(ctx::fail);
    }
}
