package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.valley.frame.Hex;
import org.valley.frame.Reception;
import org.valley.server.http.Problem;
import org.valley.server.ingest.JsonBody;

/** Rules both LoRaWAN formats share. */
final class LorawanFields {

    /** The largest application payload a LoRaWAN frame carries (242 bytes at the best data rate), with room. */
    static final int MAX_PAYLOAD = 255;
    /** Receptions kept per delivery: more gateways than this add nothing but size. */
    static final int MAX_RECEPTIONS = 64;
    /** The network's own decoded payload and metadata are kept up to this size, as JSON text. */
    static final int MAX_META_CHARS = 16 * 1024;
    /** Valley's downlink ids as echoed in a network's correlation ids. */
    static final String CORRELATION_PREFIX = "valley:downlink:";

    private LorawanFields() {}

    /** A devEUI: 16 hex digits, upper-cased. */
    static String devEui(String text, String path) {
        if (text == null || text.isEmpty()) {
            throw Problem.invalid(path, "field '" + path + "' is required: the device's devEUI, 16 hex digits "
                    + "(Valley identifies LoRaWAN devices by devEUI)");
        }
        if (text.length() != 16 || !Hex.isHex(text)) {
            throw Problem.invalid(path, "field '" + path + "' must be a devEUI of 16 hex digits, got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
        }
        return text.toUpperCase(Locale.ROOT);
    }

    /**
     * A gateway's reception. Both networks omit a zero value, so when a gateway reports one of RSSI
     * and SNR, the other one absent is 0 (an SNR of 0 dB is common); with neither, both are unknown.
     */
    static void reception(List<Reception> out, String gateway, Double rssi, Double snr) {
        if (out.size() >= MAX_RECEPTIONS) {
            return;
        }
        if (rssi != null || snr != null) {
            rssi = rssi == null ? 0.0 : rssi;
            snr = snr == null ? 0.0 : snr;
        }
        out.add(new Reception(gateway == null ? "" : gateway, rssi, snr));
    }

    /**
     * A frequency sent as a string of digits (The Things Stack's {@code settings.frequency}), in
     * Hz; null when it is no such number or too large for one, and then it is not kept.
     */
    static Long frequency(String text) {
        if (text == null || text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Puts the network's own decoded payload into {@code meta}, when it fits. */
    static void decoded(ObjectNode meta, JsonNode decoded) {
        if (decoded != null && !decoded.isNull() && decoded.toString().length() <= MAX_META_CHARS) {
            meta.set("decoded", decoded);
        }
    }

    /** Puts a network event's own content into {@code meta} under {@code name}, when it fits. */
    static void event(ObjectNode meta, String name, JsonNode content) {
        meta.put("event", name);
        if (content != null && content.toString().length() <= MAX_META_CHARS) {
            meta.set(name, content);
        }
    }

    /**
     * Moves {@code names}' members out of {@code meta}, in {@code names}' order, and gives them as the
     * uplink's labels text ({@link org.valley.frame.Uplink#labels}), or null when it had none.
     */
    static String labels(ObjectNode meta, String... names) {
        ObjectNode labels = meta();
        for (String name : names) {
            JsonNode value = meta.remove(name);
            if (value != null) {
                labels.set(name, value);
            }
        }
        return metaText(labels);
    }

    /** The metadata text, or null when there is none. */
    static String metaText(ObjectNode meta) {
        return meta.isEmpty() ? null : meta.toString();
    }

    /** A fresh metadata object. */
    static ObjectNode meta() {
        return JsonBody.mapper().createObjectNode();
    }
}
