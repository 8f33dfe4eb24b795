package org.valley.journal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.valley.frame.Uplink;

/**
 * The journal's single writer: owns the queue of pending appends, the active segment and the write
 * buffer. Producers call {@link #offer} from any thread; everything else runs on the writer thread.
 */
final class JournalWriter implements Runnable {

    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    /** Large enough for the biggest record, so a batch never has to split one. */
    private static final int BUFFER_BYTES = 2 * UplinkCodec.MAX_RECORD_BYTES;

    /** An append waiting for the writer. Identity equality: {@link #offer} removes its own instance. */
    private static final class Pending {
        final Uplink uplink;
        final AppendCallback callback;

        Pending(Uplink uplink, AppendCallback callback) {
            this.uplink = uplink;
            this.callback = callback;
        }
    }

    /**
     * Wakes the writer when {@link #close} is called while it waits on an empty queue; also fills the
     * batch slot of an append that was already completed. Has no callback.
     */
    private static final Pending WAKE_UP = new Pending(null, null);

    private final Path dir;
    private final JournalConfig config;
    private final DurableListener listener;
    private final ConcurrentNavigableMap<Long, Path> segments;
    private final ArrayBlockingQueue<Pending> queue;
    private final UplinkCodec codec = new UplinkCodec();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final ArrayList<Pending> batch;
    private final long[] positions;
    private final LongAdder rejected = new LongAdder();
    private final Thread thread;
    /** Holds the directory lock; closed when the writer exits. */
    private final FileChannel lockChannel;

    // Writer-thread state.
    private FileChannel channel;
    private long segmentBase;
    /** Bytes written to the active segment (not counting the buffer). */
    private long segmentSize;

    // Published state: written by the writer thread only, read by any thread.
    private volatile long endPosition;
    private volatile long appended;
    private volatile long batches;
    private volatile long fsyncs;
    // Writer thread only: when the last force began, and how many records it covered.
    private long lastForceStart;
    private int lastForceRecords;

    // Set by close() / by a failure; once set, offers are refused.
    private volatile boolean closing;
    private volatile Throwable failure;
    private final Object closeLock = new Object();
    private boolean wakeUpSent;

    JournalWriter(Path dir, JournalConfig config, DurableListener listener, ConcurrentNavigableMap<Long, Path> segments,
            FileChannel channel, long segmentBase, long segmentSize, FileChannel lockChannel) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.config = config;
        this.listener = listener;
        this.segments = segments;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.batch = new ArrayList<>(Math.min(config.maxBatch(), config.queueCapacity()));
        this.positions = new long[config.maxBatch()];
        this.channel = channel;
        this.segmentBase = segmentBase;
        this.segmentSize = segmentSize;
        this.endPosition = segmentBase + segmentSize;
        this.thread = new Thread(this, "valley-journal-writer " + dir.getFileName());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Enqueues an append; false when the queue is full or the journal is closing or has failed. */
    boolean offer(Uplink uplink, AppendCallback callback) {
        if (closing || failure != null) {
            rejected.increment();
            return false;
        }
        Pending pending = new Pending(uplink, callback);
        if (!queue.offer(pending)) {
            rejected.increment();
            return false;
        }
        // Raced with close() or a failure: the writer may already have drained the queue for the last
        // time. Take the append back if the writer has not; if it has, the writer completes it.
        if ((closing || failure != null) && queue.remove(pending)) {
            rejected.increment();
            return false;
        }
        return true;
    }

    long endPosition() {
        return endPosition;
    }

    JournalStats stats() {
        long appended = this.appended;
        long batches = this.batches;
        return new JournalStats(appended, rejected.sum(), batches, fsyncs,
                batches == 0 ? 0 : (double) appended / batches, queue.size(), failure != null);
    }

    /**
     * Stops accepting appends, lets the writer complete every accepted one, and waits for it to
     * exit. Called from the writer thread itself (a callback), it only stops acceptance; the writer
     * exits after the current batch.
     */
    void close() {
        closing = true;
        if (Thread.currentThread() == thread) {
            return;
        }
        boolean interrupted = false;
        synchronized (closeLock) {
            while (!wakeUpSent && thread.isAlive()) {
                try {
                    // Bounded waits: should the writer die meanwhile, a full queue would never free up.
                    wakeUpSent = queue.offer(WAKE_UP, 100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /*
     * The group-commit loop.
     *
     * Producers only enqueue; this one thread does all I/O. It blocks on the queue until an append
     * arrives, then drains whatever else is waiting (up to maxBatch) and commits it all together:
     * encode every record into one direct buffer, write it with as few system calls as the buffer
     * allows, force the file once, then publish the new end position, tell the listener and run the
     * callbacks. While a force is in progress, new appends pile up in the queue and form the next
     * batch, so the batch size adapts to the load: one record per fsync when idle, thousands per fsync
     * under pressure, and throughput is bounded by encoding speed rather than by disk latency.
     *
     * Nothing is acknowledged before the force that covers it returns. If a write or force fails,
     * the whole batch is failed with that error and the journal refuses everything after it (a
     * failed fsync may have dropped dirty pages, so retrying it could falsely succeed). Recovery at
     * the next open trims whatever partial bytes the failed write left.
     *
     * The writer exits once close() has been called and the queue is empty; offer() re-checks the
     * closing flag after enqueueing and takes its append back if the writer may have missed it, so no
     * accepted append is left without its callback.
     */
    @Override
    public void run() {
        try {
            while (!(closing && queue.isEmpty())) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    // Nobody but close() should stop this thread, and an interrupted thread cannot use a
                    // FileChannel: stop the journal, complete what is queued with an error, and exit
                    // with the flag restored.
                    fail(new IOException("the journal writer thread was interrupted; the journal stopped"));
                    closing = true;
                    drainFailing();
                    Thread.currentThread().interrupt();
                    return;
                }
                if (config.fsync() && config.gatherMicros() > 0 && lastForceRecords > 1) {
                    // busy: let more appends join this batch, up to gather-micros after the last force began
                    // (without forces there is nothing to share, and waiting would only add latency)
                    long wait = lastForceStart + config.gatherMicros() * 1_000 - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                queue.drainTo(batch, config.maxBatch() - 1);
                commit();
                batch.clear();
            }
            if (!config.fsync() && failure == null) {
                channel.force(false);
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "Journal: the final force of segment " + segmentFile(segmentBase) + " failed", e);
        } catch (Throwable t) {
            // A bug or an Error: never leave callbacks hanging.
            fail(t);
            for (Pending pending : batch) {
                complete(pending, -1, t);
            }
            batch.clear();
            closing = true;
            drainFailing();
            throw t;
        } finally {
            closeQuietly(channel, "segment " + segmentFile(segmentBase));
            closeQuietly(lockChannel, "the lock of " + dir);
        }
    }

    private void commit() {
        Throwable failed = failure;
        if (failed != null) {
            for (Pending pending : batch) {
                complete(pending, -1, failed);
            }
            return;
        }
        int records = 0;
        try {
            buffer.clear();
            for (int i = 0, n = batch.size(); i < n; i++) {
                positions[i] = encode(i);
                if (positions[i] >= 0) {
                    records++;
                }
            }
            if (records == 0) {
                return;
            }
            flushBuffer();
            lastForceStart = System.nanoTime();
            lastForceRecords = records;
            if (config.fsync()) {
                channel.force(false);
                fsyncs++;
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            LOG.log(Level.ERROR, "Journal: a write in " + dir + " failed (active segment " + segmentFile(segmentBase)
                    + "); the journal refuses appends until it is reopened. Check the disk: space, permissions, I/O errors", e);
            for (Pending pending : batch) {
                complete(pending, -1, e);
            }
            return;
        }
        endPosition = segmentBase + segmentSize;
        appended += records;
        batches++;
        if (listener != null) {
            notifyListener(records);
        }
        for (int i = 0, n = batch.size(); i < n; i++) {
            if (positions[i] >= 0) {
                complete(batch.get(i), positions[i], null);
            }
        }
    }

    /**
     * Encodes the batch's append {@code index} into the buffer, first writing out the buffer when the
     * record may not fit and rolling the segment when it is full.
     *
     * @return the record's position, or -1 when there is nothing to write: the wake-up marker, or an
     *     append that cannot be encoded (its callback has then been failed, and its slot emptied so
     *     that nothing completes it again)
     */
    private long encode(int index) throws IOException {
        Pending pending = batch.get(index);
        if (pending.callback == null) {
            return -1;
        }
        if (segmentSize + buffer.position() >= config.segmentBytes()) {
            flushBuffer();
            roll();
        }
        Uplink uplink = pending.uplink;
        if (UplinkCodec.maxEncodedSize(uplink) > buffer.remaining()
                && UplinkCodec.encodedSize(uplink) > buffer.remaining()) {
            flushBuffer();
        }
        int start = buffer.position();
        try {
            codec.encode(uplink, buffer);
            return segmentBase + segmentSize + start;
        } catch (RuntimeException e) {
            buffer.position(start);
            batch.set(index, WAKE_UP);
            complete(pending, -1, e);
            return -1;
        }
    }

    /** Writes the buffered records to the active segment (without forcing) and empties the buffer. */
    private void flushBuffer() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            segmentSize += channel.write(buffer, segmentSize);
        }
        buffer.clear();
    }

    /** Forces and closes the active segment and starts the next one at the current end. */
    private void roll() throws IOException {
        if (config.fsync()) {
            channel.force(false);
            fsyncs++;
        }
        channel.close();
        long base = segmentBase + segmentSize;
        Path file = dir.resolve(Segments.fileName(base));
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segmentBase = base;
        segmentSize = 0;
        if (config.fsync()) {
            Segments.forceDirectory(dir);
        }
        segments.put(base, file);
    }

    private void notifyListener(int records) {
        Entry[] entries = new Entry[records];
        for (int i = 0, e = 0, n = batch.size(); i < n; i++) {
            if (positions[i] >= 0) {
                entries[e++] = new Entry(positions[i], batch.get(i).uplink);
            }
        }
        try {
            listener.durable(Collections.unmodifiableList(Arrays.asList(entries)));
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "Journal: the durable listener threw; the records are stored and the journal goes on", t);
        }
    }

    private void complete(Pending pending, long position, Throwable error) {
        if (pending.callback == null) {
            return; // the wake-up marker, or an append already completed
        }
        try {
            pending.callback.done(position, error);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "Journal: an append callback threw; callbacks must not fail", t);
        }
    }

    private void fail(Throwable error) {
        if (failure == null) {
            failure = error;
        }
    }

    /** Completes everything still queued with the failure. */
    private void drainFailing() {
        Throwable failed = failure;
        Pending pending;
        while ((pending = queue.poll()) != null) {
            complete(pending, -1, failed);
        }
    }

    private static void closeQuietly(FileChannel channel, String what) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Journal: closing " + what + " failed", e);
        }
    }

    private Path segmentFile(long base) {
        return dir.resolve(Segments.fileName(base));
    }
}
