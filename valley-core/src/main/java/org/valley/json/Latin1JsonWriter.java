package org.valley.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a value as {@link Json#write(Object)} does, straight into bytes, for values whose text is
 * all Latin-1: what codecs produce nearly always is. It gives up (returns null) at the first
 * character above U+00FF, and {@link Json} then writes the value through a StringBuilder.
 *
 * <p>Why: a decoded frame is written once per frame by the projection. Through a StringBuilder,
 * each of its forty-odd appends checked the builder's capacity and coder, and the text was copied
 * out at the end; here the keys and the string values a codec repeats are copied as whole quoted
 * tokens, and the bytes become the String with a single copy.
 *
 * <p>One writer per call: not thread-safe, not reused.
 */
final class Latin1JsonWriter {

    /**
     * Quoted texts of strings known to need no escape, by identity: codecs write the same key and
     * label constants for every frame. A string's token is in one of two slots, an even one and the
     * next; a racy overwrite only costs writing a token again. Tokens are immutable once published.
     */
    private record Token(String text, byte[] quoted) {}

    private static final Token[] TOKENS = new Token[1024];
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final double[] POWERS = {1, 10, 100, 1_000, 10_000};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Strings longer than this are not kept as tokens: they are unlikely to repeat. */
    private static final int MAX_TOKEN = 64;

    private byte[] buf = new byte[256];
    private int len;

    /** The JSON text of {@code value}, or null when it holds a character beyond Latin-1. */
    static String write(Object value) {
        Latin1JsonWriter w = new Latin1JsonWriter();
        if (!w.value(value)) {
            return null;
        }
        return new String(w.buf, 0, w.len, StandardCharsets.ISO_8859_1);
    }

    private boolean value(Object value) {
        switch (value) {
            case null -> put(NULL);
            case String s -> {
                return string(s);
            }
            case Boolean b -> put(b ? TRUE : FALSE);
            case Integer i -> putLong(i);
            case Long l -> putLong(l);
            case Double d -> number(d);
            case Float f -> number(f.doubleValue());
            case Number n -> {
                return text(n.toString()); // another kind of number writes what its toString says
            }
            case JsonObject object -> {
                put('{');
                for (int i = 0; i < object.size(); i++) {
                    if (!member(i == 0, object.keyAt(i), object.valueAt(i))) {
                        return false;
                    }
                }
                put('}');
            }
            case Map<?, ?> map -> {
                put('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!member(first, e.getKey(), e.getValue())) {
                        return false;
                    }
                    first = false;
                }
                put('}');
            }
            case List<?> list -> {
                put('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        put(',');
                    }
                    if (!value(list.get(i))) {
                        return false;
                    }
                }
                put(']');
            }
            default -> {
                return string(value.toString());
            }
        }
        return true;
    }

    /** Appends one member of an object, after a comma unless it is the first; false beyond Latin-1. */
    private boolean member(boolean first, Object key, Object value) {
        if (!first) {
            put(',');
        }
        if (!string(String.valueOf(key))) {
            return false;
        }
        put(':');
        return value(value);
    }

    private void number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            put(NULL);
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            putLong((long) d);
        } else if (!fewDecimals(d)) {
            text(Double.toString(d)); // digits, '.', '-', 'E'
        }
    }

    /**
     * Writes {@code d} when it is the double nearest to a decimal of at most four fraction digits
     * between 0.001 and 10^7 (21.75, -0.5, 3.125: most of what sensors report), as {@link
     * Double#toString} would, without making a String. Such a decimal has at most 15 significant
     * digits, so no other decimal as short reads back as the same double: it is the shortest form,
     * which is what {@code Double.toString} writes, in plain notation in that range.
     *
     * @return false, having written nothing, for any other double
     */
    private boolean fewDecimals(double d) {
        double a = Math.abs(d);
        if (!(a >= 1e-3 && a < 1e7)) {
            return false;
        }
        for (int k = 1; k < POWERS.length; k++) {
            double m = Math.rint(a * POWERS[k]);
            if (m / POWERS[k] == a) {
                long digits = (long) m;
                long power = (long) POWERS[k];
                ensure(24);
                if (d < 0) {
                    buf[len++] = '-';
                }
                putLong(digits / power);
                buf[len++] = '.';
                long fraction = digits % power;
                for (long p = power / 10; p > 0; p /= 10) {
                    buf[len++] = (byte) ('0' + (int) (fraction / p % 10));
                }
                return true;
            }
        }
        return false;
    }

    /** Appends a string literal; false on a character beyond Latin-1. */
    private boolean string(String s) {
        int slot = System.identityHashCode(s) & (TOKENS.length - 2);
        Token token = TOKENS[slot];
        if (token != null && token.text == s || (token = TOKENS[slot + 1]) != null && token.text == s) {
            put(token.quoted);
            return true;
        }
        int n = s.length();
        int at = len;
        ensure(n + 2);
        buf[len++] = '"';
        boolean plain = true;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                return false;
            }
            if (c < 0x20 || c == '"' || c == '\\') {
                plain = false;
                escape(c);
            } else {
                ensure(1);
                buf[len++] = (byte) c;
            }
        }
        ensure(1);
        buf[len++] = '"';
        if (plain && n <= MAX_TOKEN) {
            // two places per string: the first one filled stays, so two strings that share a
            // place both keep a token instead of replacing each other at every frame
            TOKENS[TOKENS[slot] == null ? slot : slot + 1] = new Token(s, Arrays.copyOfRange(buf, at, len));
        }
        return true;
    }

    private void escape(char c) {
        ensure(6);
        buf[len++] = '\\';
        switch (c) {
            case '"' -> buf[len++] = '"';
            case '\\' -> buf[len++] = '\\';
            case '\n' -> buf[len++] = 'n';
            case '\r' -> buf[len++] = 'r';
            case '\t' -> buf[len++] = 't';
            default -> {
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[(c >> 4) & 0xF];
                buf[len++] = HEX[c & 0xF];
            }
        }
    }

    /** Appends {@code s} as it is, unquoted; false, having written part of it, at a character beyond Latin-1. */
    private boolean text(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                return false;
            }
            buf[len++] = (byte) c;
        }
        return true;
    }

    private void putLong(long v) {
        if (v == Long.MIN_VALUE) {
            text(Long.toString(v)); // no positive counterpart to write the digits of
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        len = end;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
