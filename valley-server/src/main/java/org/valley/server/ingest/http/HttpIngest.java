package org.valley.server.ingest.http;

import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;
import java.util.List;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.server.http.HttpApi;
import org.valley.server.http.Problem;
import org.valley.server.ingest.Ingestion;
import org.valley.store.Catalog.Integration;

/**
 * {@code POST /ingest/http/{deviceId}}: readings as JSON ({@link JsonValues}) for a device of the
 * integration's tenant whose network is {@code http} or {@code mqtt}. Stored as they are, without a
 * codec; 204 once durable.
 */
public final class HttpIngest {

    private final Ingestion ingestion;
    private final DeviceDirectory devices;
    private final InstantSource clock;

    public HttpIngest(Ingestion ingestion, DeviceDirectory devices, InstantSource clock) {
        this.ingestion = ingestion;
        this.devices = devices;
        this.clock = clock;
    }

    /** The uplink of readings sent as JSON for {@code deviceId} of {@code tenant}. */
    public static Uplink uplink(DeviceDirectory devices, String tenant, String integration, String deviceId, byte[] body,
            long now) {
        Device device = device(devices, tenant, deviceId);
        JsonValues.Read read = JsonValues.read(body, now);
        return new Uplink(UplinkKind.JSON_VALUES, tenant, integration, device.network().id(), Uplink.NO_SEQ, read.time(),
                now, read.payload(), List.of(), false, false, null);
    }

    /**
     * The device {@code deviceId} of {@code tenant} that may send readings by HTTP or MQTT.
     *
     * @throws Problem 404 when the tenant has no such device, 400 when it reports on another network
     */
    public static Device device(DeviceDirectory devices, String tenant, String deviceId) {
        Device device = devices.byId(deviceId);
        if (device == null || !device.tenant().equals(tenant)) {
            throw Problem.notFound("no device '" + deviceId + "' in tenant '" + tenant + "': register it first with "
                    + "network {\"kind\": \"http\"} or {\"kind\": \"mqtt\"}");
        }
        String kind = device.network().kind();
        if (!kind.equals("http") && !kind.equals("mqtt")) {
            throw Problem.invalid("deviceId", "device '" + deviceId + "' reports on " + kind
                    + "; readings sent as JSON are for devices of network kind http or mqtt");
        }
        return device;
    }

    /** {@code POST /ingest/http/{deviceId}}. */
    public void post(RoutingContext ctx) {
        Integration integration = HttpApi.integration(ctx, "http");
        Uplink uplink = uplink(devices, integration.tenant(), integration.id(), ctx.pathParam("deviceId"),
                HttpApi.bodyBytes(ctx), clock.millis());
        ingestion.append(uplink).onSuccess(position -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }
}
