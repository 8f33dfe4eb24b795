package org.valley.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.valley.space.site.Site;
import org.valley.space.site.SiteParser;

/** The simulated campus day: repeatable, shaped like a working day, within each space's capacity. */
class OccupantsTest {

    static final Site SITE = SiteParser.parse("s", "t", Map.of("name", "S", "timezone", "Europe/Paris", "buildings", List.of(
            Map.of("id", "b", "name", "B", "floors", List.of(Map.of("id", "f1", "name", "F1", "level", 1, "spaces", List.of(
                    Map.of("id", "room", "name", "Room", "kind", "meeting-room", "capacity", 8),
                    Map.of("id", "booth", "name", "Booth", "kind", "phone-booth", "capacity", 1),
                    Map.of("id", "nap", "name", "Nap", "kind", "nap-room", "capacity", 2,
                            "places", List.of(Map.of("id", "pod1"), Map.of("id", "pod2"))),
                    Map.of("id", "d1", "name", "Desk 1", "kind", "desk", "capacity", 1),
                    Map.of("id", "d2", "name", "Desk 2", "kind", "desk", "capacity", 1),
                    Map.of("id", "d3", "name", "Desk 3", "kind", "desk", "capacity", 1))))))));

    @Test
    void sameDay_playsTheSameWay_andAnotherDayDiffers() {
        Occupants a = Occupants.of(SITE, 20_000);
        Occupants b = Occupants.of(SITE, 20_000);
        assertThat(a.stays("room")).isEqualTo(b.stays("room")).isNotEmpty();
        boolean differs = false;
        for (long day = 20_001; day < 20_010 && !differs; day++) {
            differs = !Occupants.of(SITE, day).stays("room").equals(a.stays("room"));
        }
        assertThat(differs).isTrue();
    }

    @Test
    void meetingsStayInWorkingHours_withinCapacity_andNeverOverlap() {
        for (long day = 0; day < 50; day++) {
            List<Occupants.Stay> stays = Occupants.of(SITE, day).stays("room");
            for (int i = 0; i < stays.size(); i++) {
                Occupants.Stay s = stays.get(i);
                assertThat(s.start()).isBetween(8 * 60 + 30, 18 * 60 + 30);
                assertThat(s.end()).isGreaterThan(s.start());
                assertThat(s.people()).isBetween(1, 8);
                if (i > 0) {
                    assertThat(s.start()).isGreaterThanOrEqualTo(stays.get(i - 1).end());
                }
            }
        }
    }

    @Test
    void napPods_areUsedAfterLunch_andNobodyIsInAtNight() {
        for (long day = 0; day < 20; day++) {
            Occupants o = Occupants.of(SITE, day);
            for (Occupants.Stay s : o.stays("pod1")) {
                assertThat(s.start()).isBetween(12 * 60 + 15, 15 * 60 + 30);
            }
            for (String space : List.of("room", "booth", "pod1", "pod2", "d1", "d2", "d3")) {
                assertThat(o.people(space, 3 * 60)).isZero();
                assertThat(o.people(space, 22 * 60)).isZero();
            }
            assertThat(o.stays("nap")).as("a room made of places is as full as its places").isEmpty();
        }
    }

    @Test
    void entranceCounts_balanceOverTheDay() {
        for (long day = 0; day < 20; day++) {
            Occupants o = Occupants.of(SITE, day);
            int in = o.arrivals(0, 24 * 60);
            assertThat(o.departures(0, 24 * 60)).isEqualTo(in);
            int present = 0;
            for (int m = 0; m < 24 * 60; m++) {
                present += o.arrivals(m, m + 1) - o.departures(m, m + 1);
                assertThat(present).isNotNegative();
            }
        }
    }
}
