package org.valley.space.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.valley.space.occupancy.SpaceStatus;
import org.valley.space.occupancy.State;
import org.valley.testing.MemorySpaceStore;

/** Bookings on a stepped clock, with the occupancy of the space set by the test. */
class BookingsTest {

    Instant now = Instant.parse("2026-11-02T08:00:00Z");
    final InstantSource clock = () -> now;
    final Map<String, State> states = new HashMap<>();
    final MemorySpaceStore store = new MemorySpaceStore();
    final List<Booking> events = new ArrayList<>();
    final Bookings.Spaces spaces = new Bookings.Spaces() {
        @Override
        public SpaceStatus status(String spaceId) {
            State s = states.getOrDefault(spaceId, State.FREE);
            return new SpaceStatus(spaceId, "campus", s, s == State.OCCUPIED ? 1 : 0, 0.9, 0, -1, true, null);
        }

        @Override
        public Duration grace(String spaceId) {
            return Duration.ofMinutes(10);
        }
    };
    final Bookings bookings = new Bookings(store, spaces, clock, events::add);

    static Instant at(String hhmm) {
        return Instant.parse("2026-11-02T" + hhmm + ":00Z");
    }

    Booking book(String space, String from, String to) {
        return bookings.create(space, "campus", at(from), at(to), "ada@example.org");
    }

    void clockAt(String hhmm) {
        now = at(hhmm);
        bookings.tick();
    }

    @Test
    void overlappingBooking_isAConflict_butAdjacentOnesAreNot() {
        Booking first = book("room", "09:00", "10:00");
        assertThat(first.status()).isEqualTo(BookingStatus.BOOKED);
        assertThatThrownBy(() -> book("room", "09:30", "10:30"))
                .isInstanceOfSatisfying(BookingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BookingException.Kind.CONFLICT);
                    assertThat(e.getMessage()).contains(first.id());
                });
        assertThatThrownBy(() -> book("room", "08:30", "11:00")).isInstanceOf(BookingException.class);
        assertThat(book("room", "10:00", "11:00").status()).isEqualTo(BookingStatus.BOOKED);
        assertThat(book("other", "09:30", "10:30").status()).isEqualTo(BookingStatus.BOOKED);
    }

    @Test
    void cancelledBooking_freesItsSlot() {
        Booking first = book("room", "09:00", "10:00");
        assertThat(bookings.cancel(first.id()).status()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(book("room", "09:00", "10:00").status()).isEqualTo(BookingStatus.BOOKED);
        assertThatThrownBy(() -> bookings.cancel(first.id()))
                .isInstanceOfSatisfying(BookingException.class, e -> assertThat(e.kind()).isEqualTo(BookingException.Kind.CONFLICT));
    }

    @Test
    void badTimes_areRefusedNamingTheField() {
        assertThatThrownBy(() -> book("room", "10:00", "09:00"))
                .isInstanceOfSatisfying(BookingException.class, e -> assertThat(e.field()).isEqualTo("end"));
        assertThatThrownBy(() -> bookings.create("room", "campus", at("09:00"), at("09:00").plus(Duration.ofHours(25)), "x"))
                .isInstanceOfSatisfying(BookingException.class, e -> assertThat(e.field()).isEqualTo("end"));
        assertThatThrownBy(() -> book("room", "07:00", "09:00"))
                .isInstanceOfSatisfying(BookingException.class, e -> assertThat(e.field()).isEqualTo("start"));
        assertThat(book("room", "07:55", "09:00").status()).as("a few minutes late is fine").isEqualTo(BookingStatus.BOOKED);
    }

    @Test
    void presenceWithinTheGrace_checksTheBookingIn() {
        Booking b = book("room", "09:00", "10:00");
        bookings.presence("room", at("08:50"));
        assertThat(bookings.active(b.id()).status()).as("presence before the start is someone else").isEqualTo(BookingStatus.BOOKED);
        clockAt("09:04");
        bookings.presence("room", at("09:04"));
        Booking in = bookings.active(b.id());
        assertThat(in.status()).isEqualTo(BookingStatus.CHECKED_IN);
        assertThat(in.checkedInAt()).isEqualTo(at("09:04"));
        clockAt("09:30");
        assertThat(bookings.active(b.id()).status()).isEqualTo(BookingStatus.CHECKED_IN);
        clockAt("10:00");
        assertThat(bookings.active(b.id())).isNull();
        assertThat(events.get(events.size() - 1).status()).isEqualTo(BookingStatus.ENDED);
    }

    @Test
    void spaceAlreadyOccupiedAtTheStart_checksInAtTheStart() {
        Booking b = book("room", "09:00", "10:00");
        states.put("room", State.OCCUPIED);
        clockAt("09:00");
        assertThat(bookings.active(b.id()).status()).isEqualTo(BookingStatus.CHECKED_IN);
        assertThat(bookings.active(b.id()).checkedInAt()).isEqualTo(at("09:00"));
    }

    @Test
    void noPresenceWithinTheGrace_releasesTheBooking_andTheSpaceIsFreeAtOnce() {
        Booking b = book("room", "09:00", "10:00");
        clockAt("09:05");
        assertThat(bookings.current("room", now.toEpochMilli())).isEqualTo(bookings.active(b.id()));
        now = at("09:10");
        assertThat(bookings.current("room", now.toEpochMilli())).as("before the tick").isNotNull();
        bookings.tick();

        assertThat(bookings.active(b.id())).isNull();
        assertThat(bookings.current("room", now.toEpochMilli())).isNull();
        Booking released = events.get(events.size() - 1);
        assertThat(released.status()).isEqualTo(BookingStatus.RELEASED_NO_SHOW);
        assertThat(released.closedAt()).isEqualTo(at("09:10"));
        assertThat(book("room", "09:10", "10:00").status()).isEqualTo(BookingStatus.BOOKED);
        bookings.presence("room", at("09:12"));
        assertThat(store.bookings(List.of("campus"), "room", at("00:00"), at("23:00"), 10))
                .extracting(Booking::status).containsExactly(BookingStatus.RELEASED_NO_SHOW, BookingStatus.CHECKED_IN);
    }

    @Test
    void cancellingACheckedInBooking_endsItNow() {
        Booking b = book("room", "09:00", "10:00");
        clockAt("09:01");
        bookings.presence("room", at("09:01"));
        now = at("09:20");
        Booking ended = bookings.cancel(b.id());
        assertThat(ended.status()).isEqualTo(BookingStatus.ENDED);
        assertThat(ended.end()).isEqualTo(at("09:20"));
        assertThat(bookings.nextStart("room", now.toEpochMilli())).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void freeUntil_isTheStartOfTheNextActiveBooking() {
        book("room", "11:00", "12:00");
        book("room", "09:00", "10:00");
        assertThat(bookings.nextStart("room", at("08:00").toEpochMilli())).isEqualTo(at("09:00").toEpochMilli());
        assertThat(bookings.nextStart("room", at("09:30").toEpochMilli())).isEqualTo(at("11:00").toEpochMilli());
        assertThat(bookings.current("room", at("09:30").toEpochMilli()).start()).isEqualTo(at("09:00"));
    }

    @Test
    void activeBookings_surviveARestart() {
        Booking b = book("room", "09:00", "10:00");
        Bookings again = new Bookings(store, spaces, clock, x -> {});
        assertThat(again.active(b.id())).isEqualTo(b);
        assertThatThrownBy(() -> again.create("room", "campus", at("09:30"), at("09:45"), "x")).isInstanceOf(BookingException.class);
    }
}
