package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.server.http.Problem;
import org.valley.server.ingest.JsonBody;

/**
 * The Things Stack v3 application messages ({@code ApplicationUp}), as its webhooks, MQTT server and
 * Pub/Sub send them: one JSON object with {@code end_device_ids} and one message member,
 * {@code uplink_message}, {@code join_accept}, {@code downlink_ack} and so on.
 *
 * <p>The Things Stack omits empty values ({@code 0}, {@code ""}, {@code false}): an uplink right
 * after a join has no {@code f_cnt}, and a missing field always means its default. The network
 * server has already merged the receptions of all gateways, so one message is one frame with every
 * gateway in {@code rx_metadata}. The {@code session_key_id} changes at every join, and tells which
 * run of the frame counter an uplink belongs to.
 */
public final class TheThingsStack implements NetworkFormat {

    /** Message members that are downlink events, and the status each one means for the downlink. */
    private static final List<String[]> DOWNLINK_EVENTS = List.of(
            new String[] {"downlink_sent", "transmitted"},
            new String[] {"downlink_ack", "acknowledged"},
            new String[] {"downlink_nack", "nacked"},
            new String[] {"downlink_failed", "failed"},
            new String[] {"downlink_queue_invalidated", "failed"},
            new String[] {"downlink_queued", null});
    /** Other messages of a device, kept in the journal as events. */
    private static final List<String> OTHER_EVENTS = List.of("uplink_normalized", "location_solved", "service_data");

    @Override
    public String name() {
        return "ttn";
    }

    @Override
    public Delivery read(Message message) {
        Delivery uplink = TtsUplinkScan.read(message);
        return uplink != null ? uplink : readTree(message);
    }

    /** Reads any message through a JSON tree; the refusals of both readings come from here. */
    Delivery readTree(Message message) {
        JsonNode body = JsonBody.object(message.body());
        JsonNode ids = JsonBody.object(body, "end_device_ids", "end_device_ids");
        if (ids == null) {
            throw Problem.invalid("end_device_ids", "field 'end_device_ids' is required: a The Things Stack v3 "
                    + "message names its device there");
        }
        String devEui = LorawanFields.devEui(JsonBody.text(ids, "dev_eui", "end_device_ids.dev_eui", 64),
                "end_device_ids.dev_eui");
        Long receivedAt = JsonBody.time(body, "received_at", "received_at");
        DownlinkRoute route = route(message);

        JsonNode up = JsonBody.object(body, "uplink_message", "uplink_message");
        if (up != null) {
            return new Delivery(uplink(message, body, ids, devEui, up, receivedAt), null, route);
        }
        JsonNode join = JsonBody.object(body, "join_accept", "join_accept");
        if (join != null) {
            Long time = JsonBody.time(join, "received_at", "join_accept.received_at");
            String session = JsonBody.text(join, "session_key_id", "join_accept.session_key_id", 256);
            ObjectNode meta = identity(ids);
            return new Delivery(new Uplink(UplinkKind.TTS_JOIN, message.tenant(), message.integration(), devEui,
                    Uplink.NO_SEQ, first(time, receivedAt, message.receivedAt()), message.receivedAt(), null, List.of(),
                    false, false, LorawanFields.metaText(meta), Uplink.NO_PORT, session, null), null, null);
        }
        for (String[] event : DOWNLINK_EVENTS) {
            JsonNode node = JsonBody.object(body, event[0], event[0]);
            if (node != null) {
                String downlinkId = downlinkId(body, node);
                Delivery.DownlinkUpdate update = event[1] != null && downlinkId != null
                        ? new Delivery.DownlinkUpdate(downlinkId, event[1]) : null;
                return new Delivery(event(message, body, ids, devEui, event[0], receivedAt), update, null);
            }
        }
        for (String event : OTHER_EVENTS) {
            if (JsonBody.member(body, event) != null) {
                return new Delivery(event(message, body, ids, devEui, event, receivedAt), null, null);
            }
        }
        throw Problem.invalid("uplink_message", "the message has none of the members Valley reads: uplink_message, "
                + "join_accept, downlink_sent, downlink_ack, downlink_nack, downlink_failed, downlink_queued, "
                + "downlink_queue_invalidated, uplink_normalized, location_solved, service_data");
    }

    private static Uplink uplink(Message message, JsonNode body, JsonNode ids, String devEui, JsonNode up,
            Long receivedAt) {
        long fCnt = JsonBody.unsigned(up, "f_cnt", "uplink_message.f_cnt", 0xFFFF_FFFFL, 0);
        int fPort = (int) JsonBody.unsigned(up, "f_port", "uplink_message.f_port", 255, 0);
        byte[] payload = JsonBody.base64(up, "frm_payload", "uplink_message.frm_payload", LorawanFields.MAX_PAYLOAD);
        if (payload.length > LorawanFields.MAX_PAYLOAD) {
            throw Problem.invalid("uplink_message.frm_payload", "field 'uplink_message.frm_payload' must be at most "
                    + LorawanFields.MAX_PAYLOAD + " bytes, got " + payload.length);
        }
        String session = JsonBody.text(up, "session_key_id", "uplink_message.session_key_id", 256);
        JsonNode settings = JsonBody.object(up, "settings", "uplink_message.settings");
        Long time = JsonBody.time(up, "received_at", "uplink_message.received_at");
        Long settingsTime = JsonBody.time(settings, "time", "uplink_message.settings.time");

        List<Reception> receptions = new ArrayList<>();
        JsonNode rx = JsonBody.array(up, "rx_metadata", "uplink_message.rx_metadata");
        if (rx != null) {
            for (int i = 0; i < rx.size(); i++) {
                String path = "uplink_message.rx_metadata[" + i + "]";
                JsonNode gateway = rx.get(i);
                if (!gateway.isObject()) {
                    throw Problem.invalid(path, "field '" + path + "' must be an object");
                }
                JsonNode gatewayIds = JsonBody.object(gateway, "gateway_ids", path + ".gateway_ids");
                String id = JsonBody.text(gatewayIds, "gateway_id", path + ".gateway_ids.gateway_id", 128);
                if (id == null) {
                    id = JsonBody.text(gatewayIds, "eui", path + ".gateway_ids.eui", 64);
                }
                Double rssi = JsonBody.number(gateway, "rssi", path + ".rssi");
                if (rssi == null) {
                    rssi = JsonBody.number(gateway, "channel_rssi", path + ".channel_rssi");
                }
                LorawanFields.reception(receptions, id, rssi, JsonBody.number(gateway, "snr", path + ".snr"));
            }
        }

        ObjectNode meta = identity(ids);
        String labels = LorawanFields.labels(meta, NAMES);
        LorawanFields.decoded(meta, JsonBody.member(up, "decoded_payload"));
        if (JsonBody.bool(up, "confirmed", "uplink_message.confirmed")) {
            meta.put("confirmed", true);
        }
        if (settings != null) {
            String frequency = JsonBody.text(settings, "frequency", "uplink_message.settings.frequency", 20);
            Long hz = LorawanFields.frequency(frequency);
            if (hz != null) {
                meta.put("frequency", hz);
            }
            JsonNode lora = JsonBody.object(JsonBody.object(settings, "data_rate", "uplink_message.settings.data_rate"),
                    "lora", "uplink_message.settings.data_rate.lora");
            if (lora != null) {
                meta.put("spreadingFactor", JsonBody.unsigned(lora, "spreading_factor",
                        "uplink_message.settings.data_rate.lora.spreading_factor", 64, 0));
                meta.put("bandwidth", JsonBody.unsigned(lora, "bandwidth",
                        "uplink_message.settings.data_rate.lora.bandwidth", 100_000_000, 0));
            }
        }
        String airtime = JsonBody.text(up, "consumed_airtime", "uplink_message.consumed_airtime", 32);
        if (airtime != null) {
            meta.put("consumedAirtime", airtime);
        }
        if (JsonBody.bool(up, "simulated", "uplink_message.simulated")) {
            meta.put("simulated", true);
        }
        return new Uplink(UplinkKind.TTS_UPLINK, message.tenant(), message.integration(), devEui, fCnt,
                first(time, settingsTime, first(receivedAt, null, message.receivedAt())), message.receivedAt(), payload,
                receptions, false, false, LorawanFields.metaText(meta), fPort, session, null, labels);
    }

    private static Uplink event(Message message, JsonNode body, JsonNode ids, String devEui, String event,
            Long receivedAt) {
        ObjectNode meta = identity(ids);
        LorawanFields.event(meta, event, body.get(event));
        return new Uplink(UplinkKind.TTS_EVENT, message.tenant(), message.integration(), devEui, Uplink.NO_SEQ,
                first(receivedAt, null, message.receivedAt()), message.receivedAt(), null, List.of(), false, false,
                LorawanFields.metaText(meta), Uplink.NO_PORT, null, null);
    }

    /** The device's names kept: an uplink's labels, in the metadata of any other message. */
    static final String[] NAMES = {"deviceId", "applicationId"};

    /** The device's names in The Things Stack, kept with every message. */
    private static ObjectNode identity(JsonNode ids) {
        ObjectNode meta = LorawanFields.meta();
        meta.put("network", "ttn");
        String deviceId = JsonBody.text(ids, "device_id", "end_device_ids.device_id", 128);
        if (deviceId != null) {
            meta.put("deviceId", deviceId);
        }
        JsonNode app = JsonBody.object(ids, "application_ids", "end_device_ids.application_ids");
        String applicationId = JsonBody.text(app, "application_id", "end_device_ids.application_ids.application_id", 128);
        if (applicationId != null) {
            meta.put("applicationId", applicationId);
        }
        String devAddr = JsonBody.text(ids, "dev_addr", "end_device_ids.dev_addr", 16);
        if (devAddr != null) {
            meta.put("devAddr", devAddr);
        }
        return meta;
    }

    /**
     * Valley's downlink id from the correlation ids the network echoes: Valley pushes each downlink
     * with {@code valley:downlink:<id>} among its correlation ids.
     */
    private static String downlinkId(JsonNode body, JsonNode event) {
        JsonNode downlink = event.has("downlink") ? event.get("downlink") : event;
        for (JsonNode ids : new JsonNode[] {JsonBody.member(downlink, "correlation_ids"), JsonBody.member(body, "correlation_ids")}) {
            if (ids != null && ids.isArray()) {
                for (JsonNode id : ids) {
                    if (id.isTextual() && id.asText().startsWith(LorawanFields.CORRELATION_PREFIX)) {
                        return id.asText().substring(LorawanFields.CORRELATION_PREFIX.length());
                    }
                }
            }
        }
        return null;
    }

    /** The downlink queue of the webhook that sent this message, when it sent its headers. */
    static DownlinkRoute route(Message message) {
        String push = message.headers().get("x-downlink-push");
        String key = message.headers().get("x-downlink-apikey");
        if (push == null || key == null || push.isBlank() || key.isBlank()) {
            return null;
        }
        int authority = push.startsWith("https://") ? 8 : push.startsWith("http://") ? 7 : -1;
        if (authority < 0 || authority == push.length() || "/?#".indexOf(push.charAt(authority)) >= 0) {
            // a cheap check on every uplink; the URL is parsed whole when a downlink is pushed
            throw Problem.invalid("X-Downlink-Push", "header 'X-Downlink-Push' must be an http(s) URL with a host");
        }
        return new DownlinkRoute.TtsPush(push, key);
    }

    private static long first(Long a, Long b, long fallback) {
        return a != null ? a : b != null ? b : fallback;
    }
}
