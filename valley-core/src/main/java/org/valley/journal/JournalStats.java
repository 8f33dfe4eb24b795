package org.valley.journal;

/**
 * A snapshot of the journal's counters since it was opened.
 *
 * @param appended records made durable
 * @param rejected appends refused because the queue was full, the journal was closed or had failed
 * @param batches group commits (each one write and, with fsync on, one force)
 * @param fsyncs forces of a segment file (one per batch, plus one per segment roll)
 * @param averageBatchSize records per group commit; above 1 means appends shared an fsync
 * @param queueDepth appends waiting for the writer at the time of the snapshot
 * @param failed true when a disk error stopped the journal; it refuses appends until reopened
 */
public record JournalStats(
        long appended,
        long rejected,
        long batches,
        long fsyncs,
        double averageBatchSize,
        int queueDepth,
        boolean failed) {}
