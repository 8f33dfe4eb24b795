package org.valley.server.ingest.lorawan;

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
 * A ChirpStack {@code up} event in JSON read in one pass ({@link JsonScan}): the members {@link
 * ChirpStack} reads, with the same rules, into the same uplink. Protobuf bodies, other events and
 * any event it would refuse are left to {@link ChirpStack}'s tree reading.
 */
final class ChirpstackUplinkScan {

    private static final String[] IDENTITY = ChirpStack.NAMES;

    private String devEui;
    /** deviceInfo's members kept as the uplink's labels, in {@link #IDENTITY}'s order. */
    private final String[] identity = new String[IDENTITY.length];
    private Long time;
    private String dedup;
    private long fCnt;
    private int fPort;
    private byte[] payload = new byte[0];
    private String devAddr;
    private final List<Reception> receptions = new ArrayList<>(3);
    private JsonNode decoded;
    private boolean confirmed;
    private boolean adr;
    private long dr;
    private boolean tx;
    private long frequency;
    private final LoraRate rate = new LoraRate();

    private ChirpstackUplinkScan() {}

    /** The delivery of an {@code up} event in JSON, or null when the tree reading must read this message. */
    static Delivery read(Message message) {
        if (message.protobuf() || !"up".equals(message.event())) {
            return null;
        }
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
        ChirpstackUplinkScan scan = new ChirpstackUplinkScan();
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
                case "deviceInfo" -> {
                    seen = once(seen, 1);
                    if (JsonScan.object(p)) {
                        device(p);
                    }
                }
                case "time" -> {
                    seen = once(seen, 2);
                    time = JsonScan.time(p);
                }
                case "deduplicationId" -> {
                    seen = once(seen, 4);
                    dedup = JsonScan.text(p, 128);
                }
                case "fCnt" -> {
                    seen = once(seen, 8);
                    fCnt = JsonScan.unsigned(p, 0xFFFF_FFFFL, 0);
                }
                case "fPort" -> {
                    seen = once(seen, 16);
                    fPort = (int) JsonScan.unsigned(p, 255, 0);
                }
                case "data" -> {
                    seen = once(seen, 32);
                    payload = JsonScan.base64(p, LorawanFields.MAX_PAYLOAD);
                }
                case "devAddr" -> {
                    seen = once(seen, 64);
                    devAddr = JsonScan.text(p, 16);
                }
                case "rxInfo" -> {
                    seen = once(seen, 128);
                    JsonScan.objects(p, this::gateway);
                }
                case "object" -> {
                    seen = once(seen, 256);
                    decoded = JsonScan.value(p);
                }
                case "confirmed" -> {
                    seen = once(seen, 512);
                    confirmed = JsonScan.bool(p);
                }
                case "adr" -> {
                    seen = once(seen, 1024);
                    adr = JsonScan.bool(p);
                }
                case "dr" -> {
                    seen = once(seen, 2048);
                    dr = JsonScan.unsigned(p, 255, 0);
                }
                case "txInfo" -> {
                    seen = once(seen, 4096);
                    tx = JsonScan.object(p);
                    if (tx) {
                        tx(p);
                    }
                }
                default -> JsonScan.skip(p);
            }
        }
    }

    private void device(Tokens p) throws IOException {
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            if (name.equals("devEui")) {
                seen = once(seen, 1);
                devEui = JsonScan.text(p, 64);
                continue;
            }
            int i = IDENTITY.length - 1;
            while (i >= 0 && !IDENTITY[i].equals(name)) {
                i--;
            }
            if (i < 0) {
                JsonScan.skip(p);
                continue;
            }
            seen = once(seen, 2 << i);
            // applicationId also names the device's downlink route, where it must be at most 128 characters
            identity[i] = JsonScan.text(p, IDENTITY[i].equals("applicationId") ? 128 : 256);
        }
    }

    private void gateway(Tokens p) throws IOException {
        int seen = 0;
        String id = null;
        Double rssi = null;
        Double snr = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            switch (name) {
                case "gatewayId" -> {
                    seen = once(seen, 1);
                    id = JsonScan.text(p, 128);
                }
                case "rssi" -> {
                    seen = once(seen, 2);
                    rssi = JsonScan.number(p);
                }
                case "snr" -> {
                    seen = once(seen, 4);
                    snr = JsonScan.number(p);
                }
                default -> JsonScan.skip(p);
            }
        }
        LorawanFields.reception(receptions, id, rssi, snr);
    }

    private void tx(Tokens p) throws IOException {
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            if (name.equals("frequency")) {
                seen = once(seen, 1);
                frequency = JsonScan.unsigned(p, 0xFFFF_FFFFL, 0);
            } else if (name.equals("modulation")) {
                seen = once(seen, 2);
                JsonScan.member(p, "lora", v -> rate.read(v, "spreadingFactor"));
            } else {
                JsonScan.skip(p);
            }
        }
    }

    private Delivery delivery(Message message) {
        String eui = LorawanFields.devEui(devEui, "deviceInfo.devEui");
        String applicationId = identity[1];
        DownlinkRoute route = applicationId == null ? null : new DownlinkRoute.ChirpstackCommand(applicationId, eui);
        JsonScan.Meta labels = new JsonScan.Meta();
        for (int i = 0; i < IDENTITY.length; i++) {
            labels.text(IDENTITY[i], identity[i]);
        }
        JsonScan.Meta meta = new JsonScan.Meta().text("network", "chirpstack");
        meta.text("devAddr", devAddr).decoded(decoded).flag("confirmed", confirmed).flag("adr", adr).number("dr", dr);
        if (tx) {
            if (frequency > 0) {
                meta.number("frequency", frequency);
            }
            rate.addTo(meta);
        }
        Uplink uplink = new Uplink(UplinkKind.CHIRPSTACK_UPLINK, message.tenant(), message.integration(), eui, fCnt,
                time != null ? time : message.receivedAt(), message.receivedAt(), payload, receptions, false, false,
                meta.done(), fPort, devAddr, dedup, labels.done());
        return new Delivery(uplink, null, route);
    }
}
