package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.server.http.Problem;
import org.valley.server.ingest.JsonBody;

/**
 * ChirpStack v4 integration events ({@code integration.UplinkEvent}, {@code JoinEvent} and the
 * others), as its HTTP integration posts them ({@code ?event=up}) and its MQTT integration
 * publishes them ({@code application/{id}/device/{devEUI}/event/up}), in JSON or in Protobuf.
 *
 * <p>The JSON is the Protobuf JSON mapping: camelCase names, bytes in base64, and absent fields at
 * their Protobuf defaults (0, false, empty). ChirpStack merges the receptions of all gateways
 * before it sends the event (one event, every gateway in {@code rxInfo}), and gives each uplink a
 * {@code deduplicationId}, the same on every delivery of it: Valley's idempotency key for the
 * frame. The {@code devAddr} changes at every join and tells which run of the frame counter an
 * uplink belongs to. The join event comes with the first uplink after the join.
 */
public final class ChirpStack implements NetworkFormat {

    /** The events ChirpStack's integrations send. */
    public static final Set<String> EVENTS = Set.of("up", "join", "status", "ack", "txack", "log", "location", "integration");

    @Override
    public String name() {
        return "chirpstack";
    }

    @Override
    public Delivery read(Message message) {
        Delivery uplink = ChirpstackUplinkScan.read(message);
        return uplink != null ? uplink : readTree(message);
    }

    /** Reads any event through a JSON tree; the refusals of both readings come from here. */
    Delivery readTree(Message message) {
        String event = message.event();
        if (event == null || event.isEmpty()) {
            throw Problem.invalid("event", "parameter 'event' is required: one of " + EVENTS
                    + " (ChirpStack's HTTP integration adds ?event=...)");
        }
        if (!EVENTS.contains(event)) {
            throw Problem.invalid("event", "parameter 'event' must be one of " + EVENTS + ", got '"
                    + (event.length() > 40 ? event.substring(0, 40) + "…" : event) + "'");
        }
        JsonNode body = message.protobuf() ? ChirpstackProtobuf.read(event, message.body()) : JsonBody.object(message.body());
        JsonNode device = JsonBody.object(body, "deviceInfo", "deviceInfo");
        String devEui = LorawanFields.devEui(JsonBody.text(device, "devEui", "deviceInfo.devEui", 64), "deviceInfo.devEui");
        Long time = JsonBody.time(body, "time", "time");
        long at = time != null ? time : message.receivedAt();
        ObjectNode meta = identity(device);
        String applicationId = JsonBody.text(device, "applicationId", "deviceInfo.applicationId", 128);
        DownlinkRoute route = applicationId == null ? null : new DownlinkRoute.ChirpstackCommand(applicationId, devEui);
        String dedup = JsonBody.text(body, "deduplicationId", "deduplicationId", 128);
        return switch (event) {
            case "up" -> new Delivery(uplink(message, body, devEui, at, meta, dedup), null, route);
            case "join" -> {
                String devAddr = JsonBody.text(body, "devAddr", "devAddr", 16);
                if (devAddr != null) {
                    meta.put("devAddr", devAddr);
                }
                yield new Delivery(new Uplink(UplinkKind.CHIRPSTACK_JOIN, message.tenant(), message.integration(), devEui,
                        Uplink.NO_SEQ, at, message.receivedAt(), null, List.of(), false, false,
                        LorawanFields.metaText(meta), Uplink.NO_PORT, devAddr, dedup), null, route);
            }
            case "ack", "txack" -> {
                String queueItem = JsonBody.text(body, "queueItemId", "queueItemId", 64);
                String status = event.equals("txack") ? "transmitted"
                        : JsonBody.bool(body, "acknowledged", "acknowledged") ? "acknowledged" : "nacked";
                Delivery.DownlinkUpdate update = queueItem == null ? null : new Delivery.DownlinkUpdate("dl-" + queueItem, status);
                yield new Delivery(event(message, body, devEui, at, meta, event), update, null);
            }
            default -> new Delivery(event(message, body, devEui, at, meta, event), null, null);
        };
    }

    private static Uplink uplink(Message message, JsonNode body, String devEui, long time, ObjectNode meta, String dedup) {
        String labels = LorawanFields.labels(meta, NAMES);
        long fCnt = JsonBody.unsigned(body, "fCnt", "fCnt", 0xFFFF_FFFFL, 0);
        int fPort = (int) JsonBody.unsigned(body, "fPort", "fPort", 255, 0);
        byte[] payload = JsonBody.base64(body, "data", "data", LorawanFields.MAX_PAYLOAD);
        if (payload.length > LorawanFields.MAX_PAYLOAD) {
            throw Problem.invalid("data", "field 'data' must be at most " + LorawanFields.MAX_PAYLOAD + " bytes, got "
                    + payload.length);
        }
        String devAddr = JsonBody.text(body, "devAddr", "devAddr", 16);
        List<Reception> receptions = new ArrayList<>();
        JsonNode rx = JsonBody.array(body, "rxInfo", "rxInfo");
        if (rx != null) {
            for (int i = 0; i < rx.size(); i++) {
                String path = "rxInfo[" + i + "]";
                JsonNode gateway = rx.get(i);
                if (!gateway.isObject()) {
                    throw Problem.invalid(path, "field '" + path + "' must be an object");
                }
                LorawanFields.reception(receptions, JsonBody.text(gateway, "gatewayId", path + ".gatewayId", 128),
                        JsonBody.number(gateway, "rssi", path + ".rssi"), JsonBody.number(gateway, "snr", path + ".snr"));
            }
        }
        if (devAddr != null) {
            meta.put("devAddr", devAddr);
        }
        LorawanFields.decoded(meta, JsonBody.member(body, "object"));
        if (JsonBody.bool(body, "confirmed", "confirmed")) {
            meta.put("confirmed", true);
        }
        if (JsonBody.bool(body, "adr", "adr")) {
            meta.put("adr", true);
        }
        meta.put("dr", JsonBody.unsigned(body, "dr", "dr", 255, 0));
        JsonNode tx = JsonBody.object(body, "txInfo", "txInfo");
        if (tx != null) {
            long frequency = JsonBody.unsigned(tx, "frequency", "txInfo.frequency", 0xFFFF_FFFFL, 0);
            if (frequency > 0) {
                meta.put("frequency", frequency);
            }
            JsonNode lora = JsonBody.object(JsonBody.object(tx, "modulation", "txInfo.modulation"), "lora",
                    "txInfo.modulation.lora");
            if (lora != null) {
                meta.put("spreadingFactor", JsonBody.unsigned(lora, "spreadingFactor",
                        "txInfo.modulation.lora.spreadingFactor", 64, 0));
                meta.put("bandwidth", JsonBody.unsigned(lora, "bandwidth", "txInfo.modulation.lora.bandwidth",
                        100_000_000, 0));
            }
        }
        return new Uplink(UplinkKind.CHIRPSTACK_UPLINK, message.tenant(), message.integration(), devEui, fCnt, time,
                message.receivedAt(), payload, receptions, false, false, LorawanFields.metaText(meta), fPort, devAddr, dedup,
                labels);
    }

    private static Uplink event(Message message, JsonNode body, String devEui, long time, ObjectNode meta, String event) {
        ObjectNode content = body.deepCopy();
        content.remove("deviceInfo");
        LorawanFields.event(meta, event, content);
        return new Uplink(UplinkKind.CHIRPSTACK_EVENT, message.tenant(), message.integration(), devEui, Uplink.NO_SEQ, time,
                message.receivedAt(), null, List.of(), false, false, LorawanFields.metaText(meta), Uplink.NO_PORT, null, null);
    }

    /** deviceInfo's names kept: an uplink's labels, in the metadata of any other event. */
    static final String[] NAMES = {"tenantId", "applicationId", "applicationName", "deviceName", "deviceProfileName"};

    /** The device's names in ChirpStack, kept with every event. */
    private static ObjectNode identity(JsonNode device) {
        ObjectNode meta = LorawanFields.meta();
        meta.put("network", "chirpstack");
        for (String name : NAMES) {
            String value = JsonBody.text(device, name, "deviceInfo." + name, 256);
            if (value != null) {
                meta.put(name, value);
            }
        }
        return meta;
    }
}
