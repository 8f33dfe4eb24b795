package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.DateTimeException;
import java.util.Base64;
import org.valley.server.ingest.JsonBody;

/**
 * Reads the members of a webhook body in one pass of its tokens, for the uplinks that make up
 * nearly all of a network's traffic ({@link TtsUplinkScan}, {@link ChirpstackUplinkScan}). Building a
 * tree of a 1.5 KB body and looking its members up cost more than all the rest of an uplink's
 * reading. The tokens come from the body's bytes ({@link ByteTokens}, a strict subset of JSON) and,
 * when those give up, from Jackson's streaming parser.
 *
 * <p>It reads a valid uplink only: at the first value it would refuse (a wrong type, a value out of
 * range, a malformed body, a member given twice) it gives up with {@link #NOT_FAST}, and the format
 * reads the message again with {@link JsonBody}'s tree, which applies the same rules and names the
 * field in its problem. So every refusal, and everything other than a plain uplink, keeps the one
 * reading of the rules; the tests compare both readings on many valid and broken bodies.
 */
final class JsonScan {

    /** Thrown to give the message over to the tree reading; carries no stack. */
    static final class NotFast extends RuntimeException {
        private NotFast() {
            super("not read in one pass", null, false, false);
        }
    }

    static final NotFast NOT_FAST = new NotFast();

    /**
     * Thrown by {@link ByteTokens} on a body outside its subset of JSON: Jackson's parser reads that
     * body again. Any other giving up (a value refused, a member given twice) would recur with
     * Jackson's identical tokens, so the tree reading takes it directly.
     */
    static final NotFast NOT_BYTES = new NotFast();

    private JsonScan() {}

    /** Jackson's parser on {@code body}, on the start of its top-level object. */
    static Tokens open(byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            throw NOT_FAST;
        }
        JsonParser p = JsonBody.mapper().getFactory().createParser(body);
        if (p.nextToken() != JsonToken.START_OBJECT) {
            p.close();
            throw NOT_FAST;
        }
        return new Tokens.Jackson(p);
    }

    /** Marks member {@code bit} of an object as read; a member given twice gives up. */
    static int once(int seen, int bit) {
        if ((seen & bit) != 0) {
            throw NOT_FAST;
        }
        return seen | bit;
    }

    /** The current value as an object: true at its start, false for null. */
    static boolean object(Tokens p) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw NOT_FAST;
    }

    /** The current value as an array: true at its start, false for null. */
    static boolean array(Tokens p) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw NOT_FAST;
    }

    /** Reads one value, the parser at its first token (an object's start). */
    @FunctionalInterface
    interface ObjectReader {
        void read(Tokens p) throws IOException;
    }

    /**
     * The current value as an object (or null) of which only member {@code name} counts: its value
     * goes to {@code value}, the other members are skipped, and {@code name} given twice gives up.
     */
    static void member(Tokens p, String name, ObjectReader value) throws IOException {
        if (!object(p)) {
            return;
        }
        int seen = 0;
        for (String n = p.nextFieldName(); n != null; n = p.nextFieldName()) {
            p.nextToken();
            if (n.equals(name)) {
                seen = once(seen, 1);
                value.read(p);
            } else {
                skip(p);
            }
        }
    }

    /** The current value as an array of objects (or null), each handed to {@code each} at its start. */
    static void objects(Tokens p, ObjectReader each) throws IOException {
        if (!array(p)) {
            return;
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                throw NOT_FAST;
            }
            each.read(p);
        }
    }

    /** The current value as a string of at most {@code max} characters, or null. */
    static String text(Tokens p, int max) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw NOT_FAST;
        }
        String text = p.text();
        if (text.length() > max) {
            throw NOT_FAST;
        }
        return text;
    }

    /** The current value as an integer within [0, max] (a number or a string of digits); null reads as {@code absent}. */
    static long unsigned(Tokens p, long max, long absent) throws IOException {
        JsonToken t = p.currentToken();
        long value;
        if (t == JsonToken.VALUE_NULL) {
            return absent;
        } else if (t == JsonToken.VALUE_NUMBER_INT && p.integerFits()) {
            value = p.longValue();
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                value = Long.parseLong(p.text());
            } catch (NumberFormatException e) {
                throw NOT_FAST;
            }
        } else {
            throw NOT_FAST;
        }
        if (value < 0 || value > max) {
            throw NOT_FAST;
        }
        return value;
    }

    /** The current value as a finite number, or null. */
    static Double number(Tokens p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        double value;
        if (t == JsonToken.VALUE_NUMBER_INT && p.integerFits()) {
            value = p.longValue();
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            value = p.doubleValue();
        } else {
            throw NOT_FAST;
        }
        if (!Double.isFinite(value)) {
            throw NOT_FAST;
        }
        return value;
    }

    /** The current value as a boolean; null reads as false. */
    static boolean bool(Tokens p) {
        return switch (p.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw NOT_FAST;
        };
    }

    /** The current value as base64 of at most {@code maxBytes} bytes; null reads as empty. */
    static byte[] base64(Tokens p, int maxBytes) throws IOException {
        String text = text(p, (maxBytes + 2) / 3 * 4 + 4);
        if (text == null) {
            return new byte[0];
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw NOT_FAST;
        }
        if (bytes.length > maxBytes) {
            throw NOT_FAST;
        }
        return bytes;
    }

    /** The current value as an RFC 3339 time in epoch milliseconds, or null (also for ""). */
    static Long time(Tokens p) throws IOException {
        String text = text(p, 64);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return JsonBody.epochMillis(text);
        } catch (DateTimeException | ArithmeticException e) {
            throw NOT_FAST;
        }
    }

    /** The current value as the network's own decoded payload (any JSON value), or null. */
    static JsonNode value(Tokens p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        return p.tree();
    }

    /** Skips the current value, whatever it is. */
    static void skip(Tokens p) throws IOException {
        p.skipChildren();
    }

    /**
     * The metadata object kept with an uplink, written as its text directly, member by member, in
     * the order and the form the tree reading gives it.
     */
    static final class Meta {

        private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
        private final StringBuilder b = new StringBuilder(512).append('{');

        private StringBuilder name(String name) {
            if (b.length() > 1) {
                b.append(',');
            }
            return b.append('"').append(name).append("\":");
        }

        Meta text(String name, String value) {
            if (value != null) {
                name(name).append('"');
                if (plain(value)) {
                    b.append(value);
                } else {
                    QUOTE.quoteAsString(value, b);
                }
                b.append('"');
            }
            return this;
        }

        /** Whether the JSON text of {@code value} is {@code value} itself: no quote, backslash or control character. */
        private static boolean plain(String value) {
            for (int i = 0, n = value.length(); i < n; i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c == '"' || c == '\\') {
                    return false;
                }
            }
            return true;
        }

        Meta number(String name, long value) {
            name(name).append(value);
            return this;
        }

        Meta flag(String name, boolean on) {
            if (on) {
                name(name).append("true");
            }
            return this;
        }

        /** The network's decoded payload, when it fits ({@link LorawanFields#decoded}). */
        Meta decoded(JsonNode decoded) {
            if (decoded != null) {
                String json = decoded.toString();
                if (json.length() <= LorawanFields.MAX_META_CHARS) {
                    name("decoded").append(json);
                }
            }
            return this;
        }

        /** The text; the writer is done with then. */
        String done() {
            return b.length() == 1 ? null : b.append('}').toString();
        }
    }
}
