package org.valley.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
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
            return epochMillis(text);
        } catch (DateTimeException | ArithmeticException e) {
            throw Problem.invalid(path, "field '" + path + "' must be an RFC 3339 time such as "
                    + "2026-11-02T09:00:00.123Z, got '" + clip(text) + "'");
        }
    }

    /**
     * An RFC 3339 time in epoch milliseconds (the fraction beyond milliseconds dropped), as {@link
     * Instant#parse} or, failing that, {@link OffsetDateTime#parse} read it. The form networks send,
     * {@code 2026-11-02T09:00:00.123456789Z}, is read directly: the formatters cost more than the
     * rest of a webhook body.
     *
     * @throws DateTimeException when the text is no such time
     * @throws ArithmeticException when it is too far from 1970 for epoch milliseconds
     */
    public static long epochMillis(String text) {
        long fast = utcMillis(text);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} in epoch milliseconds, or Long.MIN_VALUE for anything else. */
    private static long utcMillis(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        int millis = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n == 21 || digits(t, 20, n - 21) < 0) {
                return Long.MIN_VALUE;
            }
            for (int i = 0; i < 3; i++) {
                millis = millis * 10 + (20 + i < n - 1 ? t.charAt(20 + i) - '0' : 0);
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The decimal number of {@code count} (at most 9) ASCII digits at {@code from}, or -1. */
    private static int digits(String t, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
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
