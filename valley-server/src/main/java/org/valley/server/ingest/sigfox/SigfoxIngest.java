package org.valley.server.ingest.sigfox;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import org.valley.frame.Uplink;
import org.valley.server.devices.DeviceService;
import org.valley.server.http.HttpApi;
import org.valley.server.ingest.Ingestion;
import org.valley.store.Catalog.Downlink;
import org.valley.store.Catalog.Integration;

/**
 * The Sigfox callback endpoints. A callback is acknowledged only once its uplink is durable in the
 * journal; a BIDIR callback ({@code ack} true) is answered with the device's oldest queued downlink.
 */
public final class SigfoxIngest {

    private final Ingestion ingestion;
    private final DeviceService devices;
    private final InstantSource clock;
    private final Vertx vertx;

    public SigfoxIngest(Ingestion ingestion, DeviceService devices, InstantSource clock, Vertx vertx) {
        this.ingestion = ingestion;
        this.devices = devices;
        this.clock = clock;
        this.vertx = vertx;
    }

    /** {@code POST /ingest/sigfox}: a DATA or BIDIR callback. */
    public void data(RoutingContext ctx) {
        Integration integration = HttpApi.integration(ctx, "sigfox");
        Uplink uplink = SigfoxCallback.parseData(HttpApi.bodyBytes(ctx), integration.tenant(), integration.id(), clock.millis());
        append(ctx, uplink);
    }

    /** {@code POST /ingest/sigfox/advanced}: a DATA_ADVANCED callback. */
    public void advanced(RoutingContext ctx) {
        Integration integration = HttpApi.integration(ctx, "sigfox");
        Uplink uplink = SigfoxCallback.parseAdvanced(HttpApi.bodyBytes(ctx), integration.tenant(), integration.id(), clock.millis());
        append(ctx, uplink);
    }

    private void append(RoutingContext ctx, Uplink uplink) {
        ingestion.append(uplink).onSuccess(position -> reply(ctx, uplink)).onFailure(ctx::fail);
    }

    /**
     * Answers a durable callback. Only the first delivery of a BIDIR frame takes a downlink: Sigfox
     * ignores the answer to a callback it marks {@code duplicate}, so a downlink given there would
     * be lost.
     */
    private void reply(RoutingContext ctx, Uplink uplink) {
        if (uplink.ack() && !uplink.duplicate()) {
            Downlink downlink = devices.takeDownlink(uplink.tenant(), uplink.networkId());
            if (downlink != null) {
                String json = "{\"" + uplink.networkId() + "\":{\"downlinkData\":\"" + downlink.payloadHex() + "\"}}";
                ctx.response().setStatusCode(200).putHeader("content-type", "application/json")
                        .end(io.vertx.core.buffer.Buffer.buffer(json.getBytes(StandardCharsets.UTF_8)));
                vertx.executeBlocking(() -> {
                    devices.markSent(downlink);
                    return null;
                });
                return;
            }
        }
        ctx.response().setStatusCode(204).end();
    }
}
