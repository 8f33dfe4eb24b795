package org.valley.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.valley.space.booking.Booking;
import org.valley.space.occupancy.TimelinePoint;

/**
 * The durable side of spaces: site documents, the occupancy timeline of every space, bookings,
 * and the stored readings the occupancy engine replays when it rebuilds a space. Thread-safe.
 */
public interface SpaceStore {

    /** A site document as it was put, JSON text. */
    record StoredSite(String id, String tenant, String document, Instant updatedAt) {}

    /** One stored reading: {@code value} is a Double, Boolean or String. */
    record StoredReading(String deviceId, long frame, long ts, String key, Object value) {}

    List<StoredSite> sites();

    void putSite(StoredSite site);

    void deleteSite(String id);

    /** Adds change points to the timeline. Writes may be applied later, but in the order given. */
    void appendTimeline(List<TimelinePoint> points);

    /** Replaces every point of {@code spaceIds} at or after {@code from} by {@code points}, in order with other writes. */
    void rewriteTimeline(Collection<String> spaceIds, long from, List<TimelinePoint> points);

    /**
     * The timeline of a space within [from, to), oldest first, beginning with the point in force at
     * {@code from} when there is one. Sees every write made before the call.
     */
    List<TimelinePoint> timeline(String spaceId, long from, long to);

    /**
     * Streams the stored readings of {@code deviceIds} with a time at or after {@code from}, ordered by
     * time, then device, then frame (the rows of one frame are consecutive).
     */
    void readings(Collection<String> deviceIds, long from, Consumer<StoredReading> sink);

    /** Writes a booking, new or changed. */
    void putBooking(Booking booking);

    /** A booking by id, whatever its status, or null. */
    Booking booking(String id);

    /** Every booking still booked or checked in. */
    List<Booking> activeBookings();

    /**
     * Bookings of the sites (of one space when {@code spaceId} is not null) overlapping [from, to),
     * ordered by start, at most {@code limit}.
     */
    List<Booking> bookings(Collection<String> siteIds, String spaceId, Instant from, Instant to, int limit);
}
