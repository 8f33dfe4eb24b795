package org.valley.server.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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

    public Ingestion(Journal journal, Vertx vertx) {
        this.journal = journal;
        this.vertx = vertx;
    }

    /**
     * Appends {@code uplink}. The future completes on the caller's Vert.x context with the journal
     * position once the uplink is durable, or fails with a 503 {@link Problem} (with a retry delay)
     * when the journal's queue is full or the disk failed.
     */
    public Future<Long> append(Uplink uplink) {
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
