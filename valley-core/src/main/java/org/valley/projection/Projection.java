package org.valley.projection;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.valley.codec.CodecCatalog;
import org.valley.codec.DecodeResult;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.frame.FrameTrack;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.json.Json;
import org.valley.json.JsonObject;
import org.valley.json.JsonReader;
import org.valley.store.ProjectionStore;
import org.valley.store.ProjectionStore.StoredFrame;
import org.valley.store.ProjectionStore.TrackState;

/**
 * Turns journal entries into frames, decodes and readings, in journal order, on one thread.
 *
 * <p>The journal hands over each durable batch; tasks from the API (claiming a newly registered
 * device's frames) go through the same queue, so they are ordered with the frames around them. The
 * queue is bounded. Without a journal to read from ({@link #catchUpFrom}), a full queue makes the
 * journal's writer wait here, the journal's own queue fills, and the edge answers 503. With one, a
 * batch that finds the queue full is not held at all: the projection notes that it is behind, and
 * once it has applied what the queue held it reads the entries it missed from the journal on disk
 * until it meets the live ones again. Acknowledgements then never wait for the store (a pause of
 * the store, such as a checkpoint, no longer stops them), memory stays bounded, and how far the
 * projection may lag is bounded by the edge in journal bytes.
 *
 * <p>The bound counts uplinks, not batches (tasks and readers' waiters take no room: the API calls
 * that make them are few and bounded by the HTTP server, and a reader is never refused). The journal's batches
 * are small when the disk is fast (tens of uplinks per fsync), so a bound of a few hundred batches
 * held only a fraction of a second of traffic: each pause of the store (an appender flush, a
 * checkpoint of the embedded database) then filled it, stopped the journal's writer and with it
 * every acknowledgement, for as long as the pause lasted. Counting uplinks bounds memory the same
 * whatever the batch size, and lets the queue absorb such pauses.
 *
 * <p>Rows are committed together every {@code commitInterval}, or at once when a reader waits for
 * a position ({@link #awaitApplied}), so a query made after a 2xx sees the frame.
 */
public final class Projection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Projection.class.getName());
    private static final int SIGFOX_MODULUS = 4096;
    private static final Reception NO_RECEPTION = new Reception("", null, null);

    /**
     * One journal entry handed to the projection.
     *
     * @param position the entry's journal position
     * @param uplink the entry
     */
    public record Entry(long position, Uplink uplink) {}

    private record Waiter(long position, CompletableFuture<Long> future) {}

    /** Reads the journal's durable entries from a position on (that entry included), in order. */
    @FunctionalInterface
    public interface JournalSource {
        void read(long from, org.valley.journal.RecordConsumer consumer) throws java.io.IOException;
    }

    /** Queued when a batch found the queue full: from here on the projection reads the journal itself. */
    private static final Object CATCH_UP = new Object();

    /** Thrown through a journal read to stop it when the projection closes. */
    private static final class Stopped extends java.io.IOException {
        Stopped() {
            super("the projection is closing");
        }
    }

    /** A durable batch in the queue, with the permits it holds (its size, at most the capacity). */
    private record Batch(List<Entry> entries, int permits) {}

    private final ProjectionStore store;
    private final DeviceDirectory devices;
    private final CodecCatalog codecs;
    private final InstantSource clock;
    private final long commitIntervalMillis;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Free room in the queue, in uplinks. */
    private final Semaphore room;
    private final int capacity;
    /** Replaced as a whole when the store is reopened after a failure ({@link #recover}). */
    private volatile Map<String, Map<String, FrameTrack>> tracks;
    private final List<FrameListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** True while the frame being applied arrives now (not replayed, not decoded again): listeners hear of it. */
    private boolean live;
    private final PriorityQueue<Waiter> waiters =
            new PriorityQueue<>((a, b) -> Long.compare(a.position, b.position));
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private long pending;
    private long pendingPosition;
    /** The journal position of the entry being applied (projection thread only). */
    private long applying;
    private long lastCommit;
    private volatile JournalSource source;
    /** Guards {@link #behind} and {@link #missedUpTo} between the journal's writer and the projection. */
    private final Object behindLock = new Object();
    /** True from a batch that found the queue full until the projection has read every entry it missed. */
    private boolean behind;
    /** The position of the last entry handed over while behind, not queued. */
    private long missedUpTo = -1;
    private final AtomicLong catchUps = new AtomicLong();
    /** Transactions of the store: each flushes every table written since the last one. */
    private final AtomicLong commits = new AtomicLong();
    /** Store failures the projection recovered from ({@link #recover}). */
    private final AtomicLong failures = new AtomicLong();
    /**
     * Failures since the last commit (projection thread only): how long to wait before reopening;
     * while positive, the store holds nothing worth committing at close.
     */
    private int failuresInARow;
    /** Set by a recovery: what was applied since the last commit is applied again first. */
    private boolean reapply;
    /** Without a journal to read: the batches applied since the last commit, applied again after a failure. */
    private final List<Batch> uncommitted = new ArrayList<>();
    private long framesAtCommit;
    /** Readings handed to the store since start (projection thread only; plain: one per value of a frame). */
    private long readingsApplied;
    /** {@link #readingsApplied} at the last commit: what the store holds for sure. */
    private volatile long readingsCommitted;
    private long decodeErrorsAtCommit;
    /** The position of the last entry whose decode listeners heard of: a frame applied again is not told twice. */
    private long toldUpTo = -1;
    /** Queue items set aside during a catch-up (projection thread only). */
    private final List<Object> deferred = new ArrayList<>();

    public Projection(ProjectionStore store, DeviceDirectory devices, CodecCatalog codecs, InstantSource clock,
            int queueCapacity, long commitIntervalMillis) {
        this.store = store;
        this.devices = devices;
        this.codecs = codecs;
        this.clock = clock;
        this.commitIntervalMillis = commitIntervalMillis;
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
        this.capacity = queueCapacity;
        this.room = new Semaphore(queueCapacity);
        resume(store.open());
        thread = Thread.ofPlatform().name("valley-projection").daemon(true).unstarted(this::run);
    }

    /** Takes up the state the store kept: its tracks, and the position it applied the journal up to. */
    private void resume(ProjectionStore.Resume resume) {
        Map<String, Map<String, FrameTrack>> restored = new ConcurrentHashMap<>();
        for (TrackState t : resume.tracks()) {
            FrameTrack track = t.lorawan() ? FrameTrack.lorawan() : new FrameTrack(SIGFOX_MODULUS);
            track.restore(t.highest(), t.highestTime(), t.window(), t.frames(), t.duplicates(), t.lost(),
                    t.lastSeen(), t.battery());
            if (t.lorawan() && t.runBase() != null) {
                track.restoreRun(t.runBase(), t.session(), t.previousSession());
            }
            restored.computeIfAbsent(t.tenant(), k -> new ConcurrentHashMap<>()).put(t.networkId(), track);
        }
        for (ProjectionStore.KeyState k : resume.keys()) {
            Map<String, FrameTrack> ofTenant = restored.get(k.tenant());
            FrameTrack track = ofTenant == null ? null : ofTenant.get(k.networkId());
            if (track != null && track.hasRuns()) {
                track.restoreKey(FrameTrack.tag(k.key()), k.extended());
            }
        }
        tracks = restored;
        applied.set(resume.appliedPosition());
        pendingPosition = resume.appliedPosition();
        pending = 0;
    }

    /**
     * The journal position of the last entry applied and committed, or -1 when none: replay
     * resumes with the entry after it.
     */
    public long appliedPosition() {
        return applied.get();
    }

    /**
     * Applies an entry synchronously, before the thread starts (journal replay at start-up). An
     * entry at or before {@link #appliedPosition()} was applied already and is skipped.
     */
    public void replay(long position, Uplink uplink) {
        if (position <= applied.get()) {
            return;
        }
        apply(position, uplink);
        if (pending >= 50_000) {
            commit();
        }
    }

    /** Finishes a replay: commits what it applied. */
    public void replayDone() {
        commit();
    }

    public void start() {
        thread.start();
    }

    /**
     * Lets the projection read the journal when its queue is full, instead of making the journal's
     * writer wait. Set before {@link #start}.
     */
    public void catchUpFrom(JournalSource journal) {
        this.source = journal;
    }

    /** Adds a listener of the frames decoded from now on. */
    public void addListener(DecodedListener listener) {
        listeners.add((device, frame, time, values) -> listener.decoded(device, time, values));
    }

    /** Adds a listener of the frames decoded from now on that also needs each frame's identity. */
    public void addFrameListener(FrameListener listener) {
        listeners.add(listener);
    }

    /**
     * Completes once the frame being applied now, and all before it, are committed. Call it on the
     * projection thread, from a listener: a reader of the store then finds the frame's readings.
     */
    public CompletableFuture<Long> afterCommit() {
        return awaitApplied(applying);
    }

    /**
     * Hands over a durable batch. Blocks while the queue has no room for it (back-pressure on the
     * journal); a batch larger than the whole queue waits for the queue to be empty.
     */
    public void accept(List<Entry> batch) {
        int permits = Math.max(1, Math.min(batch.size(), capacity));
        if (source != null) {
            synchronized (behindLock) {
                if (!behind && room.tryAcquire(permits)) {
                    queue.add(new Batch(batch, permits));
                    return;
                }
                if (!behind) {
                    behind = true;
                    catchUps.incrementAndGet();
                    queue.add(CATCH_UP);
                }
                missedUpTo = batch.get(batch.size() - 1).position();
            }
            return;
        }
        try {
            room.acquire(permits);
            queue.add(new Batch(batch, permits));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a batch to the projection", e);
        }
    }

    /** Runs {@code task} on the projection thread, ordered with the frames around it. */
    public CompletableFuture<Void> submit(Runnable task) {
        Task wrapped = new Task(task);
        queue.add(wrapped); // tasks and waiters take no room: API calls bound them, and a reader must never be refused
        return wrapped.done;
    }

    /**
     * A task on the projection thread. It runs once: when the store fails after it ran (in the same
     * turn), the projection applies the journal again but does not run the task again. A task that
     * writes to the store commits before it completes (a claim, a chunk of a re-decode), so what it
     * did is kept or, if the commit failed, it completes with the failure.
     */
    private static final class Task {
        final Runnable body;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean ran;

        Task(Runnable body) {
            this.body = body;
        }

        void run() {
            if (ran) {
                return;
            }
            ran = true;
            try {
                body.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                throw e; // the store may be left mid-batch: the projection reopens it
            }
        }
    }

    /** Completes once the journal entry at {@code position} and all before it are applied and committed. */
    public CompletableFuture<Long> awaitApplied(long position) {
        if (applied.get() >= position) {
            return CompletableFuture.completedFuture(applied.get());
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        queue.add(new Waiter(position, future));
        return future;
    }

    /** Decodes again, with the device's current codec, every stored frame of a newly registered device. */
    public CompletableFuture<Void> claim(Device device) {
        return submit(() -> {
            FrameTrack track = track(device.tenant(), device.network().id());
            if (track == null) {
                return; // nothing was ever received from the network id: nothing to claim, no store query
            }
            commit();
            List<StoredFrame> stored = store.frames(device.tenant(), device.network().id());
            for (StoredFrame f : stored) {
                decode(device, f.extended(), f.time(), f.payload(), f.fPort(), f.kind(), track);
            }
            commit();
        });
    }

    /** Told how a re-decode advances: the frames it found, then after each chunk how many are done. */
    public interface RedecodeProgress {
        void found(int frames);

        void decoded(int framesSoFar);
    }

    /** Frames re-decoded per turn of the projection thread: ingestion runs between two chunks. */
    private static final int REDECODE_CHUNK = 500;

    /**
     * Decodes again, with the device's current codec version, its stored frames received in
     * [{@code from}, {@code to}) (epoch milliseconds), replacing their decodes and readings. Runs on
     * the projection thread a chunk at a time, each chunk committed atomically (a frame shows either
     * its old decode or its new one), so frames arriving meanwhile are applied between chunks and
     * nothing is lost. Running it twice gives the same result as running it once.
     */
    public CompletableFuture<Void> redecode(Device device, long from, long to, RedecodeProgress progress) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            commit();
            List<StoredFrame> frames = store.frames(device.tenant(), device.network().id(), from, to);
            progress.found(frames.size());
            redecodeChunk(device, frames, 0, progress, done);
        }).exceptionally(e -> {
            done.completeExceptionally(e);
            return null;
        });
        return done;
    }

    private void redecodeChunk(Device device, List<StoredFrame> frames, int start, RedecodeProgress progress,
            CompletableFuture<Void> done) {
        int end = Math.min(frames.size(), start + REDECODE_CHUNK);
        FrameTrack track = track(device.tenant(), device.network().id());
        for (StoredFrame f : frames.subList(start, end)) {
            store.supersedeDecode(device.tenant(), device.network().id(), f.extended(), device.id());
            decode(device, f.extended(), f.time(), f.payload(), f.fPort(), f.kind(), track);
        }
        commit();
        progress.decoded(end);
        if (end == frames.size()) {
            done.complete(null);
        } else {
            submit(() -> redecodeChunk(device, frames, end, progress, done)).exceptionally(e -> {
                done.completeExceptionally(e);
                return null;
            });
        }
    }

    private void run() {
        List<Object> drained = new ArrayList<>(256);
        // closing with a store that fails: what is left is in the journal, and replays at the next start
        while (running || (!queue.isEmpty() && failuresInARow == 0)) {
            try {
                if (reapply) {
                    reapply();
                }
                if (drained.isEmpty()) {
                    Object first = queue.poll(Math.max(1, commitIntervalMillis), TimeUnit.MILLISECONDS);
                    if (first != null) {
                        drained.add(first);
                        queue.drainTo(drained, 255);
                    }
                }
                if (!drained.isEmpty()) {
                    int permits = 0;
                    for (int i = 0; i < drained.size(); i++) {
                        Object item = drained.get(i);
                        if (item == CATCH_UP) {
                            // what came after the marker waits for the catch-up, in order, with what comes meanwhile
                            deferred.addAll(drained.subList(i + 1, drained.size()));
                            catchUp();
                            for (Object later : deferred) {
                                handle(later);
                                permits += later instanceof Batch b ? b.permits() : 0;
                            }
                            deferred.clear();
                            break;
                        }
                        handle(item);
                        permits += item instanceof Batch b ? b.permits() : 0;
                    }
                    drained.clear();
                    room.release(permits);
                }
                long now = clock.millis();
                if (pendingPosition != applied.get() || pending > 0) {
                    if (readerDue() || now - lastCommit >= commitIntervalMillis || pending >= 50_000) {
                        commit();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                Throwable cause = e instanceof Failed f ? f.getCause() : e;
                LOG.log(Level.ERROR, "the projection failed at journal position " + applying + "; reopening the "
                        + "store and applying the journal again from position " + applied.get(), cause);
                recover(drained);
            }
        }
        if (failuresInARow == 0) {
            try {
                commit();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "the last commit before closing failed; the journal replays from position "
                        + applied.get() + " at the next start", e);
            }
        }
    }

    /** Thrown through a journal read when applying an entry failed, to reach {@link #run}'s recovery. */
    private static final class Failed extends RuntimeException {
        Failed(RuntimeException cause) {
            super(cause);
        }
    }

    /**
     * After a failed write or commit: the store discards what it held since its last commit, the
     * tracks are taken again from it, and the journal is applied again from the last committed
     * position on the next turn ({@link #reapply}), before the items of the turn that failed are
     * handled again (tasks that ran are not run again). Waits before reopening, longer after each
     * failure in a row (from 0.1 s to 30 s), so that a store that keeps failing (a full disk) costs
     * little; meanwhile the queue stays full, the journal's batches are noted as missed, the lag
     * grows and the edge answers 503 once it passes its bound. Nothing acknowledged is lost: it is
     * in the journal, and applied once the store writes again.
     */
    private void recover(List<Object> drained) {
        failures.incrementAndGet();
        failuresInARow++;
        // items set aside by a catch-up that failed: those not in the failed turn came later from the queue
        Set<Object> inTurn = Collections.newSetFromMap(new IdentityHashMap<>());
        inTurn.addAll(drained);
        for (Object item : deferred) {
            if (!inTurn.contains(item)) {
                drained.add(item);
            }
        }
        deferred.clear();
        live = false;
        while (running) {
            pause(Math.min(30_000L, 100L << Math.min(failuresInARow - 1, 9)));
            try {
                resume(store.reopen());
                break;
            } catch (RuntimeException e) {
                failuresInARow++;
                LOG.log(Level.ERROR, "reopening the projection store failed; trying again", e);
            }
        }
        frames.set(framesAtCommit);
        decodeErrors.set(decodeErrorsAtCommit);
        readingsApplied = readingsCommitted;
        reapply = true;
    }

    /**
     * Applies again what was applied since the last commit, the store having discarded it: from the
     * journal when the projection can read it (everything durable up to its end), otherwise the
     * batches it kept since that commit.
     */
    private void reapply() {
        reapply = false;
        if (source != null) {
            catchUp();
        } else {
            List<Batch> again = new ArrayList<>(uncommitted);
            uncommitted.clear();
            for (Batch b : again) {
                handle(b);
            }
        }
    }

    private void handle(Object item) {
        switch (item) {
            case Batch batch -> {
                if (source == null) {
                    uncommitted.add(batch);
                }
                live = true;
                for (Entry e : batch.entries()) {
                    // after a catch-up, the first live batches may hold entries it already read from the journal
                    if (e.position() > pendingPosition) {
                        apply(e.position(), e.uplink());
                    }
                }
                live = false;
            }
            case Task task -> task.run();
            case Waiter w -> {
                if (applied.get() >= w.position()) {
                    w.future().complete(applied.get());
                } else {
                    waiters.add(w);
                }
            }
            default -> throw new IllegalStateException("unexpected item " + item);
        }
    }

    /**
     * Reads from the journal every entry after the last one applied, up to the journal's end, again
     * and again until no entry handed over meanwhile was missed; then the queue takes over. Readers'
     * waiters and tasks queued meanwhile are served between entries, and commits follow the usual
     * interval, so a reader is not held until the projection has caught up.
     */
    private void catchUp() {
        live = true;
        int[] sinceService = {0};
        try {
            while (running) {
                try {
                    source.read(Math.max(0, pendingPosition), (position, uplink) -> {
                        if (!running) {
                            throw new Stopped();
                        }
                        if (position > pendingPosition) {
                            try {
                                apply(position, uplink);
                                if (++sinceService[0] == 256) {
                                    sinceService[0] = 0;
                                    serviceWhileBehind();
                                }
                            } catch (RuntimeException e) {
                                throw new Failed(e);
                            }
                        }
                    });
                } catch (Stopped e) {
                    return; // closing: what is applied is committed by the thread's last commit, the rest replays at start-up
                } catch (Failed e) {
                    throw e;
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.log(Level.ERROR, "reading the journal to catch up from position " + pendingPosition
                            + " failed; trying again in a second", e);
                    pause(1000);
                    continue;
                }
                synchronized (behindLock) {
                    if (missedUpTo <= pendingPosition) {
                        behind = false;
                        return;
                    }
                }
            }
        } finally {
            live = false;
        }
    }

    /**
     * While catching up: answers readers queued meanwhile and commits on the usual terms; tasks wait
     * for the end of the catch-up, in order.
     */
    private void serviceWhileBehind() {
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof Waiter) {
                handle(item);
            } else {
                deferred.add(item);
            }
        }
        if (readerDue() || clock.millis() - lastCommit >= commitIntervalMillis || pending >= 50_000) {
            commit();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies one uplink, the journal entry at {@code position}. */
    private void apply(long position, Uplink uplink) {
        applying = position;
        switch (uplink.kind().role()) {
            case FRAME, ENRICHMENT -> frame(position, uplink);
            case JOIN -> join(position, uplink);
            case EVENT -> {
                // kept in the journal; network events are not frames of the device
            }
        }
        pendingPosition = Math.max(pendingPosition, position);
        if (live) {
            toldUpTo = Math.max(toldUpTo, position);
        }
    }

    /** The frame track of the uplink's network id, made on first use with the width of its network's counter. */
    private FrameTrack track(Uplink uplink) {
        String networkId = uplink.networkId();
        // get before computeIfAbsent: nearly every uplink finds its track, and a plain get is cheaper.
        Map<String, FrameTrack> ofTenant = tracks.get(uplink.tenant());
        if (ofTenant == null) {
            ofTenant = tracks.computeIfAbsent(uplink.tenant(), k -> new ConcurrentHashMap<>());
        }
        FrameTrack track = ofTenant.get(networkId);
        if (track == null) {
            boolean lorawan = uplink.kind().lorawan();
            track = ofTenant.computeIfAbsent(networkId, k -> lorawan ? FrameTrack.lorawan() : new FrameTrack(SIGFOX_MODULUS));
        }
        return track;
    }

    /** The device registered for the uplink's network id, or null: remembered on its track until the directory changes. */
    private Device device(Uplink uplink, FrameTrack track) {
        int changes = devices.changes();
        if (track.knowsDevice(changes)) {
            return track.device();
        }
        Device device = devices.byNetworkId(uplink.networkId());
        track.device(device, changes);
        return device;
    }

    /**
     * A LoRaWAN join: the device's frame counter restarts, so its next frames start a new run. The
     * run takes the join's session when the network names one; otherwise the join is known by its
     * time, so that another delivery of it opens no second run.
     */
    private void join(long position, Uplink uplink) {
        FrameTrack track = track(uplink);
        track.seen(uplink.receivedAt());
        if (!track.hasRuns()) {
            return; // a join for a network id whose frames came from a network without joins: nothing to restart
        }
        boolean named = uplink.session() != null;
        track.join(FrameTrack.tag(named ? uplink.session() : "join@" + uplink.time()), named);
        saveRun(position, uplink, track);
    }

    private void saveRun(long position, Uplink uplink, FrameTrack track) {
        if (track.takeRunChange()) {
            store.run(position, uplink, track.runBase(), track.session());
            pending++;
        }
    }

    private void frame(long position, Uplink uplink) {
        FrameTrack track = track(uplink);
        track.seen(uplink.receivedAt());
        boolean advanced = uplink.kind() == UplinkKind.SIGFOX_ADVANCED;
        int outcome;
        long extended;
        if (uplink.seq() >= 0) {
            outcome = track.hasRuns()
                    ? track.observe(uplink.seq(), uplink.time(), FrameTrack.tag(uplink.session()),
                            FrameTrack.tag(uplink.dedupKey()))
                    : track.observe(uplink.seq(), uplink.time());
            if (outcome == FrameTrack.UNKNOWN) {
                outcome = settle(uplink, track, track.lastExtended());
            }
            extended = track.lastExtended();
            saveRun(position, uplink, track);
            if (advanced && outcome == FrameTrack.DUPLICATE) {
                track.notADuplicate();
            }
        } else {
            track.countUnsequenced();
            outcome = FrameTrack.NEW;
            extended = -position - 1;
        }
        // the store is told of a new frame first, then of the delivery's receptions, then of the
        // frame's decode: the embedded store keeps the first reception and the decode on the frame's row
        boolean fresh = outcome != FrameTrack.DUPLICATE;
        if (fresh) {
            if (uplink.labels() != null && track.labelsChanged(FrameTrack.tag(uplink.labels()))) {
                store.labels(position, uplink);
                pending++;
            }
            store.frame(position, uplink, extended, outcome == FrameTrack.RESTART);
            frames.incrementAndGet();
            pending++;
        }
        for (Reception r : uplink.receptions()) {
            store.reception(position, uplink, extended, r, advanced);
            pending++;
        }
        if (extended >= 0 && extended == track.highest()) {
            boolean first = fresh;
            for (Reception r : uplink.receptions()) {
                track.link(first, r.rssi(), r.snr());
                first = false;
            }
        }
        if (uplink.receptions().isEmpty() && extended >= 0 && !advanced) {
            // every delivery of a sequenced frame leaves a reception row: the store counts deliveries
            // (and so duplicates) from them after a restart; one without radio data is not shown
            store.reception(position, uplink, extended, NO_RECEPTION, false);
            pending++;
        }
        if (advanced) {
            store.frameMeta(uplink, extended);
            pending++;
        }
        if (fresh) {
            Device device = device(uplink, track);
            if (device != null && device.tenant().equals(uplink.tenant())) {
                decode(device, extended, uplink.time(), uplink.payload(), uplink.fPort(), uplink.kind(), track);
            }
        }
    }

    /**
     * Settles a frame the track cannot place alone (older than its window, of the previous run, or
     * a repeated counter whose key it no longer remembers) by asking the store, after a commit so
     * that it sees every frame applied so far. Rare: only heavy reordering, replays and stragglers
     * around a join get here.
     */
    private int settle(Uplink uplink, FrameTrack track, long extended) {
        commit();
        String stored = store.frameKey(uplink.tenant(), uplink.networkId(), extended);
        if (stored == null) {
            track.settleLate();
            return FrameTrack.NEW;
        }
        if (track.hasRuns() && uplink.dedupKey() != null && !stored.isEmpty() && !stored.equals(uplink.dedupKey())) {
            track.settleReset();
            return FrameTrack.NEW;
        }
        track.settleDuplicate();
        return FrameTrack.DUPLICATE;
    }

    private void decode(Device device, long extended, long time, byte[] payload, int fPort, UplinkKind kind,
            FrameTrack track) {
        if (kind == UplinkKind.JSON_VALUES) {
            values(device, extended, payload);
            return;
        }
        CodecCatalog.Compiled compiled = codecs.get(device.codec());
        if (compiled == null) {
            return;
        }
        DecodeResult result;
        try {
            result = compiled.codec().decode(payload, fPort, time);
        } catch (RuntimeException e) {
            result = new DecodeResult.Rejected(List.of("codec failed: " + e));
        }
        long now = clock.millis();
        String codecId = compiled.definition().id();
        int version = compiled.definition().version();
        switch (result) {
            case DecodeResult.Decoded d -> {
                store.decode(device.tenant(), device.network().id(), extended, device.id(), codecId, version,
                        Json.write(d.data()), null, now);
                pending++;
                flatten(device.id(), time, "", d.data(), extended);
                tell(device, extended, time, d.data());
                if (d.data().get("battery") instanceof Number battery && track != null) {
                    track.battery(battery.floatValue());
                }
            }
            case DecodeResult.Rejected r -> {
                decodeErrors.incrementAndGet();
                store.decode(device.tenant(), device.network().id(), extended, device.id(), codecId, version, null,
                        String.join("; ", r.errors()), now);
                pending++;
            }
        }
    }

    /**
     * Stores readings sent as JSON, which need no codec: the payload is the list of {@code {ts,
     * values}} the edge validated and wrote ({@link UplinkKind#JSON_VALUES}).
     */
    private void values(Device device, long extended, byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        long now = clock.millis();
        try {
            for (Object element : (List<?>) JsonReader.read(text)) {
                Map<?, ?> reading = (Map<?, ?>) element;
                @SuppressWarnings("unchecked")
                Map<String, Object> values = (Map<String, Object>) reading.get("values");
                long ts = ((Number) reading.get("ts")).longValue();
                flatten(device.id(), ts, "", values, extended);
                tell(device, extended, ts, values);
            }
            store.decode(device.tenant(), device.network().id(), extended, device.id(), null, 0, text, null, now);
        } catch (RuntimeException e) {
            // the edge wrote this payload: only a journal from another build could get here
            decodeErrors.incrementAndGet();
            store.decode(device.tenant(), device.network().id(), extended, device.id(), null, 0, null,
                    "stored JSON values are not readable: " + e.getMessage(), now);
        }
        pending++;
    }

    private void tell(Device device, long frame, long time, Map<String, Object> values) {
        if (!live || applying <= toldUpTo) {
            return;
        }
        for (FrameListener listener : listeners) {
            try {
                listener.decoded(device, frame, time, values);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a listener of decoded frames failed; the frame is stored", e);
            }
        }
    }

    private void flatten(String deviceId, long time, String prefix, Map<String, Object> data, long extended) {
        if (data instanceof JsonObject object) {
            // what the built-in codecs make: read in place, without an entry object per field
            for (int i = 0; i < object.size(); i++) {
                flatten(deviceId, time, prefix, object.keyAt(i), object.valueAt(i), extended);
            }
            return;
        }
        for (Map.Entry<String, Object> e : data.entrySet()) {
            flatten(deviceId, time, prefix, e.getKey(), e.getValue(), extended);
        }
    }

    private void flatten(String deviceId, long time, String prefix, String name, Object value, long extended) {
        String key = prefix.isEmpty() ? name : prefix + "." + name;
        if (value instanceof Map<?, ?> nested) {
            @SuppressWarnings("unchecked")
            Map<String, Object> inner = (Map<String, Object>) nested;
            flatten(deviceId, time, key, inner, extended);
        } else if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            store.reading(deviceId, time, key, value, extended);
            readingsApplied++;
            pending++;
        }
    }

    /**
     * Whether a reader waits for an entry applied but not committed yet: a commit now answers it.
     * A reader waiting for an entry further on is answered by a later commit; committing for it
     * before then only cost a store transaction per turn (during a long catch-up with a reader
     * polling, one per 256 entries).
     */
    private boolean readerDue() {
        return !waiters.isEmpty() && waiters.peek().position() <= pendingPosition;
    }

    private void commit() {
        long position = pendingPosition;
        store.commit(position);
        commits.incrementAndGet();
        uncommitted.clear();
        framesAtCommit = frames.get();
        readingsCommitted = readingsApplied;
        decodeErrorsAtCommit = decodeErrors.get();
        failuresInARow = 0;
        applied.set(position);
        pending = 0;
        lastCommit = clock.millis();
        while (!waiters.isEmpty() && waiters.peek().position() <= position) {
            waiters.poll().future().complete(position);
        }
    }

    /** What the projection knows of a tenant's network id, or null when never heard. */
    public FrameTrack track(String tenant, String networkId) {
        Map<String, FrameTrack> ofTenant = tracks.get(tenant);
        return ofTenant == null ? null : ofTenant.get(networkId);
    }

    public long framesProjected() {
        return frames.get();
    }

    public long decodeErrors() {
        return decodeErrors.get();
    }

    /**
     * Readings committed to the store since start (each value of a decoded frame, each value sent
     * as JSON); a frame decoded again by a re-decode or a claim counts again.
     */
    public long readingsStored() {
        return readingsCommitted;
    }

    /** Uplinks (and tasks) waiting for the projection. */
    public int queueDepth() {
        return capacity - room.availablePermits();
    }

    /** Commits to the store since start, replay included. */
    public long commits() {
        return commits.get();
    }

    /** How many times a write or a commit of the store failed and the projection reopened it. */
    public long storeFailures() {
        return failures.get();
    }

    /** How many times a full queue sent the projection to read the journal itself. */
    public long catchUps() {
        return catchUps.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
