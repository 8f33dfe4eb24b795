package org.valley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 load generator on one thread with raw NIO: a fixed set of keep-alive connections,
 * one request in flight on each, request bytes written straight from the {@link Uplinks}' body
 * writer, responses parsed just enough to find the status and where they end (Content-Length).
 * The harness shares the machine's cores with the server, so it spends as little CPU per request
 * as it can: no per-request objects besides what the body writer needs.
 *
 * <p>Two ways to run a phase. <em>Closed loop</em> ({@code rate <= 0}): every connection sends its
 * next request as soon as the previous answer arrives, which finds the maximum rate. <em>Open
 * loop</em> ({@code rate > 0}): request {@code i} is due at {@code start + i / rate}; it goes out
 * on the next free connection, and its latency is measured from when it was due, not from when it
 * went out, so a stalled server is charged for the requests it kept waiting (no coordinated
 * omission).
 */
final class HttpLoad implements RequestLoad {

    /** What one phase measured. */
    record Result(double seconds, long sent, long ok, long okInWindow, long newFramesInWindow, long rejected,
            long failed, long unanswered, long notSent, Histogram latencyMicros, long[] maxLatencyMicrosPer250ms,
            Histogram waitMicros, Histogram serviceMicros) {

        double okPerSecond() {
            return okInWindow / seconds;
        }

        double framesPerSecond() {
            return newFramesInWindow / seconds;
        }
    }

    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final InetSocketAddress address;
    private final Selector selector;
    private final Conn[] conns;

    private static final class Conn {
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out = ByteBuffer.allocate(4096);
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        boolean busy;
        long tag;
        long startNanos;
        long sentNanos;
    }

    HttpLoad(InetSocketAddress address, int connections) throws IOException {
        this.address = address;
        this.selector = Selector.open();
        this.conns = new Conn[connections];
        for (int i = 0; i < connections; i++) {
            conns[i] = new Conn();
            connect(conns[i]);
        }
    }

    private void connect(Conn c) throws IOException {
        SocketChannel channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        c.channel = channel;
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
        c.in.clear();
        c.busy = false;
    }

    @Override
    public String name() {
        return "raw NIO";
    }

    @Override
    public Result run(String target, Uplinks traffic, double seconds, double rate, boolean book) throws IOException {
        PostRequest request = new PostRequest(target, address.getHostString(), address.getPort());
        ArrayDeque<Conn> idle = new ArrayDeque<>(conns.length);
        for (Conn c : conns) {
            if (!c.busy) {
                idle.add(c);
            }
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        PhaseTally tally = new PhaseTally(traffic, book, start, end);
        int busy = conns.length - idle.size();
        ArrayDeque<Conn> broken = new ArrayDeque<>();
        long epochSeconds = System.currentTimeMillis() / 1000;
        long nextClockCheck = start;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextClockCheck) {
                epochSeconds = System.currentTimeMillis() / 1000;
                nextClockCheck = now + 100_000_000L;
            }
            if (now < end) {
                while (!idle.isEmpty()) {
                    long due = due(start, tally.sent, rate, now);
                    if (due < 0) {
                        break;
                    }
                    Conn c = idle.poll();
                    long tag = traffic.next(epochSeconds);
                    String to = traffic.target();
                    if (to == null) {
                        request.write(traffic.bodyArray(), traffic.bodyLength());
                    } else {
                        request.write(to, traffic.bodyArray(), traffic.bodyLength());
                    }
                    if (send(c, request, tag, due, now)) {
                        busy++;
                    } else {
                        tally.failed++;
                        c.busy = false;
                        broken.add(c);
                    }
                    tally.sent++;
                }
                while (!broken.isEmpty()) {
                    Conn c = broken.poll();
                    reconnectQuietly(c);
                    if (c.channel != null) {
                        idle.add(c);
                    }
                }
            } else if (busy == 0 || now - end > DRAIN_NANOS) {
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
                if (key.isWritable()) {
                    if (!flush(c)) {
                        continue;
                    }
                }
                if (key.isReadable()) {
                    int status = read(c);
                    if (status == 0) {
                        continue;
                    }
                    long done = System.nanoTime();
                    c.busy = false;
                    busy--;
                    if (status < 0) {
                        // reconnected after this turn's keys: a reconnection selects, which would
                        // change the selected-key set under this iteration
                        tally.failed++;
                        broken.add(c);
                        continue;
                    } else {
                        tally.answered(status, c.tag, c.startNanos, c.sentNanos, done);
                    }
                    if (c.channel != null) {
                        idle.add(c);
                    }
                }
            }
        }
        long unanswered = 0;
        for (Conn c : conns) {
            if (c.busy) {
                unanswered++;
                reconnectQuietly(c);
            }
        }
        return tally.result(seconds, rate, unanswered);
    }

    /**
     * When request number {@code sent} of a phase started at {@code start} is due: {@code now} in a
     * closed loop ({@code rate <= 0}); in an open loop its time on the schedule, or -1 while that is
     * still ahead of {@code now}.
     */
    static long due(long start, long sent, double rate, long now) {
        if (rate <= 0) {
            return now;
        }
        long due = start + (long) (sent * 1e9 / rate);
        return due > now ? -1 : due;
    }

    private boolean send(Conn c, PostRequest request, long tag, long startNanos, long now) {
        if (c.out.capacity() < request.length()) {
            c.out = ByteBuffer.allocate(request.length() + 1024);
        }
        ByteBuffer out = c.out;
        out.clear();
        out.put(request.bytes(), 0, request.length());
        out.flip();
        c.busy = true;
        c.tag = tag;
        c.startNanos = startNanos;
        c.sentNanos = now;
        return flush(c);
    }

    /** Writes what is pending; waits for OP_WRITE when the socket is full. False on a broken connection. */
    private boolean flush(Conn c) {
        try {
            c.channel.write(c.out);
            c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads and parses the answer: its status once complete, 0 while incomplete, -1 when the
     * connection broke or the answer cannot be delimited.
     */
    private static int read(Conn c) {
        ByteBuffer in = c.in;
        try {
            int n = c.channel.read(in);
            if (n < 0) {
                return -1;
            }
        } catch (IOException e) {
            return -1;
        }
        int status = answer(in.array(), in.position());
        if (status > 0) {
            in.clear();
        }
        return status;
    }

    /**
     * Parses the answer held in {@code a[0, len)}: its status once complete, 0 while incomplete, -1
     * when it cannot be delimited or more than one answer arrived (one request is in flight at a
     * time) or it would not fit in {@code a}.
     */
    static int answer(byte[] a, int len) {
        int headerEnd = -1;
        for (int i = 3; i < len; i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                headerEnd = i + 1;
                break;
            }
        }
        if (headerEnd < 0) {
            return len == a.length ? -1 : 0;
        }
        if (len < 12 || a[0] != 'H') {
            return -1;
        }
        int status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
        long contentLength = contentLength(a, headerEnd);
        if (contentLength < 0) {
            if (status == 204 || status == 304 || status / 100 == 1) {
                contentLength = 0;
            } else {
                return -1;
            }
        }
        long total = headerEnd + contentLength;
        if (total > a.length) {
            return -1;
        }
        if (len < total) {
            return 0;
        }
        if (len > total) {
            return -1; // an answer nobody asked for: one request is in flight at a time
        }
        return status;
    }

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private static long contentLength(byte[] a, int headerEnd) {
        int lineStart = 0;
        for (int i = 0; i < headerEnd; i++) {
            if (a[i] == '\n') {
                lineStart = i + 1;
                if (matches(a, lineStart, headerEnd)) {
                    long value = 0;
                    int j = lineStart + CONTENT_LENGTH.length;
                    while (j < headerEnd && a[j] == ' ') {
                        j++;
                    }
                    while (j < headerEnd && a[j] >= '0' && a[j] <= '9') {
                        value = value * 10 + (a[j++] - '0');
                    }
                    return value;
                }
            }
        }
        return -1;
    }

    private static boolean matches(byte[] a, int from, int limit) {
        if (from + CONTENT_LENGTH.length > limit) {
            return false;
        }
        for (int k = 0; k < CONTENT_LENGTH.length; k++) {
            if ((a[from + k] | 0x20) != CONTENT_LENGTH[k]) { // ASCII lower case; ':' and '-' are unchanged
                return false;
            }
        }
        return true;
    }

    private void reconnectQuietly(Conn c) {
        try {
            if (c.key != null) {
                c.key.cancel();
            }
            if (c.channel != null) {
                c.channel.close();
            }
            selector.selectNow();
            connect(c);
        } catch (IOException e) {
            c.channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        for (Conn c : conns) {
            if (c.channel != null) {
                c.channel.close();
            }
        }
        selector.close();
    }
}
