package org.valley.json;

import java.util.List;
import java.util.Map;

/**
 * Writes decoded values as compact JSON text. The core stores decoded output as JSON without
 * depending on a JSON library; values are those a codec produces: maps, lists, numbers, booleans,
 * strings and null.
 */
public final class Json {

    private Json() {}

    /**
     * Returns {@code value} as JSON text. Non-finite doubles are written as null. Text that is all
     * Latin-1, nearly all of it, is written by {@link Latin1JsonWriter}; the rest goes through {@link
     * #write(Object, StringBuilder)}, which gives the same text.
     */
    public static String write(Object value) {
        String latin1 = Latin1JsonWriter.write(value);
        if (latin1 != null) {
            return latin1;
        }
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    /** Appends {@code value} as JSON text to {@code out}. */
    public static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s, out);
            case Boolean b -> out.append(b.booleanValue());
            case Integer i -> out.append(i.intValue());
            case Long l -> out.append(l.longValue());
            case Double d -> number(d, out);
            case Float f -> number(f.doubleValue(), out);
            case Number n -> out.append(n.toString());
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(String.valueOf(e.getKey()), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), out);
                }
                out.append(']');
            }
            default -> string(value.toString(), out);
        }
    }

    private static void number(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(d);
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void string(String s, StringBuilder out) {
        out.append('"');
        int plain = 0;
        while (plain < s.length() && !needsEscape(s.charAt(plain))) {
            plain++;
        }
        out.append(s, 0, plain);
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\';
    }
}
