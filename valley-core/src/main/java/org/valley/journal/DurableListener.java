package org.valley.journal;

import java.util.List;

/**
 * Lets a projection follow the journal in memory instead of re-reading it. Called on the journal's
 * writer thread once per group commit, after the batch is durable and before its append callbacks
 * run, so whatever a client is told was stored has already been offered to the projection. Runs on
 * the hot path: enqueue the batch elsewhere rather than process it here. An exception it throws is
 * logged and does not stop the journal.
 */
@FunctionalInterface
public interface DurableListener {

    /**
     * @param batch the records the last group commit made durable, in journal order; never empty,
     *     immutable, and safe to keep
     */
    void durable(List<Entry> batch);
}
