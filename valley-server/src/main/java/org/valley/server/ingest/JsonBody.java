package org.valley.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import org.valley.server.http.Problem;

/**
 * Reads the JSON bodies networks send, naming every field by its path ({@code
 * uplink_message.rx_metadata[1].rssi}) when it breaks a rule. Absent and null fields read as
 * absent: the networks omit empty values (The Things Stack drops {@code 0}, {@code ""} and {@code
 * false}; ChirpStack's Protobuf JSON mapping drops defaults), so an absent field means its default.
 */
public final class JsonBody {

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20).build())
            .build());

    private JsonBody() {}

    /** Parses a body that must be one JSON object. */
    public static JsonNode object(byte[] body) {
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw Problem.malformed("the body must be a JSON object");
        }
        return node;
    }

    /** Parses a body that must be one JSON value. */
    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw Problem.malformed("a JSON body is required");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw Problem.malformed("a JSON body is required");
            }
            return node;
        } catch (IOException e) {
            String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw Problem.malformed("the body is not valid JSON: " + message);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The member {@code name} of {@code parent}, or null when absent or null. */
    public static JsonNode member(JsonNode parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? null : node;
    }

    /** An optional object member; a present non-object is refused. */
    public static JsonNode object(JsonNode parent, String name, String path) {
        JsonNode node = member(parent, name);
        if (node != null && !node.isObject()) {
            throw Problem.invalid(path, "field '" + path + "' must be an object");
        }
        return node;
    }

    /** An optional string member of at most {@code max} characters. */
    public static String text(JsonNode parent, String name, String path, int max) {
        JsonNode node = member(parent, name);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw Problem.invalid(path, "field '" + path + "' must be a string");
        }
        String text = node.asText();
        if (text.length() > max) {
            throw Problem.invalid(path, "field '" + path + "' must be at most " + max + " characters");
        }
        return text;
    }

    /** An optional unsigned integer member within [0, max]; absent reads as {@code absent}. */
    public static long unsigned(JsonNode parent, String name, String path, long max, long absent) {
        JsonNode node = member(parent, name);
        if (node == null) {
            return absent;
        }
        // The Protobuf JSON mapping may write 64-bit integers as strings; accept both forms.
        if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0 && node.asLong() <= max) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                long value = Long.parseLong(node.asText());
                if (value >= 0 && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw Problem.invalid(path, "field '" + path + "' must be an integer from 0 to " + max + ", got " + clip(node));
    }

    /** An optional finite number member, or null. */
    public static Double number(JsonNode parent, String name, String path) {
        JsonNode node = member(parent, name);
        if (node == null) {
            return null;
        }
        if (node.isNumber() && Double.isFinite(node.asDouble())) {
            return node.asDouble();
        }
        throw Problem.invalid(path, "field '" + path + "' must be a number, got " + clip(node));
    }

    /** An optional boolean member; absent reads as false. */
    public static boolean bool(JsonNode parent, String name, String path) {
        JsonNode node = member(parent, name);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw Problem.invalid(path, "field '" + path + "' must be true or false, got " + clip(node));
        }
        return node.asBoolean();
    }

    /** An optional base64 member (standard alphabet, padding optional), decoded; absent reads as empty. */
    public static byte[] base64(JsonNode parent, String name, String path, int maxBytes) {
        String text = text(parent, name, path, (maxBytes + 2) / 3 * 4 + 4);
        if (text == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw Problem.invalid(path, "field '" + path + "' must be base64: " + e.getMessage());
        }
    }

    /** An optional RFC 3339 time member in epoch milliseconds, or null. */
    public static Long time(JsonNode parent, String name, String path) {
        String text = text(parent, name, path, 64);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw Problem.invalid(path, "field '" + path + "' must be an RFC 3339 time such as "
                        + "2026-11-02T09:00:00.123Z, got '" + clip(text) + "'");
            }
        }
    }

    /** An optional array member; a present non-array is refused. */
    public static JsonNode array(JsonNode parent, String name, String path) {
        JsonNode node = member(parent, name);
        if (node != null && !node.isArray()) {
            throw Problem.invalid(path, "field '" + path + "' must be an array");
        }
        return node;
    }

    private static String clip(JsonNode node) {
        return clip(node.toString());
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
