package org.valley.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What a load generator counts during one phase, the same way for both generators: answers by
 * status, the latency of each (from when its request was due), and the acknowledgements booked in
 * the traffic; 2xx answers that came after the phase's end count as answered but not in its window.
 */
final class PhaseTally {

    private final Uplinks traffic;
    private final boolean book;
    private final long end;
    private final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long sent;
    long failed;
    private long ok;
    private long okInWindow;
    private long newFrames;
    private long rejected;

    /**
     * @param book whether 2xx answers are booked as acknowledged frames in {@code traffic}
     * @param end when the phase's window closes, in {@link System#nanoTime()}
     */
    PhaseTally(Uplinks traffic, boolean book, long end) {
        this.traffic = traffic;
        this.book = book;
        this.end = end;
    }

    /** A complete answer with {@code status} at {@code now} to the request tagged {@code tag}, due at {@code due}. */
    void answered(int status, long tag, long due, long now) {
        latencyMicros.recordValue(Math.max(1, (now - due) / 1000));
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
                latencyMicros);
    }
}
