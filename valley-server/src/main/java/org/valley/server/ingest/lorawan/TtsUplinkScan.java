package org.valley.server.ingest.lorawan;

import static org.valley.server.ingest.lorawan.JsonScan.NOT_FAST;
import static org.valley.server.ingest.lorawan.JsonScan.once;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.server.http.Problem;

/**
 * A The Things Stack {@code uplink_message} read in one pass ({@link JsonScan}): the members
 * {@link TheThingsStack} reads, with the same rules, into the same uplink. Any other message, and
 * any uplink it would refuse, is left to {@link TheThingsStack}'s tree reading.
 */
final class TtsUplinkScan {

    // end_device_ids
    private boolean ids;
    private String devEui;
    private String deviceId;
    private String applicationId;
    private String devAddr;
    private Long receivedAt;
    // uplink_message
    private boolean up;
    private long fCnt;
    private int fPort;
    private byte[] payload = new byte[0];
    private String session;
    private boolean settings;
    private Long settingsTime;
    private String frequency;
    private final LoraRate rate = new LoraRate();
    private Long upReceivedAt;
    private final List<Reception> receptions = new ArrayList<>(3);
    private JsonNode decoded;
    private boolean confirmed;
    private String airtime;
    private boolean simulated;

    private TtsUplinkScan() {}

    /** The delivery of an uplink message, or null when the tree reading must read this message. */
    static Delivery read(Message message) {
        try {
            return read(message, true);
        } catch (JsonScan.NotFast outsideTheSubset) {
            return read(message, false);
        }
    }

    /**
     * The delivery read from the body's bytes ({@link ByteTokens}) or by Jackson's parser, or null
     * when the tree reading must read this message.
     *
     * @throws JsonScan.NotFast ({@link JsonScan#NOT_BYTES}) when the body is outside what ByteTokens reads
     */
    static Delivery read(Message message, boolean bytes) {
        TtsUplinkScan scan = new TtsUplinkScan();
        try (Tokens p = bytes ? ByteTokens.open(message.body()) : JsonScan.open(message.body())) {
            scan.top(p);
            if (p instanceof ByteTokens t) {
                t.finish();
            }
            return scan.delivery(message);
        } catch (JsonScan.NotFast e) {
            if (e == JsonScan.NOT_BYTES) {
                throw e;
            }
            return null;
        } catch (IOException | Problem e) {
            return null;
        }
    }

    private void top(Tokens p) throws IOException {
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            switch (name) {
                case "end_device_ids" -> {
                    seen = once(seen, 1);
                    ids = JsonScan.object(p);
                    if (ids) {
                        ids(p);
                    }
                }
                case "received_at" -> {
                    seen = once(seen, 2);
                    receivedAt = JsonScan.time(p);
                }
                case "uplink_message" -> {
                    seen = once(seen, 4);
                    up = JsonScan.object(p);
                    if (up) {
                        uplink(p);
                    }
                }
                default -> JsonScan.skip(p);
            }
        }
        if (!ids || !up) {
            throw NOT_FAST;
        }
    }

    private void ids(Tokens p) throws IOException {
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            switch (name) {
                case "dev_eui" -> {
                    seen = once(seen, 1);
                    devEui = JsonScan.text(p, 64);
                }
                case "device_id" -> {
                    seen = once(seen, 2);
                    deviceId = JsonScan.text(p, 128);
                }
                case "dev_addr" -> {
                    seen = once(seen, 4);
                    devAddr = JsonScan.text(p, 16);
                }
                case "application_ids" -> {
                    seen = once(seen, 8);
                    JsonScan.member(p, "application_id", v -> applicationId = JsonScan.text(v, 128));
                }
                default -> JsonScan.skip(p);
            }
        }
    }

    private void uplink(Tokens p) throws IOException {
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            switch (name) {
                case "f_cnt" -> {
                    seen = once(seen, 1);
                    fCnt = JsonScan.unsigned(p, 0xFFFF_FFFFL, 0);
                }
                case "f_port" -> {
                    seen = once(seen, 2);
                    fPort = (int) JsonScan.unsigned(p, 255, 0);
                }
                case "frm_payload" -> {
                    seen = once(seen, 4);
                    payload = JsonScan.base64(p, LorawanFields.MAX_PAYLOAD);
                }
                case "session_key_id" -> {
                    seen = once(seen, 8);
                    session = JsonScan.text(p, 256);
                }
                case "settings" -> {
                    seen = once(seen, 16);
                    settings = JsonScan.object(p);
                    if (settings) {
                        settings(p);
                    }
                }
                case "received_at" -> {
                    seen = once(seen, 32);
                    upReceivedAt = JsonScan.time(p);
                }
                case "rx_metadata" -> {
                    seen = once(seen, 64);
                    JsonScan.objects(p, this::gateway);
                }
                case "decoded_payload" -> {
                    seen = once(seen, 128);
                    decoded = JsonScan.value(p);
                }
                case "confirmed" -> {
                    seen = once(seen, 256);
                    confirmed = JsonScan.bool(p);
                }
                case "consumed_airtime" -> {
                    seen = once(seen, 512);
                    airtime = JsonScan.text(p, 32);
                }
                case "simulated" -> {
                    seen = once(seen, 1024);
                    simulated = JsonScan.bool(p);
                }
                default -> JsonScan.skip(p);
            }
        }
    }

    private void settings(Tokens p) throws IOException {
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            switch (name) {
                case "time" -> {
                    seen = once(seen, 1);
                    settingsTime = JsonScan.time(p);
                }
                case "frequency" -> {
                    seen = once(seen, 2);
                    frequency = JsonScan.text(p, 20);
                }
                case "data_rate" -> {
                    seen = once(seen, 4);
                    JsonScan.member(p, "lora", v -> rate.read(v, "spreading_factor"));
                }
                default -> JsonScan.skip(p);
            }
        }
    }

    /**
     * One gateway of {@code rx_metadata}. Its {@code eui} counts only without a {@code gateway_id},
     * and its {@code channel_rssi} only without an {@code rssi}: a member that does not count is not
     * checked either.
     */
    private void gateway(Tokens p) throws IOException {
        int seen = 0;
        String id = null;
        String eui = null;
        boolean badEui = false;
        Double rssi = null;
        Double channelRssi = null;
        boolean badChannelRssi = false;
        Double snr = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            switch (name) {
                case "gateway_ids" -> {
                    seen = once(seen, 1);
                    if (JsonScan.object(p)) {
                        int inner = 0;
                        for (String n = p.nextFieldName(); n != null; n = p.nextFieldName()) {
                            p.nextToken();
                            if (n.equals("gateway_id")) {
                                inner = once(inner, 1);
                                id = JsonScan.text(p, 128);
                            } else if (n.equals("eui")) {
                                inner = once(inner, 2);
                                try {
                                    eui = JsonScan.text(p, 64);
                                } catch (JsonScan.NotFast e) {
                                    badEui = true;
                                    JsonScan.skip(p);
                                }
                            } else {
                                JsonScan.skip(p);
                            }
                        }
                    }
                }
                case "rssi" -> {
                    seen = once(seen, 2);
                    rssi = JsonScan.number(p);
                }
                case "channel_rssi" -> {
                    seen = once(seen, 4);
                    try {
                        channelRssi = JsonScan.number(p);
                    } catch (JsonScan.NotFast e) {
                        badChannelRssi = true;
                        JsonScan.skip(p);
                    }
                }
                case "snr" -> {
                    seen = once(seen, 8);
                    snr = JsonScan.number(p);
                }
                default -> JsonScan.skip(p);
            }
        }
        if (id == null) {
            if (badEui) {
                throw NOT_FAST;
            }
            id = eui;
        }
        if (rssi == null) {
            if (badChannelRssi) {
                throw NOT_FAST;
            }
            rssi = channelRssi;
        }
        LorawanFields.reception(receptions, id, rssi, snr);
    }

    private Delivery delivery(Message message) {
        String eui = LorawanFields.devEui(devEui, "end_device_ids.dev_eui");
        DownlinkRoute route = TheThingsStack.route(message);
        String labels = new JsonScan.Meta().text("deviceId", deviceId).text("applicationId", applicationId).done();
        JsonScan.Meta meta = new JsonScan.Meta().text("network", "ttn").text("devAddr", devAddr).decoded(decoded)
                .flag("confirmed", confirmed);
        if (settings) {
            Long hz = LorawanFields.frequency(frequency);
            if (hz != null) {
                meta.number("frequency", hz);
            }
            rate.addTo(meta);
        }
        meta.text("consumedAirtime", airtime).flag("simulated", simulated);
        long time = upReceivedAt != null ? upReceivedAt : settingsTime != null ? settingsTime
                : receivedAt != null ? receivedAt : message.receivedAt();
        Uplink uplink = new Uplink(UplinkKind.TTS_UPLINK, message.tenant(), message.integration(), eui, fCnt, time,
                message.receivedAt(), payload, receptions, false, false, meta.done(), fPort, session, null, labels);
        return new Delivery(uplink, null, route);
    }
}
