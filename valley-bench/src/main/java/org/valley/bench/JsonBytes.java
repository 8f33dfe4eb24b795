package org.valley.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * A growable byte buffer for writing request bodies without {@code String.format} or per-request
 * strings: the load generator shares the machine's cores with the server, so a body must cost
 * little to write. Not thread-safe.
 */
final class JsonBytes {

    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private byte[] buf = new byte[2048];
    private int len;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedTime;

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    void reset() {
        len = 0;
    }

    byte[] array() {
        return buf;
    }

    int length() {
        return len;
    }

    JsonBytes put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
        return this;
    }

    /** A short ASCII literal. */
    JsonBytes put(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            buf[len++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    JsonBytes put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    JsonBytes putLong(long value) {
        ensure(20);
        if (value < 0) {
            buf[len++] = '-';
            value = -value;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }

    /** A number given in tenths, e.g. -75 as {@code -7.5}. */
    JsonBytes putTenths(int tenths) {
        if (tenths < 0) {
            put('-');
            tenths = -tenths;
        }
        putLong(tenths / 10);
        return put('.').put((char) ('0' + tenths % 10));
    }

    /** {@code value}'s low {@code digits} hex digits, most significant first. */
    JsonBytes putHex(long value, int digits, boolean upper) {
        byte[] hex = upper ? HEX_UPPER : HEX_LOWER;
        ensure(digits);
        for (int i = digits - 1; i >= 0; i--) {
            buf[len++] = hex[(int) (value >>> (4 * i)) & 0xF];
        }
        return this;
    }

    JsonBytes putBase64(byte[] data, int length) {
        ensure((length + 2) / 3 * 4);
        int i = 0;
        for (; i + 3 <= length; i += 3) {
            int v = (data[i] & 0xFF) << 16 | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF);
            buf[len++] = BASE64[v >>> 18];
            buf[len++] = BASE64[(v >>> 12) & 0x3F];
            buf[len++] = BASE64[(v >>> 6) & 0x3F];
            buf[len++] = BASE64[v & 0x3F];
        }
        if (length - i == 1) {
            int v = (data[i] & 0xFF) << 16;
            buf[len++] = BASE64[v >>> 18];
            buf[len++] = BASE64[(v >>> 12) & 0x3F];
            buf[len++] = '=';
            buf[len++] = '=';
        } else if (length - i == 2) {
            int v = (data[i] & 0xFF) << 16 | (data[i + 1] & 0xFF) << 8;
            buf[len++] = BASE64[v >>> 18];
            buf[len++] = BASE64[(v >>> 12) & 0x3F];
            buf[len++] = BASE64[(v >>> 6) & 0x3F];
            buf[len++] = '=';
        }
        return this;
    }

    /** An RFC 3339 UTC time with nanoseconds, e.g. {@code 2026-12-06T19:00:00.123456789Z}, unquoted. */
    JsonBytes putTime(long epochSeconds, int nanos) {
        if (epochSeconds != cachedSecond) {
            cachedSecond = epochSeconds;
            cachedTime = ascii(SECONDS.format(Instant.ofEpochSecond(epochSeconds)));
        }
        put(cachedTime).put('.');
        ensure(10);
        for (int div = 100_000_000; div > 0; div /= 10) {
            buf[len++] = (byte) ('0' + nanos / div % 10);
        }
        buf[len++] = 'Z';
        return this;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
