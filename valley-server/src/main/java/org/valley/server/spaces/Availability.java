package org.valley.server.spaces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.valley.space.SpaceKind;
import org.valley.space.booking.Booking;
import org.valley.space.occupancy.SpaceStatus;
import org.valley.space.occupancy.State;

/**
 * Which spaces are free now, best match first.
 *
 * <p>A space is free now when its occupancy is {@code free} (not occupied, not unknown) and no
 * active booking holds it at this instant; it stays free until the start of its next active
 * booking ({@code freeUntil}, null when nothing is booked ahead). The filters keep the spaces of a
 * kind, of at least a capacity (a space without a capacity seats one), on a floor, with every piece
 * of equipment asked for, and free for at least a duration.
 *
 * <p>"Best" orders the spaces that pass: the smallest capacity first (the smallest room that fits
 * leaves the larger ones to larger groups), then the one free the longest (nothing booked ahead
 * before a booking soon), then by id. Lock-free: statuses and bookings are read from their
 * concurrent indexes.
 */
public final class Availability {

    /**
     * The filters of a query; null fields do not filter.
     *
     * @param floor a floor id, or its level as a number
     * @param equipment every item asked for
     */
    public record Query(String site, SpaceKind kind, Integer minCapacity, String floor, List<String> equipment,
            Duration duration, int limit) {}

    /**
     * A free space.
     *
     * @param freeUntil the start of its next booking, epoch ms, or {@link Long#MAX_VALUE} when none
     */
    public record Free(SpaceDirectory.Entry entry, SpaceStatus status, long freeUntil, int capacity) {}

    private static final Comparator<Free> BEST = (a, b) -> {
        if (a.capacity != b.capacity) {
            return a.capacity < b.capacity ? -1 : 1;
        }
        if (a.freeUntil != b.freeUntil) {
            return a.freeUntil > b.freeUntil ? -1 : 1;
        }
        return Integer.compare(a.entry.ordinal(), b.entry.ordinal());
    };

    private Availability() {}

    /**
     * The spaces of {@code spaces} free at {@code now} that pass the query, best first.
     *
     */
    public static List<Free> find(List<SpaceDirectory.Entry> spaces, Query q, long now) {
        List<Free> out = new ArrayList<>();
        long needed = q.duration() == null ? 0 : q.duration().toMillis();
        for (SpaceDirectory.Entry e : spaces) {
            if ((q.kind() != null && e.space().kind() != q.kind())
                    || (q.minCapacity() != null && capacity(e) < q.minCapacity())
                    || (q.site() != null && !q.site().equals(e.site().id()))
                    || !onFloor(e, q.floor())
                    || (q.equipment() != null && !e.space().equipment().containsAll(q.equipment()))) {
                continue;
            }
            SpaceStatus s = e.live().status();
            if (s == null || s.state() != State.FREE) {
                continue;
            }
            long until = Long.MAX_VALUE;
            boolean held = false;
            for (Booking b : e.live().bookings()) {
                long start = b.start().toEpochMilli();
                if (start > now) {
                    until = start;
                    break;
                }
                if (b.end().toEpochMilli() > now) {
                    held = true;
                    break;
                }
            }
            if (held || until - now < needed) {
                continue;
            }
            out.add(new Free(e, s, until, capacity(e)));
        }
        out.sort(BEST);
        return out.size() > q.limit() ? List.copyOf(out.subList(0, q.limit())) : out;
    }

    /** How many a space seats: its capacity, or one when it gives none. */
    static int capacity(SpaceDirectory.Entry e) {
        return Math.max(1, e.space().capacity());
    }

    /** True when no floor is asked for, or the space is on the floor of that id or level. */
    static boolean onFloor(SpaceDirectory.Entry e, String floor) {
        if (floor == null || floor.isBlank()) {
            return true;
        }
        return e.floor().id().equals(floor) || String.valueOf(e.floor().level()).equals(floor);
    }
}
