package org.valley.server;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Waits for what happens on its own after a step of a test (a message through a broker, a QoS 0
 * publish, a bridge that connects): checks a condition again and again, for a bounded time. Never a
 * substitute for an injected clock: nothing here waits for a rule of time.
 */
final class Await {

    private Await() {}

    /** Returns once {@code condition} holds; fails naming {@code what} after {@code seconds}. */
    static void until(String what, int seconds, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (!condition.call()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + seconds + " s for " + what);
                }
                Thread.onSpinWait();
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("checking " + what + " failed", e);
        }
    }
}
