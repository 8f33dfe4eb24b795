package org.valley.server.mqtt;

import java.util.List;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.server.http.Problem;
import org.valley.server.ingest.http.HttpIngest;
import org.valley.server.ingest.http.JsonValues;

/**
 * What a device publishes on {@code valley/{tenant}/devices/{deviceId}/up}, on Valley's own MQTT
 * endpoint or on a broker Valley bridges: either readings as JSON (the body of {@code POST
 * /ingest/http/{deviceId}}) or raw payload bytes, decoded later by the device's codec.
 *
 * <p>MQTT 3.1.1 carries no content type, so a payload that reads as readings is readings, and any
 * other payload is raw bytes. A payload declared JSON (MQTT 5 content type {@code
 * application/json}) must read as readings.
 */
final class ValleyFormat {

    /** Raw payloads are frames; larger ones are refused. */
    static final int MAX_RAW_PAYLOAD = 4096;

    private ValleyFormat() {}

    /**
     * The uplink of one message.
     *
     * @throws Problem 404 when the tenant has no such device, 400 naming the field when the payload
     *     is refused
     */
    static Uplink uplink(DeviceDirectory devices, String tenant, String integration, String deviceId, byte[] payload,
            boolean declaredJson, long now) {
        Device device = HttpIngest.device(devices, tenant, deviceId);
        if (declaredJson || looksLikeJson(payload)) {
            try {
                JsonValues.Read read = JsonValues.read(payload, now);
                return new Uplink(UplinkKind.JSON_VALUES, tenant, integration, device.network().id(), Uplink.NO_SEQ,
                        read.time(), now, read.payload(), List.of(), false, false, null);
            } catch (Problem notReadings) {
                if (declaredJson) {
                    throw notReadings;
                }
            }
        }
        if (payload.length > MAX_RAW_PAYLOAD) {
            throw Problem.invalid("payload", "a raw payload must be at most " + MAX_RAW_PAYLOAD + " bytes, got "
                    + payload.length);
        }
        return new Uplink(UplinkKind.RAW_PAYLOAD, tenant, integration, device.network().id(), Uplink.NO_SEQ, now, now,
                payload, List.of(), false, false, null);
    }

    private static boolean looksLikeJson(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }
}
