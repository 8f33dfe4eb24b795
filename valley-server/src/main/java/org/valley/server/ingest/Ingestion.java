package org.valley.server.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.valley.frame.Uplink;
import org.valley.journal.Journal;
import org.valley.server.http.Problem;

/**
 * The edge's way into the journal: every adapter (HTTP callbacks, MQTT, the bridge) appends here and
 * acknowledges its network only when the returned future succeeds, that is when the uplink is
 * durable.
 *
 * <p>The journal commits appends in batches and tells each one from its writer thread; the
 * acknowledgements bound for one Vert.x context then run there in one task per commit (what has
 * piled up), not one task per append: under load a commit covers hundreds of appends, and a task
 * handed from thread to thread costs the writer and the event loop more than the acknowledgement.
 */
public final class Ingestion {

    private static final System.Logger LOG = System.getLogger(Ingestion.class.getName());
    private static final String ACKS = "valley.ingestion.acks";

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
        long lag = lag();
        if (lag > lagLimit) {
            return Future.failedFuture(Problem.overloaded("the store is " + (lag >> 20)
                    + " MB of journal behind; retry after the indicated delay", 5));
        }
        Acks acks = acks(vertx.getOrCreateContext());
        Promise<Long> done = Promise.promise();
        boolean accepted;
        try {
            accepted = journal.tryAppend(uplink, (position, error) -> acks.add(done, position, error));
        } catch (IllegalArgumentException tooLarge) {
            return Future.failedFuture(new Problem(413, "body-too-large", "Body too large", tooLarge.getMessage(),
                    "body", null));
        }
        if (!accepted) {
            return Future.failedFuture(Problem.overloaded("the journal queue is full; retry after the indicated delay", 1));
        }
        return done.future();
    }

    /** The acknowledgements bound for {@code context}, kept in the context's own data. */
    private static Acks acks(Context context) {
        Acks acks = context.get(ACKS);
        if (acks == null) {
            // Two threads of one worker context may both get here: each then has its own queue, which is as correct.
            acks = new Acks(context);
            context.put(ACKS, acks);
        }
        return acks;
    }

    /** One journal outcome on its way to its context. */
    private record Ack(Promise<Long> promise, long position, Throwable error) {}

    /**
     * Outcomes bound for one context: the writer thread queues them, and the first one queued while
     * no run is pending schedules a run on the context that completes all of them, in order.
     */
    private static final class Acks implements Handler<Void> {

        private final Context context;
        private final ConcurrentLinkedQueue<Ack> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        Acks(Context context) {
            this.context = context;
        }

        void add(Promise<Long> promise, long position, Throwable error) {
            queue.offer(new Ack(promise, position, error));
            if (scheduled.compareAndSet(false, true)) {
                context.runOnContext(this);
            }
        }

        @Override
        public void handle(Void ignored) {
            // Cleared before draining: an outcome queued after the last poll below schedules the next run.
            scheduled.set(false);
            for (Ack ack; (ack = queue.poll()) != null; ) {
                try {
                    if (ack.error() != null) {
                        ack.promise().fail(Problem.overloaded("the journal could not store the frame: "
                                + ack.error().getMessage(), 5));
                    } else {
                        ack.promise().complete(ack.position());
                    }
                } catch (RuntimeException e) {
                    // one answer's failure must not hold back the others
                    LOG.log(System.Logger.Level.WARNING, "answering a durable append failed", e);
                }
            }
        }
    }
}
