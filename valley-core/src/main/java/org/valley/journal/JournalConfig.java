package org.valley.journal;

/**
 * How the journal batches and stores records.
 *
 * @param queueCapacity {@code journal.queue-capacity}: appends that may wait for the writer; when
 *     full, {@link Journal#tryAppend} refuses and the edge answers 503
 * @param maxBatch {@code journal.max-batch}: records per group commit at most
 * @param segmentBytes {@code journal.segment-bytes}: a segment file is closed and a new one started
 *     once it holds at least this many bytes; whole segments are the unit {@link
 *     Journal#releaseBefore} deletes
 * @param fsync {@code journal.fsync}: force each batch to the disk before acknowledging it; turn off
 *     only where losing the last acknowledged records on a power cut is acceptable (tests, benchmarks)
 * @param gatherMicros {@code journal.gather-micros}: while the journal is busy (its last force covered
 *     more than one record), the least time from the start of one force to the start of the next, so
 *     that each force covers more records; 0 forces again as soon as the last force returns. An idle
 *     journal forces a lone record at once either way, and without {@code fsync} nothing waits
 */
public record JournalConfig(int queueCapacity, int maxBatch, long segmentBytes, boolean fsync, long gatherMicros) {

    /** The smallest segment size accepted; smaller ones would only multiply files. */
    public static final long MIN_SEGMENT_BYTES = 1024;

    public JournalConfig {
        if (queueCapacity <= 0) {
            throw new IllegalArgumentException("journal.queue-capacity must be > 0, got " + queueCapacity);
        }
        if (maxBatch <= 0) {
            throw new IllegalArgumentException("journal.max-batch must be > 0, got " + maxBatch);
        }
        if (gatherMicros < 0 || gatherMicros > 100_000) {
            throw new IllegalArgumentException("journal.gather-micros must be 0-100000, got " + gatherMicros);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("journal.segment-bytes must be >= " + MIN_SEGMENT_BYTES + ", got " + segmentBytes);
        }
    }

    /** Without gathering: each force follows the last as soon as it returns. */
    public JournalConfig(int queueCapacity, int maxBatch, long segmentBytes, boolean fsync) {
        this(queueCapacity, maxBatch, segmentBytes, fsync, 0);
    }

    /**
     * 65536 queued appends, batches of up to 4096, 64 MiB segments, fsync on, and while busy at most
     * one force every 2 ms (docs/decisions.md, section 22).
     */
    public static JournalConfig defaults() {
        return new JournalConfig(65_536, 4_096, 64L << 20, true, 2_000);
    }
}
