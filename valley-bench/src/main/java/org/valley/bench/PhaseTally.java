package org.valley.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What a load generator counts during one phase, the same way for both generators: answers by
 * status, the latency of each (from when its request was due), and the acknowledgements booked in
 * the traffic; 2xx answers that came after the phase's end count as answered but not in its window.
 *
 * <p>An open loop's latency has two parts, kept apart as well: how long a due request waited in the
 * generator for a free connection (none in a closed loop, where a request is due when a connection
 * frees), and the time from its sending to its answer, the node's. With a fixed pool of connections
 * the first grows as soon as the node's answers take longer than the pool allows at the paced rate,
 * where a network server would open more connections.
 */
final class PhaseTally {

    private static final long QUARTER = 250_000_000L;

    private final Uplinks traffic;
    private final boolean book;
    private final long start;
    private final long end;
    /** The longest latency of the requests due in each 250 ms of the phase, in microseconds. */
    private final long[] maxMicrosPerQuarter;
    private final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Histogram waitMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Histogram serviceMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long sent;
    long failed;
    private long ok;
    private long okInWindow;
    private long newFrames;
    private long rejected;

    /**
     * @param book whether 2xx answers are booked as acknowledged frames in {@code traffic}
     * @param start when the phase's window opens, in {@link System#nanoTime()}
     * @param end when it closes
     */
    PhaseTally(Uplinks traffic, boolean book, long start, long end) {
        this.traffic = traffic;
        this.book = book;
        this.start = start;
        this.end = end;
        this.maxMicrosPerQuarter = new long[(int) ((end - start) / QUARTER) + 1];
    }

    /**
     * A complete answer with {@code status} at {@code now} to the request tagged {@code tag}, due at
     * {@code due} and sent at {@code sent}.
     */
    void answered(int status, long tag, long due, long sent, long now) {
        long micros = Math.max(1, (now - due) / 1000);
        latencyMicros.recordValue(micros);
        waitMicros.recordValue(Math.max(0, (sent - due) / 1000));
        serviceMicros.recordValue(Math.max(1, (now - sent) / 1000));
        int quarter = (int) Math.min(maxMicrosPerQuarter.length - 1, Math.max(0, (due - start) / QUARTER));
        maxMicrosPerQuarter[quarter] = Math.max(maxMicrosPerQuarter[quarter], micros);
        if (status / 100 == 2) {
            ok++;
            boolean first = book && traffic.acknowledged(tag);
            if (now <= end) {
                okInWindow++;
                if (first) {
                    newFrames++;
                }
            }
        } else {
            rejected++;
        }
    }

    /** The phase's result; in an open loop at {@code rate}, requests the schedule held but never sent count as not sent. */
    HttpLoad.Result result(double seconds, double rate, long unanswered) {
        long notSent = rate > 0 ? Math.max(0, (long) (seconds * rate) - sent) : 0;
        return new HttpLoad.Result(seconds, sent, ok, okInWindow, newFrames, rejected, failed, unanswered, notSent,
                latencyMicros, maxMicrosPerQuarter.clone(), waitMicros, serviceMicros);
    }
}
