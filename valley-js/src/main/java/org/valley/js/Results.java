package org.valley.js;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.valley.codec.DecodeResult;
import org.valley.codec.EncodeResult;

/**
 * Reads what a codec function returned (as JSON text, so numbers compare as JSON numbers: 20.0
 * is 20) into Valley's results, checking the TS013 shapes: {@code {data, warnings}} or
 * {@code {errors}} for decoders, {@code {bytes, fPort, warnings}} or {@code {errors}} for encoders.
 */
final class Results {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.fasterxml.jackson.databind.ObjectReader ANY = JSON.readerFor(Object.class);

    private Results() {}

    static DecodeResult decoded(String function, String json) {
        Map<String, Object> result;
        try {
            result = object(function, json);
        } catch (IllegalArgumentException e) {
            return new DecodeResult.Rejected(List.of(e.getMessage()));
        }
        List<String> errors = strings(result.get("errors"));
        if (!errors.isEmpty()) {
            return new DecodeResult.Rejected(errors);
        }
        if (!(result.get("data") instanceof Map<?, ?> data)) {
            return new DecodeResult.Rejected(List.of(function + " must return {data: {...}} or {errors: [...]}, got "
                    + abbreviate(json)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) data;
        return new DecodeResult.Decoded(values, strings(result.get("warnings")));
    }

    static EncodeResult encoded(String json) {
        Map<String, Object> result;
        try {
            result = object("encodeDownlink", json);
        } catch (IllegalArgumentException e) {
            return new EncodeResult.Rejected(List.of(e.getMessage()));
        }
        List<String> errors = strings(result.get("errors"));
        if (!errors.isEmpty()) {
            return new EncodeResult.Rejected(errors);
        }
        if (!(result.get("bytes") instanceof List<?> list)) {
            return new EncodeResult.Rejected(List.of("encodeDownlink must return {bytes: [...], fPort} or {errors: [...]}"));
        }
        byte[] bytes = new byte[list.size()];
        for (int i = 0; i < bytes.length; i++) {
            if (!(list.get(i) instanceof Integer b) || b < 0 || b > 255) {
                return new EncodeResult.Rejected(List.of(
                        "encodeDownlink returned bytes[" + i + "] = " + list.get(i) + "; each byte must be an integer 0-255"));
            }
            bytes[i] = (byte) (int) b;
        }
        int fPort = -1;
        Object port = result.get("fPort");
        if (port != null) {
            if (!(port instanceof Integer p) || p < 1 || p > 223) {
                return new EncodeResult.Rejected(List.of("encodeDownlink returned fPort " + port + "; it must be 1-223"));
            }
            fPort = p;
        }
        return new EncodeResult.Encoded(bytes, fPort, strings(result.get("warnings")));
    }

    private static Map<String, Object> object(String function, String json) {
        if (json == null) {
            throw new IllegalArgumentException(function + " returned nothing; it must return an object");
        }
        Object parsed;
        try {
            parsed = ANY.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(function + " returned a value that is not JSON: " + abbreviate(json));
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(function + " must return an object, got " + abbreviate(json));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) map;
        return result;
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                out.add(String.valueOf(o));
            }
        } else {
            out.add(String.valueOf(value));
        }
        return out;
    }

    private static String abbreviate(String json) {
        return json.length() <= 120 ? json : json.substring(0, 117) + "...";
    }

    static String toJson(Map<String, Object> data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("downlink data cannot be written as JSON: " + e.getOriginalMessage());
        }
    }
}
