package org.valley.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.valley.frame.Uplink;

/**
 * The durable, append-only journal of every uplink: the source of truth that every projection is
 * rebuilt from.
 *
 * <p>Records live in segment files in one directory. Each record has a <em>position</em>: its byte
 * offset in the journal as a whole, growing across segments, so positions strictly increase in
 * append order and a position is never reused. A segment file is named by the position of its
 * first byte.
 *
 * <p>Appends are asynchronous: {@link #tryAppend} only enqueues, and one writer thread commits
 * queued appends in batches with one fsync each (group commit), then reports every record's
 * position to its callback. A record is acknowledged only once it is on disk. Reads ({@link
 * #replay}) may run on any thread at the same time as appends.
 *
 * <p>A directory holds one open journal at a time: {@link #open} takes a lock file and fails when
 * another process holds it.
 */
public final class Journal implements AutoCloseable {

    private static final String LOCK_FILE = "journal.lock";

    private final Path dir;
    private final ConcurrentNavigableMap<Long, Path> segments;
    private final JournalWriter writer;
    private final Object releaseLock = new Object();

    private Journal(Path dir, ConcurrentNavigableMap<Long, Path> segments, JournalWriter writer) {
        this.dir = dir;
        this.segments = segments;
        this.writer = writer;
    }

    /** Opens (or creates) the journal in {@code dir}, without a listener. See {@link #open(Path, JournalConfig, DurableListener)}. */
    public static Journal open(Path dir, JournalConfig config) throws IOException {
        return open(dir, config, null);
    }

    /**
     * Opens (or creates) the journal in {@code dir} and starts its writer thread.
     *
     * <p>Recovery: the last segment is scanned, and a torn tail (a partial record, or bytes whose
     * CRC does not match, with no valid record after them) is truncated and logged as a warning. It
     * was never acknowledged, since a record is acknowledged only after the fsync that covers it.
     *
     * @param listener told of each durable batch before its callbacks run; may be null
     * @throws JournalCorruptException when segments do not line up or an invalid record in the last
     *     segment is followed by valid ones (damage, not a torn write); the message names the file
     *     and position
     * @throws IOException when the directory cannot be used or is locked by another process
     */
    public static Journal open(Path dir, JournalConfig config, DurableListener listener) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(config, "config");
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock(dir, lockChannel);
            NavigableMap<Long, Path> files = Segments.list(dir);
            checkContiguous(files);
            if (files.isEmpty()) {
                Path first = dir.resolve(Segments.fileName(0));
                Files.createFile(first);
                Segments.forceDirectory(dir);
                files.put(0L, first);
            }
            Map.Entry<Long, Path> last = files.lastEntry();
            long size = SegmentRecovery.recover(last.getValue(), last.getKey());
            FileChannel channel = FileChannel.open(last.getValue(), StandardOpenOption.WRITE);
            ConcurrentNavigableMap<Long, Path> segments = new ConcurrentSkipListMap<>(files);
            JournalWriter writer;
            try {
                writer = new JournalWriter(dir, config, listener, segments, channel, last.getKey(), size, lockChannel);
                writer.start();
            } catch (RuntimeException | Error e) {
                channel.close();
                throw e;
            }
            return new Journal(dir, segments, writer);
        } catch (Throwable e) {
            try {
                lockChannel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void lock(Path dir, FileChannel lockChannel) throws IOException {
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException("journal directory " + dir + " is already open (" + dir.resolve(LOCK_FILE)
                    + " is locked); close the other journal first");
        }
    }

    /** Each segment must end exactly where the next begins, or positions would not be contiguous. */
    private static void checkContiguous(NavigableMap<Long, Path> files) throws IOException {
        Map.Entry<Long, Path> previous = null;
        for (Map.Entry<Long, Path> entry : files.entrySet()) {
            if (previous != null) {
                long end = previous.getKey() + Files.size(previous.getValue());
                if (end != entry.getKey()) {
                    throw new JournalCorruptException("journal segment " + previous.getValue() + " ends at position " + end
                            + " but the next segment, " + entry.getValue() + ", starts at position " + entry.getKey()
                            + "; a segment is missing or was truncated");
                }
            }
            previous = entry;
        }
    }

    /**
     * Enqueues {@code uplink} for appending. Never blocks.
     *
     * @param callback runs on the writer thread once the record is durable (with its position) or
     *     has failed (with the error); must be cheap
     * @return true when accepted: the callback will be called exactly once. False at once when the
     *     queue is full, the journal is closed, or a disk error stopped it; the callback is then never
     *     called, and the edge should answer 503
     * @throws IllegalArgumentException when the uplink encodes to more than the 1 MiB record limit
     */
    public boolean tryAppend(Uplink uplink, AppendCallback callback) {
        Objects.requireNonNull(uplink, "uplink");
        Objects.requireNonNull(callback, "callback");
        if (!UplinkCodec.fits(uplink)) {
            throw new IllegalArgumentException("uplink from " + uplink.networkId() + " encodes to more than the journal's "
                    + UplinkCodec.MAX_BODY_BYTES + "-byte record limit");
        }
        return writer.offer(uplink, callback);
    }

    /** The position just after the last durable record: where the next record will go. */
    public long endPosition() {
        return writer.endPosition();
    }

    /** The position of the first record still on disk (the start of the oldest segment). */
    public long startPosition() {
        return segments.firstKey();
    }

    /**
     * Reads durable records in journal order, from {@code from} up to {@link #endPosition()} as it was
     * when the call started. Runs on the calling thread, concurrently with appends.
     *
     * @param from a record position delivered earlier (the record at it is included), {@link
     *     #startPosition()}, or {@link #endPosition()} (nothing to read)
     * @throws IllegalArgumentException when {@code from} lies before {@link #startPosition()} or after
     *     {@link #endPosition()}
     * @throws JournalCorruptException when a record cannot be read; the message names the segment and
     *     position
     * @throws IOException from the file system or the consumer
     */
    public void replay(long from, RecordConsumer consumer) throws IOException {
        Objects.requireNonNull(consumer, "consumer");
        long end = endPosition();
        long start = startPosition();
        if (from < start || from > end) {
            throw new IllegalArgumentException("cannot replay from position " + from + ": the journal holds positions "
                    + start + " to " + end);
        }
        UplinkCodec codec = new UplinkCodec();
        long position = from;
        while (position < end) {
            Map.Entry<Long, Path> segment = segments.floorEntry(position);
            if (segment == null) {
                throw new IOException("position " + position + " was released while the replay was reading it");
            }
            long base = segment.getKey();
            Long next = segments.higherKey(base);
            long stop = next == null ? end : Math.min(next, end);
            try (SegmentReader reader = new SegmentReader(segment.getValue(), base, position - base, stop - base, codec)) {
                SegmentReader.Step step;
                while ((step = reader.next()) == SegmentReader.Step.RECORD) {
                    consumer.accept(reader.position(), reader.decode());
                }
                if (step == SegmentReader.Step.INVALID) {
                    throw reader.corrupt(reader.problem(), null);
                }
            }
            position = stop;
        }
    }

    /**
     * Deletes the segments whose records all lie before {@code position}: call it once every
     * projection has stored what comes before. The segment holding {@code position}, and the active
     * segment, are kept, so {@link #startPosition()} afterwards is at most {@code position}.
     *
     * @throws IllegalArgumentException when {@code position} is beyond {@link #endPosition()}
     */
    public void releaseBefore(long position) throws IOException {
        long end = endPosition();
        if (position > end) {
            throw new IllegalArgumentException("cannot release before position " + position + ": the journal ends at " + end);
        }
        synchronized (releaseLock) {
            boolean deleted = false;
            for (Map.Entry<Long, Path> segment : segments.headMap(position, false).entrySet()) {
                Long next = segments.higherKey(segment.getKey());
                if (next == null || next > position) {
                    break;
                }
                segments.remove(segment.getKey());
                Files.deleteIfExists(segment.getValue());
                deleted = true;
            }
            if (deleted) {
                Segments.forceDirectory(dir);
            }
        }
    }

    /** The journal's counters. */
    public JournalStats stats() {
        return writer.stats();
    }

    /**
     * Stops accepting appends, waits until every append accepted before completes (durably, or with
     * an error if the disk failed), forces the active segment, stops the writer thread and releases
     * the directory. Idempotent.
     * Called from an append callback, it stops acceptance and returns at once; the writer finishes
     * the queue by itself.
     */
    @Override
    public void close() {
        writer.close();
    }
}
