package org.valley.store;

import java.util.List;

/** Reads of the projected history: frames, readings and aggregates. Thread-safe. */
public interface FrameQueries {

    /** A reception of a frame. */
    record ReceptionView(String station, Double rssi, Double snr, boolean duplicate) {}

    /** A stored frame with its receptions and its latest decode. */
    record FrameView(
            String tenant,
            String networkId,
            long seq,
            int fPort,
            long extended,
            long time,
            long receivedAt,
            String payloadHex,
            List<ReceptionView> receptions,
            String decodedJson,
            String decodeError,
            String codecId,
            Integer codecVersion,
            String metaJson,
            boolean restart) {}

    /** One decoded value: {@code value} is a Double, Boolean or String. */
    record ReadingView(long ts, String key, Object value) {}

    /** Aggregates of one key over one interval. */
    record Bucket(long start, long count, Double min, Double max, Double avg, Object last) {}

    /** Frames of a network id within [from, to) of network time, newest first. */
    List<FrameView> frames(String tenant, String networkId, Long from, Long to, int limit);

    /** Readings of a device, optionally of one key, within [from, to), newest first. */
    List<ReadingView> readings(String deviceId, String key, Long from, Long to, int limit);

    /** Per-interval aggregates of one key, oldest first. */
    List<Bucket> aggregate(String deviceId, String key, long intervalMillis, Long from, Long to);

    /** Frames from network ids no device of their tenant is registered for; tenant null for all. */
    List<FrameView> unclaimed(String tenant, int limit);
}
