package org.valley.space.booking;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.valley.space.occupancy.SpaceStatus;
import org.valley.space.occupancy.State;
import org.valley.store.SpaceStore;

/**
 * The bookings that still hold a space, and their life: made, checked in by presence, released
 * when nobody came, ended, cancelled.
 *
 * <p>Check-in by presence: a booking is checked in when its space is occupied at any moment from
 * its start until its grace ends (the site's {@code noShowGrace}, 10 minutes by default), including
 * when the space is already occupied at the start. When the grace passes without presence the
 * booking is released ({@code released-no-show}) and the space is free for others at once. A
 * checked-in booking ends at its end. Time runs on the injected clock ({@link #tick()}); presence
 * comes from the occupancy engine ({@link #presence}). Every change is stored and told to the
 * listener.
 *
 * <p>Active bookings are kept in memory by space, sorted by start, for {@link #current} and
 * {@link #nextStart}, which the availability index calls without taking this object's lock.
 */
public final class Bookings {

    /** Longest booking accepted. */
    public static final Duration MAX_LENGTH = Duration.ofHours(24);

    /** What bookings need to know of the spaces. */
    public interface Spaces {
        /** The live status of a space, or null when no site has it. */
        SpaceStatus status(String spaceId);

        /** The no-show grace of the space's site. */
        Duration grace(String spaceId);
    }

    private static final Comparator<Booking> BY_START = Comparator.comparing(Booking::start).thenComparing(Booking::id);

    private final SpaceStore store;
    private final Spaces spaces;
    private final InstantSource clock;
    private final Consumer<Booking> listener;
    private final Map<String, Booking> active = new HashMap<>();
    /** Active bookings by space, sorted by start; each set is replaced, never changed, so readers need no lock. */
    private final Map<String, Booking[]> bySpace = new ConcurrentHashMap<>();

    public Bookings(SpaceStore store, Spaces spaces, InstantSource clock, Consumer<Booking> listener) {
        this.store = store;
        this.spaces = spaces;
        this.clock = clock;
        this.listener = listener;
        for (Booking b : store.activeBookings()) {
            active.put(b.id(), b);
        }
        for (String space : new java.util.HashSet<>(active.values().stream().map(Booking::space).toList())) {
            index(space);
        }
    }

    /**
     * Books {@code space} for [start, end).
     *
     * @throws BookingException when the times break a rule, or (CONFLICT) when another active booking overlaps
     */
    public Booking create(String space, String site, Instant start, Instant end, String organizer) {
        return create(space, site, start, end, organizer, null);
    }

    /**
     * Books {@code space} for [start, end), recording who made the booking ({@code createdBy}, may be null).
     *
     * @throws BookingException when the times break a rule, or (CONFLICT) when another active booking overlaps
     */
    public synchronized Booking create(String space, String site, Instant start, Instant end, String organizer,
            String createdBy) {
        Instant now = clock.instant();
        if (!end.isAfter(start)) {
            throw new BookingException(BookingException.Kind.INVALID, "end", "field 'end' must be after 'start' (" + start + ")");
        }
        if (Duration.between(start, end).compareTo(MAX_LENGTH) > 0) {
            throw new BookingException(BookingException.Kind.INVALID, "end", "a booking may last at most " + MAX_LENGTH);
        }
        Duration grace = spaces.grace(space);
        if (start.plus(grace).isBefore(now)) {
            throw new BookingException(BookingException.Kind.INVALID, "start", "field 'start' may be in the past by at most "
                    + "the no-show grace (" + grace + "): the booking would be released at once");
        }
        for (Booking b : bySpace.getOrDefault(space, new Booking[0])) {
            if (b.start().isBefore(end) && start.isBefore(b.end())) {
                throw new BookingException(BookingException.Kind.CONFLICT, "start", "space '" + space + "' is booked from "
                        + b.start() + " to " + b.end() + " (booking " + b.id() + ")");
            }
        }
        Booking b = new Booking("bk-" + UUID.randomUUID(), space, site, start, end, organizer, BookingStatus.BOOKED, now,
                null, null, createdBy);
        put(b);
        check(b, now);
        return active.getOrDefault(b.id(), b);
    }

    /** Cancels a booking: a booked one is cancelled, a checked-in one ends now. */
    public synchronized Booking cancel(String id) {
        Booking b = active.get(id);
        if (b == null) {
            throw new BookingException(BookingException.Kind.CONFLICT, "id", "booking '" + id + "' is no longer active");
        }
        Instant now = clock.instant();
        Booking done = b.status() == BookingStatus.CHECKED_IN
                ? b.with(BookingStatus.ENDED, now.isBefore(b.end()) ? max(now, b.start()) : b.end(), b.checkedInAt(), now)
                : b.with(BookingStatus.CANCELLED, b.end(), null, now);
        put(done);
        return done;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** The space was found occupied: checks in its booking whose window holds {@code at}. */
    public synchronized void presence(String space, Instant at) {
        for (Booking b : bySpace.getOrDefault(space, new Booking[0])) {
            if (b.status() == BookingStatus.BOOKED && !at.isBefore(b.start()) && at.isBefore(deadline(b))) {
                put(b.with(BookingStatus.CHECKED_IN, b.end(), at, null));
            }
        }
    }

    /** Applies the time rules up to the clock's present: check-in of occupied spaces at the start, release, end. */
    public synchronized void tick() {
        Instant now = clock.instant();
        for (Booking b : List.copyOf(active.values())) {
            check(b, now);
        }
    }

    private void check(Booking b, Instant now) {
        if (b.status() == BookingStatus.BOOKED && !now.isBefore(b.start())) {
            SpaceStatus s = spaces.status(b.space());
            if (s != null && s.state() == State.OCCUPIED && now.isBefore(deadline(b))) {
                put(b.with(BookingStatus.CHECKED_IN, b.end(), now, null));
            } else if (!now.isBefore(deadline(b))) {
                put(b.with(BookingStatus.RELEASED_NO_SHOW, b.end(), null, deadline(b)));
            }
        } else if (b.status() == BookingStatus.CHECKED_IN && !now.isBefore(b.end())) {
            put(b.with(BookingStatus.ENDED, b.end(), b.checkedInAt(), b.end()));
        }
    }

    /** When a booking nobody turned up for is released: the grace after its start, or its end if sooner. */
    private Instant deadline(Booking b) {
        Instant graceEnd = b.start().plus(spaces.grace(b.space()));
        return graceEnd.isBefore(b.end()) ? graceEnd : b.end();
    }

    private void put(Booking b) {
        store.putBooking(b);
        if (b.status().active()) {
            active.put(b.id(), b);
        } else {
            active.remove(b.id());
        }
        index(b.space());
        listener.accept(b);
    }

    private void index(String space) {
        TreeSet<Booking> sorted = new TreeSet<>(BY_START);
        for (Booking b : active.values()) {
            if (b.space().equals(space)) {
                sorted.add(b);
            }
        }
        if (sorted.isEmpty()) {
            bySpace.remove(space);
        } else {
            bySpace.put(space, sorted.toArray(Booking[]::new));
        }
    }

    // ---- reads, without the lock ----

    /** The active booking of {@code space} holding {@code now}, or null. */
    public Booking current(String space, long now) {
        Booking[] list = bySpace.get(space);
        if (list == null) {
            return null;
        }
        for (Booking b : list) {
            if (b.start().toEpochMilli() > now) {
                return null;
            }
            if (b.end().toEpochMilli() > now) {
                return b;
            }
        }
        return null;
    }

    /** The start of the next active booking of {@code space} after {@code now}, epoch ms, or {@link Long#MAX_VALUE}. */
    public long nextStart(String space, long now) {
        Booking[] list = bySpace.get(space);
        if (list != null) {
            for (Booking b : list) {
                long start = b.start().toEpochMilli();
                if (start > now) {
                    return start;
                }
            }
        }
        return Long.MAX_VALUE;
    }

    /** An active booking by id, or null. */
    public synchronized Booking active(String id) {
        return active.get(id);
    }

    /** Active bookings of the spaces, sorted by start. */
    public List<Booking> activeOf(Iterable<String> spaceIds) {
        List<Booking> out = new ArrayList<>();
        for (String s : spaceIds) {
            Booking[] list = bySpace.get(s);
            if (list != null) {
                out.addAll(List.of(list));
            }
        }
        out.sort(BY_START);
        return out;
    }

    /** Drops the active bookings of spaces that no longer exist (a site was replaced), cancelling them. */
    public synchronized void spacesRemoved(Iterable<String> spaceIds) {
        Instant now = clock.instant();
        for (String s : spaceIds) {
            for (Booking b : bySpace.getOrDefault(s, new Booking[0])) {
                put(b.with(BookingStatus.CANCELLED, b.end(), b.checkedInAt(), now));
            }
        }
    }

    int activeCount() {
        return active.size();
    }
}
