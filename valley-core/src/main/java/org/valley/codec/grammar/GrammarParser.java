package org.valley.codec.grammar;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a config text into fields, resolving omitted byte indexes once.
 *
 * <p>Omitted byte index (Sigfox's rule): the first field starts at byte 0; a bool stays on the
 * current byte, which is the last byte the previous field covered; any other field starts at the
 * byte after that one, or on that same byte when the previous field was given an explicit bit
 * offset. Reading "current byte" as the previous field's last byte follows the documentation's
 * wording ("stays") and fits real configs that end with a run of bools and exactly fill 12 bytes.
 */
final class GrammarParser {

    /** Fields must lie within the first 256 bytes: far beyond Sigfox's 12 and LoRaWAN's 242. */
    static final int MAX_BYTES = 256;

    private static final Set<String> TYPES = Set.of("bool", "char", "uint", "int", "float");

    private final Set<String> names = new HashSet<>();
    private final List<Field> fields = new ArrayList<>();
    private int lastByte = -1;
    private boolean previousHadBitOffset;

    private GrammarParser() {}

    static Field[] parse(String config) {
        if (config == null) {
            throw new GrammarException("config is null");
        }
        String text = config.strip();
        if (text.isEmpty()) {
            throw new GrammarException("config declares no fields");
        }
        GrammarParser parser = new GrammarParser();
        String[] tokens = text.split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            parser.field(tokens[i], i + 1);
        }
        return parser.fields.toArray(new Field[0]);
    }

    private void field(String token, int position) {
        String[] parts = token.split(":", -1);
        String name = parts[0];
        String label = name.isEmpty() ? "field #" + position : "field '" + name + "'";
        if (parts.length < 3) {
            throw new GrammarException(label + ": expected name:byteIndex:type[:args], got '" + token + "'");
        }
        checkName(name, label);
        if (!names.add(name)) {
            throw new GrammarException(label + ": duplicate field name");
        }
        Integer index = parts[1].isEmpty() ? null : byteIndex(parts[1], label);
        String type = parts[2];
        Field field = switch (type) {
            case "bool" -> bool(parts, name, label, index);
            case "char" -> chars(parts, name, label, index);
            case "uint", "int" -> integer(parts, name, label, index, type);
            case "float" -> floating(parts, name, label, index);
            default -> throw new GrammarException(
                    label + ": unknown type '" + type + "' (expected bool, char, uint, int or float)");
        };
        if (field.endByte >= MAX_BYTES) {
            throw new GrammarException(label + ": ends at byte " + field.endByte + ", past the "
                    + MAX_BYTES + "-byte limit");
        }
        fields.add(field);
        lastByte = field.endByte;
        previousHadBitOffset = field.explicitBitOffset;
    }

    private static int byteIndex(String text, String label) {
        if (TYPES.contains(text)) {
            throw new GrammarException(label + ": byte index must be a whole number 0.." + (MAX_BYTES - 1)
                    + ", got '" + text + "' (write an omitted byte index as name::type)");
        }
        return number(text, label, "byte index", 0, MAX_BYTES - 1);
    }

    private Field bool(String[] parts, String name, String label, Integer index) {
        arguments(parts, label, "bool", 1, 1, "bool:B");
        int bit = number(parts[3], label, "bool bit", 0, 7);
        int start = index != null ? index : Math.max(lastByte, 0);
        return new Field(name, Field.BOOL, start, bit, 1, false, false);
    }

    private Field chars(String[] parts, String name, String label, Integer index) {
        arguments(parts, label, "char", 1, 1, "char:L");
        int length = number(parts[3], label, "char length", 1, MAX_BYTES, " bytes");
        return new Field(name, Field.CHAR, start(index), 7, length, false, false);
    }

    private Field integer(String[] parts, String name, String label, Integer index, String type) {
        arguments(parts, label, type, 1, 3, type + ":N[:endianness[:bitOffset]]");
        int length = number(parts[3], label, type + " length", 1, 64, " bits");
        boolean little = parts.length > 4 && endianness(parts[4], label);
        boolean hasOffset = parts.length > 5 && !parts[5].isEmpty();
        int offset = hasOffset ? number(parts[5], label, "bit offset", 0, 7) : 7;
        int kind = type.equals("uint") ? Field.UINT : Field.INT;
        return new Field(name, kind, start(index), offset, length, little, hasOffset);
    }

    private Field floating(String[] parts, String name, String label, Integer index) {
        arguments(parts, label, "float", 1, 2, "float:32|64[:endianness]");
        long length = digits(parts[3]);
        if (length != 32 && length != 64) {
            throw new GrammarException(label + ": float length must be 32 or 64 bits, got " + parts[3]);
        }
        boolean little = parts.length > 4 && endianness(parts[4], label);
        return new Field(name, Field.FLOAT, start(index), 7, (int) length, little, false);
    }

    /** Where a non-bool field starts: its explicit index, or Sigfox's rule for an omitted one. */
    private int start(Integer index) {
        if (index != null) {
            return index;
        }
        if (lastByte < 0) {
            return 0;
        }
        return previousHadBitOffset ? lastByte : lastByte + 1;
    }

    private static void arguments(String[] parts, String label, String type, int min, int max, String form) {
        int count = parts.length - 3;
        if (count < min || parts[3].isEmpty()) {
            throw new GrammarException(label + ": " + type + " needs an argument (" + form + ")");
        }
        if (count > max) {
            throw new GrammarException(label + ": " + type + " takes at most " + max
                    + (max == 1 ? " argument" : " arguments") + " (" + form + "), got " + count);
        }
    }

    private static boolean endianness(String text, String label) {
        return switch (text) {
            case "", "big-endian" -> false;
            case "little-endian" -> true;
            default -> throw new GrammarException(
                    label + ": endianness must be big-endian or little-endian, got '" + text + "'");
        };
    }

    private static void checkName(String name, String label) {
        if (name.isEmpty()) {
            throw new GrammarException(label + ": name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '_' && c != '-' && c != '#') {
                throw new GrammarException(label + ": name may hold letters, digits, '_', '-' and '#', got '"
                        + c + "'");
            }
        }
    }

    private static int number(String text, String label, String what, int min, int max) {
        return number(text, label, what, min, max, "");
    }

    /** Parses ASCII digits only: no sign, no spaces, no other scripts' digits. */
    private static int number(String text, String label, String what, int min, int max, String unit) {
        long value = digits(text);
        if (value < 0) {
            throw new GrammarException(label + ": " + what + " must be a whole number "
                    + min + ".." + max + unit + ", got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new GrammarException(label + ": " + what + " must be " + min + ".." + max + unit
                    + ", got " + text);
        }
        return (int) value;
    }

    /** The value of a string of ASCII digits (saturating at Integer.MAX_VALUE), or -1. */
    private static long digits(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = Math.min(value * 10 + (c - '0'), Integer.MAX_VALUE);
        }
        return value;
    }
}
