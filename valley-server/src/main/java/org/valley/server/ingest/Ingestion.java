package org.valley.server.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.LongSupplier;
import org.valley.frame.Uplink;
import org.valley.journal.Journal;
import org.valley.server.http.Problem;

/**
 * The edge's way into the journal: every adapter (HTTP callbacks, MQTT, the bridge) appends here and
 * acknowledges its network only when the returned future succeeds, that is when the uplink is
 * durable.
 */
public final class Ingestion {

    private final Journal journal;
    private final Vertx vertx;
    private final LongSupplier applied;
    private final long lagLimit;

    /**
     * @param applied the journal position the projection has applied and committed
     * @param lagLimit how many journal bytes the projection may be behind before appends are refused
     */
    public Ingestion(Journal journal, Vertx vertx, LongSupplier applied, long lagLimit) {
        this.journal = journal;
        this.vertx = vertx;
        this.applied = applied;
        this.lagLimit = lagLimit;
    }

    /** Journal bytes not yet applied by the projection. */
    public long lag() {
        return Math.max(0, journal.endPosition() - Math.max(0, applied.getAsLong()));
    }

    /**
     * Appends {@code uplink}. The future completes on the caller's Vert.x context with the journal
     * position once the uplink is durable, or fails with a 503 {@link Problem} (with a retry delay)
     * when the journal's queue is full, the disk failed, or the projection is further behind the
     * journal than the configured limit.
     */
    public Future<Long> append(Uplink uplink) {
        if (lag() > lagLimit) {
            return Future.failedFuture(Problem.overloaded("the store is " + (lag() >> 20)
                    + " MB of journal behind; retry after the indicated delay", 5));
        }
        Context context = vertx.getOrCreateContext();
        Promise<Long> done = Promise.promise();
        boolean accepted;
        try {
            accepted = journal.tryAppend(uplink, (position, error) -> context.runOnContext(v -> {
                if (error != null) {
                    done.fail(Problem.overloaded("the journal could not store the frame: " + error.getMessage(), 5));
                } else {
                    done.complete(position);
                }
            }));
        } catch (IllegalArgumentException tooLarge) {
            return Future.failedFuture(new Problem(413, "body-too-large", "Body too large", tooLarge.getMessage(),
                    "body", null));
        }
        if (!accepted) {
            return Future.failedFuture(Problem.overloaded("the journal queue is full; retry after the indicated delay", 1));
        }
        return done.future();
    }
}
