package org.valley.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An MQTT 5 publisher load generator on one thread with raw NIO: {@code clients} connections, each
 * publishing at QoS 1 for its share of the devices (device {@code d} on connection {@code d %
 * clients}, like a gateway or an application speaking for many devices), with up to {@code window}
 * PUBLISHes unacknowledged per connection (never more than the broker's Receive Maximum). It
 * writes PUBLISH packets straight into each connection's buffer and parses nothing but CONNACK,
 * PUBACK and DISCONNECT, so that it spends little of the cores it shares with the broker: a
 * few bytes of garbage per PUBACK parsed, one write per connection per batch of PUBACKs read.
 *
 * <p>Why not a client library: Paho's clients run threads of their own for each connection, and
 * HiveMQ's and Vert.x's clients run Netty pipelines that allocate per message; on 2 shared cores the
 * generator would take CPU from the broker under test and measure itself. Valley's endpoint is
 * Vert.x (Netty) and Mosquitto is C: neither gets an advantage from the client.
 *
 * <p>Closed loop ({@code rate <= 0}): every PUBACK lets the connection send its next PUBLISH, which
 * finds the maximum rate; latency is PUBACK time minus PUBLISH time. Open loop ({@code rate > 0}):
 * publish {@code i} is due at {@code start + i / rate} and goes out on the next connection with
 * room in its window (the publishes due at once go out in one write per connection); its latency
 * counts from when it was due (no coordinated omission).
 */
final class MqttLoad implements Closeable {

    /** What one phase measured. */
    record Result(double seconds, long sent, long acked, long ackedInWindow, long refused, long failed, long unanswered,
            long notSent, Histogram latencyMicros) {

        double ackedPerSecond() {
            return ackedInWindow / seconds;
        }
    }

    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int PUBACK = 0x40;
    private static final int DISCONNECT = 0xE0;

    private final InetSocketAddress address;
    private final Selector selector;
    private final Conn[] conns;
    private final MqttTraffic traffic;
    private final byte[] username;
    private final byte[] password;
    private final String clientPrefix;
    private final int window;

    private static final class Conn {
        final int index;
        final int[] devices;
        int cursor;
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long[] tags;
        long[] starts;
        boolean[] used;
        int nextSlot;
        int inflight;
        int window;
        boolean dirty;

        Conn(int index, int[] devices) {
            this.index = index;
            this.devices = devices;
        }
    }

    // the counters of the phase running
    private Histogram histogram;
    private long acked;
    private long ackedInWindow;
    private long refused;
    private long failed;
    private long end;
    private boolean book;
    private int inflight;

    MqttLoad(InetSocketAddress address, int clients, MqttTraffic traffic, String username, String password,
            String clientPrefix, int window) throws IOException {
        this.address = address;
        this.selector = Selector.open();
        this.traffic = traffic;
        this.username = username.getBytes(StandardCharsets.UTF_8);
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.clientPrefix = clientPrefix;
        this.window = window;
        this.conns = new Conn[clients];
        for (int i = 0; i < clients; i++) {
            List<Integer> mine = new ArrayList<>();
            for (int d = i; d < traffic.devices(); d += clients) {
                mine.add(d);
            }
            conns[i] = new Conn(i, mine.stream().mapToInt(Integer::intValue).toArray());
            connect(conns[i]);
        }
    }

    /** The smallest window a connection got: the broker's Receive Maximum may lower it. */
    int effectiveWindow() {
        int min = window;
        for (Conn c : conns) {
            min = Math.min(min, c.window);
        }
        return min;
    }

    /** Opens the connection and completes CONNECT / CONNACK (blocking), then hands it to the selector. */
    private void connect(Conn c) throws IOException {
        SocketChannel channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        byte[] clientId = (clientPrefix + c.index).getBytes(StandardCharsets.UTF_8);
        ByteBuffer connect = ByteBuffer.allocate(64 + clientId.length + username.length + password.length);
        int remaining = 10 + 1 + 2 + clientId.length + 2 + username.length + 2 + password.length;
        connect.put((byte) 0x10);
        putVarint(connect, remaining);
        connect.put(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 5, (byte) 0xC2, 0, 0}); // v5, user + password + clean start, no keep-alive
        connect.put((byte) 0); // no properties
        putString(connect, clientId);
        putString(connect, username);
        putString(connect, password);
        connect.flip();
        while (connect.hasRemaining()) {
            channel.write(connect);
        }
        ByteBuffer in = ByteBuffer.allocate(1024);
        int[] header;
        while ((header = header(in, 0, in.position())) == null || in.position() < header[0] + header[1]) {
            if (channel.read(in) < 0) {
                throw new IOException("the broker closed the connection before CONNACK");
            }
        }
        byte[] a = in.array();
        if ((a[0] & 0xFF) != 0x20) {
            throw new IOException("expected CONNACK, got packet type " + ((a[0] & 0xFF) >> 4));
        }
        int body = header[0];
        if (a[body + 1] != 0) {
            throw new IOException("CONNACK refused the connection, reason code 0x" + Integer.toHexString(a[body + 1] & 0xFF));
        }
        c.window = Math.min(window, receiveMaximum(a, body + 2, header[0] + header[1]));
        int slots = Integer.highestOneBit(Math.max(8, c.window) * 4 - 1) << 1;
        c.tags = new long[slots];
        c.starts = new long[slots];
        c.used = new boolean[slots];
        c.nextSlot = 0;
        c.inflight = 0;
        channel.configureBlocking(false);
        c.channel = channel;
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
        c.in.clear();
        c.out.clear();
    }

    /** The Receive Maximum property of a CONNACK (65,535 when absent). */
    private static int receiveMaximum(byte[] a, int from, int limit) {
        int[] length = varint(a, from, limit);
        int p = from + length[1];
        int end = Math.min(limit, p + length[0]);
        while (p < end) {
            int id = a[p++] & 0xFF;
            switch (id) {
                case 0x21 -> {
                    return (a[p] & 0xFF) << 8 | (a[p + 1] & 0xFF);
                }
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> p += 1;
                case 0x13, 0x22, 0x23 -> p += 2;
                case 0x02, 0x11, 0x18, 0x27 -> p += 4;
                case 0x0B -> p += varint(a, p, end)[1];
                case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F -> p += 2 + ((a[p] & 0xFF) << 8 | (a[p + 1] & 0xFF));
                case 0x26 -> {
                    p += 2 + ((a[p] & 0xFF) << 8 | (a[p + 1] & 0xFF));
                    p += 2 + ((a[p] & 0xFF) << 8 | (a[p + 1] & 0xFF));
                }
                default -> {
                    return 65_535; // a property this parser does not know: assume no limit was set
                }
            }
        }
        return 65_535;
    }

    /**
     * Runs one phase.
     *
     * @param rate publishes per second for an open loop, or 0 for a closed loop at the maximum rate
     * @param book whether PUBACKs are booked as acknowledged frames in the traffic
     */
    Result run(double seconds, double rate, boolean book) throws IOException {
        histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        acked = 0;
        ackedInWindow = 0;
        refused = 0;
        failed = 0;
        this.book = book;
        long start = System.nanoTime();
        end = start + (long) (seconds * 1e9);
        long sent = 0;
        int next = 0;
        List<Conn> dirty = new ArrayList<>();
        if (rate <= 0) {
            for (Conn c : conns) {
                sent += fill(c, start);
                flush(c);
            }
        }
        while (true) {
            long now = System.nanoTime();
            if (now < end) {
                if (rate > 0) {
                    while (true) {
                        long due = start + (long) (sent * 1e9 / rate);
                        if (due > now) {
                            break;
                        }
                        Conn c = null;
                        for (int i = 0; i < conns.length && c == null; i++) {
                            Conn candidate = conns[next];
                            next = next + 1 == conns.length ? 0 : next + 1;
                            if (candidate.channel != null && candidate.inflight < candidate.window) {
                                c = candidate;
                            }
                        }
                        if (c == null) {
                            break; // every window is full: the publish waits, and is charged for it
                        }
                        publish(c, due);
                        if (!c.dirty) {
                            c.dirty = true;
                            dirty.add(c);
                        }
                        sent++;
                    }
                    for (Conn c : dirty) {
                        c.dirty = false;
                        if (!flush(c)) {
                            broken(c);
                        }
                    }
                    dirty.clear();
                }
            } else if (inflight == 0 || now - end > DRAIN_NANOS) {
                break;
            }
            selector.select(rate > 0 ? 1 : 10);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Conn c = (Conn) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                boolean ok = !key.isWritable() || flush(c);
                if (ok && key.isReadable()) {
                    ok = read(c);
                    if (ok && rate <= 0 && System.nanoTime() < end) {
                        sent += fill(c, System.nanoTime());
                        ok = flush(c);
                    }
                }
                if (!ok) {
                    broken(c);
                }
            }
        }
        long unanswered = 0;
        for (Conn c : conns) {
            if (c.inflight > 0 || c.channel == null) {
                int n = c.inflight;
                unanswered += n;
                broken(c);
                failed -= n; // counted as unanswered, not failed
            }
        }
        long notSent = rate > 0 ? Math.max(0, (long) (seconds * rate) - sent) : 0;
        return new Result(seconds, sent, acked, ackedInWindow, refused, failed, unanswered, notSent, histogram);
    }

    /** Publishes until the window is full; returns how many went. */
    private int fill(Conn c, long now) {
        int n = 0;
        while (c.channel != null && c.inflight < c.window) {
            publish(c, now);
            n++;
        }
        return n;
    }

    /** Writes one QoS 1 PUBLISH for the connection's next device into its buffer (flushed by the caller). */
    private void publish(Conn c, long startNanos) {
        int d = c.devices[c.cursor];
        c.cursor = c.cursor + 1 == c.devices.length ? 0 : c.cursor + 1;
        long tag = traffic.next(d);
        byte[] topic = traffic.topic(d);
        byte[] payload = traffic.payload();
        int slot = c.nextSlot;
        while (c.used[slot]) {
            slot = (slot + 1) & (c.used.length - 1);
        }
        c.nextSlot = (slot + 1) & (c.used.length - 1);
        c.used[slot] = true;
        c.tags[slot] = tag;
        c.starts[slot] = startNanos;
        c.inflight++;
        inflight++;
        int packetId = slot + 1;
        int remaining = 2 + topic.length + 2 + 1 + payload.length;
        if (c.out.remaining() < remaining + 5) {
            ByteBuffer bigger = ByteBuffer.allocate(c.out.capacity() * 2 + remaining);
            c.out.flip();
            bigger.put(c.out);
            c.out = bigger;
        }
        ByteBuffer out = c.out;
        out.put((byte) 0x32); // PUBLISH, QoS 1
        putVarint(out, remaining);
        out.put((byte) (topic.length >> 8)).put((byte) topic.length).put(topic);
        out.put((byte) (packetId >> 8)).put((byte) packetId);
        out.put((byte) 0); // no properties
        out.put(payload);
    }

    /** Writes what is pending; waits for OP_WRITE when the socket is full. False on a broken connection. */
    private boolean flush(Conn c) {
        if (c.channel == null) {
            return false;
        }
        try {
            c.out.flip();
            c.channel.write(c.out);
            boolean more = c.out.hasRemaining();
            c.out.compact();
            c.key.interestOps(more ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads and handles whole packets; false when the connection broke or the broker disconnected. */
    private boolean read(Conn c) {
        ByteBuffer in = c.in;
        try {
            if (c.channel.read(in) < 0) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        long now = System.nanoTime();
        byte[] a = in.array();
        int limit = in.position();
        int p = 0;
        while (true) {
            int[] header = header(in, p, limit);
            if (header == null || p + header[0] + header[1] > limit) {
                break;
            }
            int type = a[p] & 0xF0;
            int body = p + header[0];
            if (type == PUBACK) {
                int slot = ((a[body] & 0xFF) << 8 | (a[body + 1] & 0xFF)) - 1;
                int reason = header[1] >= 3 ? a[body + 2] & 0xFF : 0;
                if (slot >= 0 && slot < c.used.length && c.used[slot]) {
                    c.used[slot] = false;
                    c.inflight--;
                    inflight--;
                    histogram.recordValue(Math.max(1, (now - c.starts[slot]) / 1000));
                    if (reason < 0x80) {
                        acked++;
                        if (now <= end) {
                            ackedInWindow++;
                        }
                        if (book) {
                            traffic.acknowledged(c.tags[slot]);
                        }
                    } else {
                        refused++;
                    }
                }
            } else if (type == DISCONNECT) {
                return false;
            }
            p += header[0] + header[1];
        }
        if (p == limit) {
            in.clear();
        } else {
            System.arraycopy(a, p, a, 0, limit - p);
            in.position(limit - p);
        }
        return true;
    }

    /** A dead connection: its unacknowledged publishes failed; it connects again. */
    private void broken(Conn c) {
        failed += c.inflight;
        inflight -= c.inflight;
        java.util.Arrays.fill(c.used, false);
        c.inflight = 0;
        try {
            if (c.key != null) {
                c.key.cancel();
            }
            if (c.channel != null) {
                c.channel.close();
            }
            c.channel = null;
            selector.selectNow();
            connect(c);
        } catch (IOException e) {
            c.channel = null;
        }
    }

    /** {header length, remaining length} of the packet at {@code p}, or null while incomplete. */
    private static int[] header(ByteBuffer buffer, int p, int limit) {
        if (limit - p < 2) {
            return null;
        }
        int[] v = varint(buffer.array(), p + 1, limit);
        return v == null ? null : new int[] {1 + v[1], v[0]};
    }

    /** {value, bytes used} of the variable byte integer at {@code p}, or null while incomplete. */
    private static int[] varint(byte[] a, int p, int limit) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (p + i >= limit) {
                return null;
            }
            int b = a[p + i] & 0xFF;
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return new int[] {value, i + 1};
            }
        }
        throw new IllegalStateException("malformed variable byte integer");
    }

    private static void putVarint(ByteBuffer out, int value) {
        do {
            int b = value & 0x7F;
            value >>>= 7;
            out.put((byte) (value > 0 ? b | 0x80 : b));
        } while (value > 0);
    }

    private static void putString(ByteBuffer out, byte[] s) {
        out.put((byte) (s.length >> 8)).put((byte) s.length).put(s);
    }

    @Override
    public void close() throws IOException {
        for (Conn c : conns) {
            if (c.channel != null) {
                try {
                    c.out.clear();
                    c.out.put((byte) DISCONNECT).put((byte) 0);
                    c.out.flip();
                    c.channel.write(c.out);
                } catch (IOException e) {
                    // closing anyway
                }
                c.channel.close();
            }
        }
        selector.close();
    }
}
