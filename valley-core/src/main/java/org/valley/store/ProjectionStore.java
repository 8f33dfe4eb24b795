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

    /** Where to resume: the journal position of the last applied uplink (-1 for none), and the tracks. */
    record Resume(long appliedPosition, List<TrackState> tracks) {}

    /**
     * The saved state of the frame track of one network id in one tenant; {@code lorawan} when its
     * frames came from a LoRaWAN network (a 32-bit counter).
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
            float battery) {}

    void frame(long position, Uplink uplink, long extended, boolean restart);

    void reception(Uplink uplink, long extended, Reception reception, boolean fromAdvanced);

    void frameMeta(Uplink uplink, long extended);

    void decode(String tenant, String networkId, long extended, String deviceId, String codecId, int codecVersion,
            String decodedJson, String error, long at);

    /** One decoded value: a Number, Boolean or String. */
    void reading(String deviceId, long ts, String key, Object value, long extended);

    /** Makes every row since the last commit durable and records the last applied journal position. */
    void commit(long appliedPosition);

    /** Whether the frame with this extended sequence number is stored (committed rows only). */
    boolean hasFrame(String tenant, String networkId, long extended);

    /** Frames of {@code networkId} received through {@code tenant}'s integrations, oldest first. */
    List<StoredFrame> frames(String tenant, String networkId);

    /** A stored frame as the projection needs it to decode it again. */
    record StoredFrame(String networkId, long extended, long time, byte[] payload, int fPort, UplinkKind kind) {}

    /** Rows written since start, for metrics (read from another thread: an approximate figure). */
    default long rowsWritten() {
        return 0;
    }
}
