package org.valley.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Writes MQTT packets byte by byte, so that a test can send what no client library would. */
final class RawMqtt {

    private RawMqtt() {}

    static byte[] connect(boolean v5, String clientId, String user, String password) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, "MQTT");
        b.write(v5 ? 5 : 4);
        b.write(0xC2); // user name, password, clean session
        b.write(0);
        b.write(30); // keep alive
        if (v5) {
            b.write(0); // no properties
        }
        string(b, clientId);
        string(b, user);
        string(b, password);
        return packet(0x10, b.toByteArray());
    }

    static byte[] publish(boolean v5, String topic, byte[] payload, int packetId) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, topic);
        b.write(packetId >> 8);
        b.write(packetId & 0xFF);
        if (v5) {
            b.write(0);
        }
        b.writeBytes(payload);
        return packet(0x32, b.toByteArray()); // QoS 1
    }

    /** One to four changes: a byte replaced, removed or inserted, or the rest cut off. */
    static byte[] mutate(byte[] packet, Random random) {
        List<Byte> bytes = new ArrayList<>();
        for (byte x : packet) {
            bytes.add(x);
        }
        for (int n = 1 + random.nextInt(4); n > 0 && !bytes.isEmpty(); n--) {
            int at = random.nextInt(bytes.size());
            switch (random.nextInt(4)) {
                case 0 -> bytes.set(at, (byte) random.nextInt(256));
                case 1 -> bytes.remove(at);
                case 2 -> bytes.add(at, (byte) random.nextInt(256));
                default -> bytes.subList(at, bytes.size()).clear();
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        b.write(text.length >> 8);
        b.write(text.length & 0xFF);
        b.writeBytes(text);
    }

    private static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            b.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        b.writeBytes(body);
        return b.toByteArray();
    }
}
