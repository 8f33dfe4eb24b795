package org.valley.js;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * One codec's source evaluated in its own GraalJS context, used by one thread at a time. The
 * context reaches no Java class, file, socket, environment variable or other context (see
 * {@link JsRuntime#newContext}); the {@link Watchdog} stops a call that runs or allocates too much,
 * after which the sandbox is {@linkplain #broken() broken} and thrown away.
 */
final class Sandbox implements AutoCloseable {

    /** A call that did not produce a result; the message says why, for the frame's decode error. */
    static final class CallFailed extends Exception {
        CallFailed(String message) {
            super(message, null, false, false);
        }
    }

    static final String ENTRY_NAME = "valley-entry.js";

    private final Context context;
    private final Watchdog watchdog;
    private final Value entry;

    // Written by the calling thread, read by the watchdog.
    volatile Thread runner;
    volatile long call;
    volatile boolean running;
    volatile long cpuLimitNanos;
    volatile boolean settingUp;
    // Watchdog thread only.
    long seenCall;
    Thread seenRunner;
    long cpuAtStart;
    long wallAtStart;
    long allocatedAtStart;

    private volatile String violation;
    private volatile boolean broken;

    private final long callNanos;
    private final long setupNanos;
    private int calls;

    Sandbox(Context context, Watchdog watchdog, JsLimits limits, Source entrySource, Source codecSource)
            throws CallFailed {
        this.context = context;
        this.watchdog = watchdog;
        this.callNanos = limits.cpuTime().toNanos();
        this.setupNanos = limits.setupTime().toNanos();
        watchdog.watch(this);
        try {
            this.entry = guarded(setupNanos, true, () -> {
                Value e = context.eval(entrySource);
                context.eval(codecSource);
                return e;
            });
        } catch (CallFailed e) {
            close();
            throw e;
        }
    }

    /**
     * Calls the entry function with the payload {@code bytes} as Latin-1 text (one character per
     * byte) or, unless {@code latin1}, as a JSON array of integers; returns the call's result as
     * JSON text, or null for undefined. A call {@code warmingUp} runs under the setup limit instead
     * of the call limit (the codec decides which calls may: see {@link JsCodec}).
     */
    String call(boolean warmingUp, int op, String bytes, boolean latin1, int fPort, long recvTime, String dataJson)
            throws CallFailed {
        calls++;
        return guarded(warmingUp ? setupNanos : callNanos, warmingUp, () -> {
            Value v = entry.execute(op, bytes, fPort, (double) recvTime, dataJson, latin1);
            return v.isNull() ? null : v.asString();
        });
    }

    private interface Body<T> {
        T run();
    }

    private <T> T guarded(long cpuLimit, boolean setup, Body<T> body) throws CallFailed {
        if (broken) {
            throw new CallFailed("the codec's context was stopped");
        }
        cpuLimitNanos = cpuLimit;
        settingUp = setup;
        runner = Thread.currentThread();
        call++;
        running = true;
        try {
            return body.run();
        } catch (PolyglotException e) {
            String stopped = violation;
            if (stopped != null) {
                throw new CallFailed(stopped);
            }
            if (e.isCancelled() || e.isInterrupted()) {
                broken = true;
                throw new CallFailed("the codec was stopped");
            }
            if (e.isResourceExhausted()) {
                broken = true;
                throw new CallFailed("the codec exhausted a resource: " + e.getMessage());
            }
            if (e.isSyntaxError()) {
                throw new CallFailed("syntax error " + location(e) + ": " + e.getMessage());
            }
            if (e.isHostException() || e.isInternalError()) {
                broken = true;
                throw new CallFailed("the codec failed inside the engine: " + e.getMessage());
            }
            String where = location(e);
            throw new CallFailed("the codec threw " + (where.isEmpty() ? "" : where + ": ") + e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException | UnsupportedOperationException e) {
            broken = true;
            String stopped = violation;
            throw new CallFailed(stopped != null ? stopped : "the codec's context failed: " + e.getMessage());
        } finally {
            running = false;
        }
    }

    /** Where in the codec's own source the error arose: "at line N", or "" when unknown. */
    private static String location(PolyglotException e) {
        var at = e.getSourceLocation();
        if (at == null) {
            for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
                var where = frame.getSourceLocation();
                if (frame.isGuestFrame() && where != null && !ENTRY_NAME.equals(where.getSource().getName())) {
                    at = where;
                    break;
                }
            }
        }
        return at == null ? "" : "at line " + at.getStartLine();
    }

    /** Called by the watchdog: stops call number {@code which} if it is still running. */
    void stop(long which, String reason) {
        if (call != which || !running) {
            return;
        }
        violation = reason;
        broken = true;
        try {
            context.interrupt(Duration.ofSeconds(1));
        } catch (TimeoutException | RuntimeException e) {
            context.close(true);
        }
    }

    boolean broken() {
        return broken;
    }

    /** Whether the watchdog stopped a call of this context for its CPU time or allocation. */
    boolean stoppedByLimit() {
        return violation != null;
    }

    /** How many calls this context has run. */
    int calls() {
        return calls;
    }

    @Override
    public void close() {
        watchdog.forget(this);
        try {
            context.close(true);
        } catch (RuntimeException ignored) {
            // a context stopped by the watchdog may already be closing
        }
    }
}
