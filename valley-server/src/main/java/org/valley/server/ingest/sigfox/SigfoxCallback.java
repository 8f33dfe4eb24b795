package org.valley.server.ingest.sigfox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.valley.frame.Hex;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.server.http.Problem;

/**
 * Parses the bodies of Sigfox backend callbacks into {@link Uplink}s.
 *
 * <p>Sigfox fills the customer's body template by substituting variables as text, so a numeric or
 * boolean field may arrive quoted ({@code "time":"1700000000"}) or bare ({@code "time":1700000000}),
 * and an unavailable value as the text {@code null} or {@code N/A}. Every scalar field therefore
 * accepts both forms; fields that Valley does not interpret are kept as metadata. The parser reads
 * the body as a token stream (no tree); a DATA callback of the usual shape takes a faster path
 * still ({@link FlatCallbackParser}), with the same results.
 */
public final class SigfoxCallback {

    static final int MAX_PAYLOAD = 12;
    static final int SEQ_MODULUS = 4096;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(64 * 1024).build())
            .build();

    private SigfoxCallback() {}

    /**
     * Parses a DATA or BIDIR callback.
     *
     * @throws Problem naming the field and the rule when the body is not a valid callback
     */
    public static Uplink parseData(byte[] body, String tenant, String integration, long now) {
        Uplink uplink = FlatCallbackParser.parseData(body, tenant, integration, now);
        return uplink != null ? uplink : parse(body, tenant, integration, now, false);
    }

    /** {@link #parseData} without its fast path: the reference the fast path is tested against. */
    static Uplink parseDataFully(byte[] body, String tenant, String integration, long now) {
        return parse(body, tenant, integration, now, false);
    }

    /**
     * Parses a DATA_ADVANCED callback: its {@code duplicates[]} become receptions, the rest of its
     * network metadata (lqi, link quality, computed location, operator) is kept as metadata.
     */
    public static Uplink parseAdvanced(byte[] body, String tenant, String integration, long now) {
        return parse(body, tenant, integration, now, true);
    }

    private static Uplink parse(byte[] body, String tenant, String integration, long now, boolean advanced) {
        String device = null;
        Long time = null;
        byte[] data = null;
        int seq = Uplink.NO_SEQ;
        String station = null;
        Double rssi = null;
        Double snr = null;
        boolean duplicate = false;
        boolean ack = false;
        List<Reception> receptions = new ArrayList<>(2);
        ObjectNode meta = null;
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw Problem.malformed("the body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "device" -> device = deviceId(p, t);
                    case "time" -> time = epochSeconds(p, t);
                    case "data" -> data = payload(p, t);
                    case "seqNumber" -> seq = sequence(p, t);
                    case "station" -> station = text(p, t, "station", 32);
                    case "rssi" -> rssi = number(p, t, "rssi");
                    case "snr" -> snr = number(p, t, "snr");
                    case "duplicate" -> duplicate = bool(p, t, "duplicate");
                    case "ack" -> ack = bool(p, t, "ack");
                    case "duplicates" -> {
                        if (!advanced) {
                            meta = keep(meta, name, p);
                        } else {
                            duplicates(p, t, receptions);
                        }
                    }
                    default -> meta = keep(meta, name, p);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw Problem.malformed("the body must be exactly one JSON object");
            }
        } catch (IOException e) {
            throw Problem.malformed("the body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (device == null) {
            throw Problem.invalid("device", "field 'device' is required: the Sigfox device id, 1 to 8 hex digits");
        }
        if (time == null) {
            throw Problem.invalid("time", "field 'time' is required: the reception time in epoch seconds");
        }
        if (data == null) {
            data = new byte[0];
        }
        if (!advanced) {
            receptions.add(new Reception(station == null ? "" : station, rssi, snr));
        }
        return new Uplink(advanced ? UplinkKind.SIGFOX_ADVANCED : UplinkKind.SIGFOX_DATA, tenant, integration, device,
                seq, time * 1000, now, data, receptions, duplicate, ack, meta == null ? null : meta.toString());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static ObjectNode keep(ObjectNode meta, String name, JsonParser p) throws IOException {
        ObjectNode m = meta == null ? MAPPER.createObjectNode() : meta;
        JsonNode value = MAPPER.readTree(p);
        if (m.size() < 64) {
            m.set(name, value);
        }
        return m;
    }

    private static void duplicates(JsonParser p, JsonToken t, List<Reception> out) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw Problem.invalid("duplicates", "field 'duplicates' must be an array of {bsId, rssi, snr}");
        }
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw Problem.invalid("duplicates", "field 'duplicates[" + index + "]' must be an object");
            }
            String bsId = null;
            Double rssi = null;
            Double snr = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "bsId" -> bsId = text(p, v, "duplicates[" + index + "].bsId", 32);
                    case "rssi" -> rssi = number(p, v, "duplicates[" + index + "].rssi");
                    case "snr" -> snr = number(p, v, "duplicates[" + index + "].snr");
                    default -> p.skipChildren();
                }
            }
            if (bsId == null) {
                throw Problem.invalid("duplicates", "field 'duplicates[" + index + "].bsId' is required");
            }
            if (out.size() < 64) {
                out.add(new Reception(bsId, rssi, snr));
            }
            index++;
        }
    }

    private static String scalarText(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_STRING || t.isNumeric() || t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return p.getText().trim();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Problem.invalid(field, "field '" + field + "' must be a scalar value, got " + describe(t));
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    private static boolean absent(String text) {
        return text == null || text.isEmpty() || text.equals("null") || text.equalsIgnoreCase("N/A");
    }

    private static String deviceId(JsonParser p, JsonToken t) throws IOException {
        String text = scalarText(p, t, "device");
        if (absent(text) || text.length() > 8 || !Hex.isHex(text)) {
            throw Problem.invalid("device", "field 'device' must be the Sigfox device id, 1 to 8 hex digits, got '"
                    + clip(text) + "'");
        }
        return text.toUpperCase(Locale.ROOT);
    }

    private static Long epochSeconds(JsonParser p, JsonToken t) throws IOException {
        String text = scalarText(p, t, "time");
        long value;
        try {
            value = Long.parseLong(text == null ? "" : text);
        } catch (NumberFormatException e) {
            throw Problem.invalid("time", "field 'time' must be epoch seconds (an integer), got '" + clip(text) + "'");
        }
        if (value < 0 || value > 32_503_680_000L) {
            throw Problem.invalid("time", "field 'time' must be epoch seconds between 1970 and 3000, got " + value);
        }
        return value;
    }

    private static byte[] payload(JsonParser p, JsonToken t) throws IOException {
        String text = scalarText(p, t, "data");
        if (text == null || text.equals("null")) {
            return new byte[0];
        }
        if (text.length() > 2 * MAX_PAYLOAD) {
            throw Problem.invalid("data", "field 'data' must be at most " + MAX_PAYLOAD + " bytes (" + 2 * MAX_PAYLOAD
                    + " hex digits), got " + text.length() + " hex digits");
        }
        try {
            return Hex.decode(text);
        } catch (IllegalArgumentException e) {
            throw Problem.invalid("data", "field 'data' " + e.getMessage());
        }
    }

    private static int sequence(JsonParser p, JsonToken t) throws IOException {
        String text = scalarText(p, t, "seqNumber");
        if (absent(text)) {
            return Uplink.NO_SEQ;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 0 && value < SEQ_MODULUS) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.invalid("seqNumber", "field 'seqNumber' must be an integer from 0 to " + (SEQ_MODULUS - 1)
                + ", got '" + clip(text) + "'");
    }

    private static String text(JsonParser p, JsonToken t, String field, int max) throws IOException {
        String text = scalarText(p, t, field);
        if (absent(text)) {
            return null;
        }
        if (text.length() > max) {
            throw Problem.invalid(field, "field '" + field + "' must be at most " + max + " characters");
        }
        return text;
    }

    private static Double number(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            return p.getDoubleValue();
        }
        String text = scalarText(p, t, field);
        if (absent(text)) {
            return null;
        }
        try {
            double value = Double.parseDouble(text);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.invalid(field, "field '" + field + "' must be a number (or null, N/A), got '" + clip(text) + "'");
    }

    private static boolean bool(JsonParser p, JsonToken t, String field) throws IOException {
        String text = scalarText(p, t, field);
        if (absent(text)) {
            return false;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw Problem.invalid(field, "field '" + field + "' must be true or false, got '" + clip(text) + "'");
        };
    }

    private static String clip(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
