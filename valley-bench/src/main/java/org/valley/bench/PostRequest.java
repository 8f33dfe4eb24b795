package org.valley.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one HTTP/1.1 POST of JSON to a fixed target, rewritten in place for each body: the
 * request line and the headers up to {@code Content-Length} are made once, so a request costs a
 * few copies and no objects.
 */
final class PostRequest {

    private final byte[] prefix;
    private byte[] bytes = new byte[4096];
    private int length;

    PostRequest(String target, String host, int port) {
        this.prefix = ("POST " + target + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    /** Makes the request carrying {@code body[0, bodyLength)}: {@link #bytes()}{@code [0, }{@link #length()}{@code )}. */
    void write(byte[] body, int bodyLength) {
        int needed = prefix.length + 14 + bodyLength;
        if (bytes.length < needed) {
            bytes = Arrays.copyOf(bytes, needed + 1024);
        }
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        int at = prefix.length;
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
