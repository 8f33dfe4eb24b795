package org.valley.server;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that stands still until the test steps it: time rules are tested without sleeping. */
final class SteppedClock implements InstantSource {

    private final AtomicLong millis;

    SteppedClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    /** Moves the clock forward by {@code d}. */
    void step(Duration d) {
        millis.addAndGet(d.toMillis());
    }
}
