package org.valley.bench;

import java.io.Closeable;
import java.io.IOException;

/** An HTTP/1.1 load generator: keep-alive connections, one request in flight on each. */
interface RequestLoad extends Closeable {

    /**
     * Runs one phase.
     *
     * @param target the request target, e.g. {@code /ingest/sigfox?key=...}
     * @param rate requests per second for an open loop, or 0 for a closed loop at the maximum rate
     * @param book whether 2xx answers are booked as acknowledged frames in {@code traffic}
     */
    HttpLoad.Result run(String target, Uplinks traffic, double seconds, double rate, boolean book) throws IOException;

    /** What does the socket I/O, for the report. */
    String name();
}
