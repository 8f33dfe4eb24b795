package org.valley.server.mqtt;

import java.util.random.RandomGenerator;

/**
 * How long a bridge waits before it connects again: doubling from {@code initial} up to {@code
 * max}, with ±20 % of jitter so that bridges cut off together do not come back together.
 * {@code random} is used from several threads: a {@link java.util.Random} is safe for that.
 */
record Backoff(long initialMillis, long maxMillis, RandomGenerator random) {

    /** The delay before attempt {@code failures} (1 after the first failure). */
    long delayMillis(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 30));
        long base = Math.min(maxMillis, initialMillis << doublings);
        double jitter = 0.8 + 0.4 * random.nextDouble();
        return Math.max(1, Math.min(maxMillis, Math.round(base * jitter)));
    }
}
