package org.valley.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Reads and validates fields of JSON request bodies and query parameters, naming the field on error. */
public final class Fields {

    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Fields() {}

    /** Parses a JSON object body. */
    public static JsonNode object(byte[] body) {
        JsonNode node = objectOrArray(body);
        if (!node.isObject()) {
            throw Problem.malformed("the body must be a JSON object");
        }
        return node;
    }

    /** A body that is one JSON object or an array (of objects, checked by the caller). */
    public static JsonNode objectOrArray(byte[] body) {
        if (body == null || body.length == 0) {
            throw Problem.malformed("a JSON object body is required");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw Problem.malformed("the body is not valid JSON: " + message);
        }
        if (node == null || !(node.isObject() || node.isArray())) {
            throw Problem.malformed("the body must be a JSON object or an array of them");
        }
        return node;
    }

    /** A required string field. */
    public static String string(JsonNode body, String field) {
        String value = optionalString(body, field);
        if (value == null || value.isBlank()) {
            throw Problem.invalid(field, "field '" + field + "' is required (a string)");
        }
        return value;
    }

    /** An optional string field: null when absent or null. */
    public static String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw Problem.invalid(field, "field '" + field + "' must be a string");
        }
        return node.asText();
    }

    /** A required id: letters, digits and {@code . _ : -}, at most 64 characters. */
    public static String id(JsonNode body, String field) {
        return checkId(string(body, field), field);
    }

    public static String checkId(String value, String field) {
        if (!ID.matcher(value).matches()) {
            throw Problem.invalid(field, "field '" + field + "' must be 1 to 64 letters, digits or . _ : - "
                    + "starting with a letter or digit, got '" + value + "'");
        }
        return value;
    }

    /** A required hex payload field, decoded. */
    public static byte[] hex(JsonNode body, String field) {
        try {
            return org.valley.frame.Hex.decode(string(body, field));
        } catch (IllegalArgumentException e) {
            throw Problem.invalid(field, "field '" + field + "' " + e.getMessage());
        }
    }

    /** An optional integer field within [min, max]. */
    public static Integer optionalInt(JsonNode body, String field, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < min || node.asInt() > max) {
            throw Problem.invalid(field, "field '" + field + "' must be an integer from " + min + " to " + max);
        }
        return node.asInt();
    }

    /** An optional time query parameter: ISO-8601 instant or epoch milliseconds. */
    public static Long time(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(value).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw Problem.invalid(field, "parameter '" + field
                        + "' must be an ISO-8601 instant (2026-11-02T09:00:00Z) or epoch milliseconds, got '" + value + "'");
            }
        }
    }

    /** An optional positive integer query parameter, capped. */
    public static int limit(String value, int fallback, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.invalid("limit", "parameter 'limit' must be an integer from 1 to " + max + ", got '" + value + "'");
    }

    /** A required duration query parameter: ISO-8601 ({@code PT1H}). */
    public static Duration duration(String value, String field) {
        if (value == null || value.isBlank()) {
            throw Problem.invalid(field, "parameter '" + field + "' is required: an ISO-8601 duration such as PT1H");
        }
        try {
            Duration d = Duration.parse(value);
            if (d.toMillis() >= 1000) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw Problem.invalid(field, "parameter '" + field + "' must be an ISO-8601 duration of at least PT1S, got '"
                + value + "'");
    }
}
