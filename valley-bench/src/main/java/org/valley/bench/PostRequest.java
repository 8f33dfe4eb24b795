package org.valley.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one HTTP/1.1 POST of JSON, rewritten in place for each body: the request line and
 * the headers up to {@code Content-Length} are made once for a fixed target (or once per target
 * with {@link #write(String, byte[], int)}), so a request costs a few copies and no objects.
 */
final class PostRequest {

    private final byte[] prefix;
    /** The headers after the request line, up to {@code Content-Length: }. */
    private final byte[] headers;
    private byte[] bytes = new byte[4096];
    private int length;

    PostRequest(String target, String host, int port) {
        this.headers = (" HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
        this.prefix = ("POST " + target + new String(headers, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
    }

    /** Makes the request carrying {@code body[0, bodyLength)}: {@link #bytes()}{@code [0, }{@link #length()}{@code )}. */
    void write(byte[] body, int bodyLength) {
        int needed = prefix.length + 14 + bodyLength;
        if (bytes.length < needed) {
            bytes = Arrays.copyOf(bytes, needed + 1024);
        }
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        finish(prefix.length, body, bodyLength);
    }

    /** As {@link #write(byte[], int)}, to {@code target} instead of the fixed one (ASCII). */
    void write(String target, byte[] body, int bodyLength) {
        int n = target.length();
        int needed = 5 + n + headers.length + 14 + bodyLength;
        if (bytes.length < needed) {
            bytes = Arrays.copyOf(bytes, needed + 1024);
        }
        bytes[0] = 'P';
        bytes[1] = 'O';
        bytes[2] = 'S';
        bytes[3] = 'T';
        bytes[4] = ' ';
        for (int i = 0; i < n; i++) {
            bytes[5 + i] = (byte) target.charAt(i);
        }
        System.arraycopy(headers, 0, bytes, 5 + n, headers.length);
        finish(5 + n + headers.length, body, bodyLength);
    }

    private void finish(int at, byte[] body, int bodyLength) {
        int digits = 1;
        for (int v = bodyLength; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = at + digits - 1, v = bodyLength; i >= at; i--, v /= 10) {
            bytes[i] = (byte) ('0' + v % 10);
        }
        at += digits;
        bytes[at++] = '\r';
        bytes[at++] = '\n';
        bytes[at++] = '\r';
        bytes[at++] = '\n';
        System.arraycopy(body, 0, bytes, at, bodyLength);
        length = at + bodyLength;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }
}
