package org.valley.frame;

/** Hexadecimal text of payloads: either case on input, lower case on output. */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /** Returns the lower-case hex text of {@code bytes}. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xF];
        }
        return new String(out);
    }

    /**
     * Parses hex text (either case).
     *
     * @throws IllegalArgumentException naming the rule broken: odd length or a non-hex character
     */
    public static byte[] decode(CharSequence text) {
        int n = text.length();
        if ((n & 1) != 0) {
            throw new IllegalArgumentException("must have an even number of hex digits, got " + n);
        }
        byte[] out = new byte[n / 2];
        for (int i = 0; i < n; i += 2) {
            int hi = digit(text.charAt(i), i);
            int lo = digit(text.charAt(i + 1), i + 1);
            out[i / 2] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int digit(char c, int index) {
        int value = value(c);
        if (value < 0) {
            throw new IllegalArgumentException("must be hexadecimal, found '" + c + "' at position " + index);
        }
        return value;
    }

    /** The value of one hex digit (either case), or -1 when {@code c} is not one. */
    public static int value(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** True when {@code text} is hex digits only (either case). */
    public static boolean isHex(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
