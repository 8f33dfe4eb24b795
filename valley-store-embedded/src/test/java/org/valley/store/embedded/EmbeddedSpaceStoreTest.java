package org.valley.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.space.booking.Booking;
import org.valley.space.booking.BookingStatus;
import org.valley.space.occupancy.State;
import org.valley.space.occupancy.TimelinePoint;
import org.valley.store.ProjectionStore;
import org.valley.store.SpaceStore;

class EmbeddedSpaceStoreTest {

    @TempDir
    Path dir;

    static TimelinePoint p(String space, long at, State state, int count) {
        return new TimelinePoint(space, at, state, count, 0.85, -1);
    }

    @Test
    void timeline_keepsAppendOrder_startsWithThePointInForce_andRewritesFromAnInstant() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            SpaceStore s = store.spaces();
            s.appendTimeline(List.of(p("r", 100, State.UNKNOWN, 0), p("r", 200, State.OCCUPIED, 1), p("q", 200, State.FREE, 0)));
            s.appendTimeline(List.of(p("r", 300, State.FREE, 0), p("r", 300, State.OCCUPIED, 2), p("r", 400, State.FREE, 0)));

            assertThat(s.timeline("r", 250, 1000)).extracting(TimelinePoint::at, TimelinePoint::count)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(200L, 1), org.assertj.core.groups.Tuple.tuple(300L, 0),
                            org.assertj.core.groups.Tuple.tuple(300L, 2), org.assertj.core.groups.Tuple.tuple(400L, 0));

            s.rewriteTimeline(List.of("r", "q"), 300, List.of(p("r", 300, State.OCCUPIED, 1), p("r", 350, State.FREE, 0)));
            assertThat(s.timeline("r", 0, 1000)).extracting(TimelinePoint::at)
                    .containsExactly(100L, 200L, 300L, 350L);
            assertThat(s.timeline("q", 0, 1000)).extracting(TimelinePoint::state).containsExactly(State.FREE);
            assertThat(s.timeline("r", 0, 1000).get(0)).isEqualTo(p("r", 100, State.UNKNOWN, 0));
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            assertThat(store.spaces().timeline("r", 0, 1000)).hasSize(4);
            store.spaces().appendTimeline(List.of(p("r", 350, State.OCCUPIED, 4)));
            assertThat(store.spaces().timeline("r", 350, 1000)).extracting(TimelinePoint::count).containsExactly(4);
        }
    }

    @Test
    void sites_arePutReplacedAndDeleted() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            SpaceStore s = store.spaces();
            s.putSite(new SpaceStore.StoredSite("valley", "acme", "{\"name\":\"a\"}", Instant.parse("2026-11-02T09:00:00Z")));
            s.putSite(new SpaceStore.StoredSite("valley", "acme", "{\"name\":\"b\"}", Instant.parse("2026-11-02T10:00:00Z")));
            s.putSite(new SpaceStore.StoredSite("other", "globex", "{}", Instant.parse("2026-11-02T10:00:00Z")));
            assertThat(s.sites()).extracting(SpaceStore.StoredSite::id).containsExactly("other", "valley");
            assertThat(s.sites().get(1).document()).isEqualTo("{\"name\":\"b\"}");
            s.deleteSite("other");
            assertThat(s.sites()).extracting(SpaceStore.StoredSite::id).containsExactly("valley");
        }
    }

    @Test
    void readings_streamTheCommittedReadingsOfTheDevicesInTimeOrder() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            p.reading("pir", 2000, "motion", 1, 7);
            p.reading("pir", 2000, "battery", 90, 7);
            p.reading("door", 1000, "open", true, 3);
            p.reading("door", 3000, "state", "closed", 4);
            p.reading("other", 1500, "motion", 1, 1);
            p.reading("pir", 500, "motion", 0, 6);
            p.commit(10);

            List<SpaceStore.StoredReading> rows = new ArrayList<>();
            store.spaces().readings(Set.of("pir", "door"), 1000, rows::add);

            assertThat(rows).extracting(SpaceStore.StoredReading::deviceId, SpaceStore.StoredReading::ts)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("door", 1000L),
                            org.assertj.core.groups.Tuple.tuple("pir", 2000L), org.assertj.core.groups.Tuple.tuple("pir", 2000L),
                            org.assertj.core.groups.Tuple.tuple("door", 3000L));
            assertThat(rows.get(0).value()).isEqualTo(true);
            assertThat(rows.get(0).frame()).isEqualTo(3);
            assertThat(rows.get(3).value()).isEqualTo("closed");
            assertThat(rows.stream().filter(r -> r.key().equals("motion")).findFirst().orElseThrow().value()).isEqualTo(1.0);
        }
    }

    @Test
    void bookings_areKeptAndFoundByOverlap() throws Exception {
        Instant nine = Instant.parse("2026-11-02T09:00:00Z");
        Booking a = new Booking("bk-1", "room", "campus", nine, nine.plusSeconds(3600), "ada", BookingStatus.BOOKED, nine,
                null, null);
        Booking b = new Booking("bk-2", "room", "campus", nine.plusSeconds(7200), nine.plusSeconds(9000), "bob",
                BookingStatus.BOOKED, nine, null, null);
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.spaces().putBooking(a);
            store.spaces().putBooking(b);
            store.spaces().putBooking(new Booking("bk-3", "desk", "other", nine, nine.plusSeconds(60), "eve",
                    BookingStatus.BOOKED, nine, null, null));
            store.spaces().putBooking(new Booking(b.id(), b.space(), b.site(), b.start(), b.end(), b.organizer(),
                    BookingStatus.RELEASED_NO_SHOW, b.createdAt(), null, b.start().plusSeconds(600)));
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            assertThat(store.spaces().activeBookings()).extracting(Booking::id).containsExactlyInAnyOrder("bk-1", "bk-3");
            assertThat(store.spaces().activeBookings()).contains(a);
            List<Booking> found = store.spaces().bookings(List.of("campus"), null, nine.plusSeconds(1800), nine.plusSeconds(8000), 10);
            assertThat(found).extracting(Booking::id).containsExactly("bk-1", "bk-2");
            assertThat(found.get(1).status()).isEqualTo(BookingStatus.RELEASED_NO_SHOW);
            assertThat(found.get(1).closedAt()).isEqualTo(b.start().plusSeconds(600));
            assertThat(store.spaces().bookings(List.of("campus"), "room", nine.plusSeconds(3600), nine.plusSeconds(7200), 10))
                    .isEmpty();
        }
    }
}
