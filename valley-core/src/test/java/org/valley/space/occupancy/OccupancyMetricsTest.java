package org.valley.space.occupancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.valley.space.occupancy.Harness.t;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.valley.space.site.OpeningHours;
import org.valley.space.site.Site;

/** The worked example of METRICS.md, from a timeline and from sensor readings through the engine. */
class OccupancyMetricsTest {

    /** A meeting room of capacity 6, open 08:00-16:00, occupied 09:00-10:00 by 3 and 14:00-15:00 by 5. */
    static final String ROOM = """
            {"timezone": "UTC", "openingHours": {"from": "08:00", "to": "16:00"},
             "buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [
               {"id": "room", "kind": "meeting-room", "capacity": 6}]}]}]}
            """;

    static void assertWorkedExample(OccupancyMetrics m) {
        assertThat(m.openMillis()).isEqualTo(Duration.ofHours(8).toMillis());
        assertThat(m.timeUtilisation()).isEqualTo(0.25);
        assertThat(m.averageOccupancy()).isEqualTo(1.0);
        assertThat(m.averageOccupancyWhenOccupied()).isEqualTo(4.0);
        assertThat(m.capacityUtilisation()).isCloseTo(0.1667, within(0.0001));
        assertThat(m.occupancyRateWhenInUse()).isCloseTo(0.6667, within(0.0001));
        assertThat(m.peakOccupancy()).isEqualTo(5);
        assertThat(m.peakCapacityUtilisation()).isCloseTo(5 / 6.0, within(1e-9));
        assertThat(m.episodes()).isEqualTo(2);
        assertThat(m.dwellTime()).isEqualTo(Duration.ofHours(1));
    }

    static TimelinePoint p(String iso, State state, int count) {
        return new TimelinePoint("room", t(iso), state, count, 0.9, -1);
    }

    @Test
    void workedExample_fromItsTimeline() {
        Site site = TestSites.parse(ROOM);
        List<TimelinePoint> timeline = List.of(
                p("2026-11-02T07:00:00Z", State.FREE, 0),
                p("2026-11-02T09:00:00Z", State.OCCUPIED, 3),
                p("2026-11-02T10:00:00Z", State.FREE, 0),
                p("2026-11-02T14:00:00Z", State.OCCUPIED, 5),
                p("2026-11-02T15:00:00Z", State.FREE, 0));

        assertWorkedExample(OccupancyMetrics.of(timeline, t("2026-11-02T00:00:00Z"), t("2026-11-03T00:00:00Z"), 6,
                site.openingHours(), site.timezone()));
    }

    @Test
    void workedExample_fromAPeopleCounterThroughTheEngine() {
        Harness h = new Harness(Instant.parse("2026-11-02T07:00:00Z")).site(TestSites.parse(ROOM));
        h.bind("cam", "room", "counter");
        int[] counts = new int[48];
        for (int i = 18; i < 20; i++) {
            counts[i] = 3; // 09:00-10:00, in half hours
        }
        for (int i = 28; i < 30; i++) {
            counts[i] = 5; // 14:00-15:00
        }
        for (int i = 14; i < 40; i++) { // a report every 30 min from 07:00 to 19:30
            h.now(Instant.parse("2026-11-02T00:00:00Z").plusSeconds(1800L * i).toString(), "cam", Map.of("count", counts[i]));
        }
        h.at("2026-11-03T00:00:00Z");

        long from = t("2026-11-02T00:00:00Z");
        long to = t("2026-11-03T00:00:00Z");
        assertWorkedExample(OccupancyMetrics.of(h.store.timeline("room", from, to), from, to, 6, h.engine.site("campus").openingHours(),
                h.engine.site("campus").timezone()));
    }

    @Test
    void unknownTime_isLeftOutOfTheOpenTime() {
        List<TimelinePoint> timeline = List.of(
                p("2026-11-02T08:00:00Z", State.UNKNOWN, 0),
                p("2026-11-02T12:00:00Z", State.OCCUPIED, 2),
                p("2026-11-02T14:00:00Z", State.FREE, 0));
        OccupancyMetrics m = OccupancyMetrics.of(timeline, t("2026-11-02T00:00:00Z"), t("2026-11-03T00:00:00Z"), 4,
                new OpeningHours(java.time.LocalTime.of(8, 0), java.time.LocalTime.of(16, 0),
                        java.util.EnumSet.allOf(java.time.DayOfWeek.class)), ZoneId.of("UTC"));
        assertThat(m.openMillis()).isEqualTo(Duration.ofHours(4).toMillis());
        assertThat(m.timeUtilisation()).isEqualTo(0.5);
    }

    @Test
    void neverOccupied_hasNoRateWhenOccupiedAndNoDwellTime() {
        OccupancyMetrics m = OccupancyMetrics.of(List.of(p("2026-11-02T00:00:00Z", State.FREE, 0)),
                t("2026-11-02T00:00:00Z"), t("2026-11-03T00:00:00Z"), 0, OpeningHours.DEFAULT, ZoneId.of("Europe/Paris"));
        assertThat(m.openMillis()).isEqualTo(Duration.ofHours(12).toMillis());
        assertThat(m.averageOccupancyWhenOccupied()).isNull();
        assertThat(m.capacityUtilisation()).isNull();
        assertThat(m.dwellTime()).isNull();
        assertThat(m.episodes()).isZero();
    }
}
