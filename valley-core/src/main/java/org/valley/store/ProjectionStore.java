package org.valley.store;

import java.util.List;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;

/**
 * Where the projection writes frames, receptions, decodes and readings. Written by one thread (the
 * projection); rows become visible and durable together at {@link #commit}.
 *
 * <p>A crash between two commits leaves rows of an unfinished batch behind; {@link #open} removes
 * them, and the projection replays the journal from {@link #appliedPosition()}, so every uplink
 * is applied exactly once.
 */
public interface ProjectionStore {

    /** Prepares the store for writing after a start or a crash; returns the state to resume from. */
    Resume open();

    /**
     * Discards every row written since the last commit, whatever state a failed write or commit
     * left it in, and prepares the store again as {@link #open} does after a crash. The projection
     * calls it when a write or a commit failed, then applies the journal again from the returned
     * position.
     */
    default Resume reopen() {
        return open();
    }

    /**
     * Where to resume: the journal position of the last applied uplink (-1 for none), the tracks,
     * and the deduplication keys of the last frames of each track, oldest first.
     */
    record Resume(long appliedPosition, List<TrackState> tracks, List<KeyState> keys) {
        public Resume(long appliedPosition, List<TrackState> tracks) {
            this(appliedPosition, tracks, List.of());
        }
    }

    /** The deduplication key of a recent frame. */
    record KeyState(String tenant, String networkId, String key, long extended) {}

    /**
     * The saved state of the frame track of one network id in one tenant; {@code lorawan} when its
     * frames came from a LoRaWAN network (a 32-bit counter). {@code runBase} is the base of the last
     * run saved by {@link #run} (null when none), {@code session} its session tag and {@code
     * previousSession} the tag of the run before it (0 when none). {@code highest} is
     * {@link Long#MIN_VALUE} when no frame is stored.
     */
    record TrackState(
            String tenant,
            String networkId,
            boolean lorawan,
            long highest,
            long highestTime,
            long window,
            int frames,
            int duplicates,
            int lost,
            long lastSeen,
            float battery,
            Long runBase,
            long session,
            long previousSession) {}

    void frame(long position, Uplink uplink, long extended, boolean restart);

    /** One reception of the delivery at journal {@code position}. */
    void reception(long position, Uplink uplink, long extended, Reception reception, boolean fromAdvanced);

    void frameMeta(Uplink uplink, long extended);

    /**
     * The device's labels ({@link Uplink#labels}) as of the delivery at journal {@code position},
     * told when they differ from the ones told before for the device (and again after a restart):
     * a frame's labels are the latest told at or before its own position. Told before the frame
     * itself.
     */
    void labels(long position, Uplink uplink);

    /**
     * A new run of a LoRaWAN device's frame counter, or a new session for the current run: the
     * extended number of FCnt 0 in the run and the session's tag, learnt from the delivery at journal
     * {@code position}. Kept so that a restart resumes the run a join opened even before its first
     * frame.
     */
    default void run(long position, Uplink uplink, long base, long session) {}

    void decode(String tenant, String networkId, long extended, String deviceId, String codecId, int codecVersion,
            String decodedJson, String error, long at);

    /** One decoded value: a Number, Boolean or String. */
    void reading(String deviceId, long ts, String key, Object value, long extended);

    /**
     * Marks a frame as decoded again: its decode and readings written by earlier batches are replaced
     * by those written since the last commit. The replacement becomes visible at {@link #commit},
     * atomically with it: a crash before the commit leaves the earlier decode in place.
     */
    void supersedeDecode(String tenant, String networkId, long extended, String deviceId);

    /** Makes every row since the last commit durable and records the last applied journal position. */
    void commit(long appliedPosition);

    /** Whether the frame with this extended sequence number is stored (committed rows only). */
    boolean hasFrame(String tenant, String networkId, long extended);

    /**
     * The deduplication key of a stored frame (committed rows only): null when no such frame is
     * stored, empty when it was stored without one.
     */
    default String frameKey(String tenant, String networkId, long extended) {
        return hasFrame(tenant, networkId, extended) ? "" : null;
    }

    /** Frames of {@code networkId} received through {@code tenant}'s integrations, oldest first. */
    List<StoredFrame> frames(String tenant, String networkId);

    /**
     * The frames of {@link #frames(String, String)} whose network time is within [{@code from},
     * {@code to}) (epoch milliseconds), oldest first. A store that can should read only those.
     */
    default List<StoredFrame> frames(String tenant, String networkId, long from, long to) {
        return frames(tenant, networkId).stream().filter(f -> f.time() >= from && f.time() < to).toList();
    }

    /** A stored frame as the projection needs it to decode it again. */
    record StoredFrame(String networkId, long extended, long time, byte[] payload, int fPort, UplinkKind kind) {}

    /** Rows written since start, for metrics (read from another thread: an approximate figure). */
    default long rowsWritten() {
        return 0;
    }
}
