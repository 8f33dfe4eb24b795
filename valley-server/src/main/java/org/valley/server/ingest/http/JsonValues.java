package org.valley.server.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import org.valley.server.http.Problem;
import org.valley.server.ingest.JsonBody;

/**
 * Readings sent as JSON, for anything without a network of its own: {@code {"ts": ..., "values":
 * {"count": 3, "open": true, "mode": "eco"}}}, or an array of them. {@code ts} is an ISO-8601
 * instant or epoch milliseconds, and the arrival time when absent; values are numbers, booleans or
 * strings. What is read is written back in one canonical form (every {@code ts} in epoch
 * milliseconds), the payload of a {@link org.valley.frame.UplinkKind#JSON_VALUES} uplink: one
 * request is one journal record, so a batch is stored whole or not at all.
 */
public final class JsonValues {

    /** Readings per request. */
    public static final int MAX_READINGS = 1000;
    /** Values per reading. */
    public static final int MAX_VALUES = 256;
    private static final int MAX_KEY = 64;
    private static final int MAX_STRING = 1024;

    /**
     * The canonical payload and the time of its first reading.
     *
     * @param payload UTF-8 JSON: {@code [{"ts": <epoch ms>, "values": {...}}, ...]}
     * @param time the first reading's time, epoch milliseconds
     * @param readings how many readings it holds
     */
    public record Read(byte[] payload, long time, int readings) {}

    private JsonValues() {}

    /**
     * Reads a body.
     *
     * @param now the arrival time, for readings without {@code ts}
     * @throws Problem naming the field ({@code values.temp}, {@code [3].ts}) and the rule
     */
    public static Read read(byte[] body, long now) {
        JsonNode root = JsonBody.parse(body);
        ArrayNode out = JsonBody.mapper().createArrayNode();
        if (root.isObject()) {
            out.add(reading(root, "", now));
        } else if (root.isArray()) {
            if (root.isEmpty() || root.size() > MAX_READINGS) {
                throw Problem.invalid("body", "the body must be a reading or an array of 1 to " + MAX_READINGS
                        + " readings, got " + root.size());
            }
            for (int i = 0; i < root.size(); i++) {
                out.add(reading(root.get(i), "[" + i + "]", now));
            }
        } else {
            throw Problem.malformed("the body must be a reading {\"ts\": ..., \"values\": {...}} or an array of them");
        }
        return new Read(out.toString().getBytes(StandardCharsets.UTF_8), out.get(0).get("ts").asLong(), out.size());
    }

    private static ObjectNode reading(JsonNode node, String at, long now) {
        String prefix = at.isEmpty() ? "" : at + ".";
        if (!node.isObject()) {
            throw Problem.invalid(at, "field '" + at + "' must be a reading {\"ts\": ..., \"values\": {...}}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("ts") && !name.equals("values")) {
                throw Problem.invalid(prefix + name, "field '" + prefix + name + "' is not part of a reading: "
                        + "a reading has 'ts' (optional) and 'values'");
            }
        }
        ObjectNode out = JsonBody.mapper().createObjectNode();
        out.put("ts", ts(node.get("ts"), prefix + "ts", now));
        JsonNode values = node.get("values");
        String path = prefix + "values";
        if (values == null || !values.isObject() || values.isEmpty()) {
            throw Problem.invalid(path, "field '" + path + "' is required: an object of 1 to " + MAX_VALUES
                    + " values (numbers, booleans or strings)");
        }
        if (values.size() > MAX_VALUES) {
            throw Problem.invalid(path, "field '" + path + "' must hold at most " + MAX_VALUES + " values, got " + values.size());
        }
        ObjectNode kept = out.putObject("values");
        for (Map.Entry<String, JsonNode> e : values.properties()) {
            String field = path + "." + e.getKey();
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_KEY) {
                throw Problem.invalid(field, "value names must be 1 to " + MAX_KEY + " characters, got '"
                        + (e.getKey().length() > 40 ? e.getKey().substring(0, 40) + "…" : e.getKey()) + "'");
            }
            JsonNode v = e.getValue();
            if (v.isNumber() && Double.isFinite(v.asDouble())) {
                kept.set(e.getKey(), v.isIntegralNumber() && v.canConvertToLong() ? JsonBody.mapper().getNodeFactory()
                        .numberNode(v.asLong()) : JsonBody.mapper().getNodeFactory().numberNode(v.asDouble()));
            } else if (v.isBoolean()) {
                kept.put(e.getKey(), v.asBoolean());
            } else if (v.isTextual() && v.asText().length() <= MAX_STRING) {
                kept.put(e.getKey(), v.asText());
            } else {
                throw Problem.invalid(field, "field '" + field + "' must be a finite number, a boolean or a string of at "
                        + "most " + MAX_STRING + " characters, got " + (v.isContainerNode() ? (v.isArray() ? "an array" : "an object")
                        : v.isNull() ? "null" : clip(v.toString())));
            }
        }
        return out;
    }

    private static long ts(JsonNode node, String field, long now) {
        if (node == null || node.isNull()) {
            return now;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return check(node.asLong(), field);
        }
        if (node.isTextual()) {
            String text = node.asText();
            try {
                return check(Instant.parse(text).toEpochMilli(), field);
            } catch (DateTimeParseException | ArithmeticException e) {
                try {
                    return check(Long.parseLong(text), field);
                } catch (NumberFormatException e2) {
                    // reported below
                }
            }
        }
        throw Problem.invalid(field, "field '" + field + "' must be an ISO-8601 instant (2026-11-02T09:00:00Z) or "
                + "epoch milliseconds, got " + clip(node.toString()));
    }

    private static long check(long epochMillis, String field) {
        if (epochMillis < 0 || epochMillis > 32_503_680_000_000L) {
            throw Problem.invalid(field, "field '" + field + "' must be between 1970 and 3000, got " + epochMillis);
        }
        return epochMillis;
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
