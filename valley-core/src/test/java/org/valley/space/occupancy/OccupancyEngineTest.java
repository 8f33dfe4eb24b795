package org.valley.space.occupancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.valley.space.occupancy.Harness.t;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Occupancy inference per METRICS.md, driven by a stepped clock: nothing here sleeps. */
class OccupancyEngineTest {

    Harness h;

    @BeforeEach
    void campus() {
        h = new Harness(Instant.parse("2026-11-02T08:00:00Z")).site(TestSites.campus());
    }

    static Map<String, Object> motion(int n) {
        return Map.of("motion", n);
    }

    @Test
    void spaceWithoutSensors_isUnknown() {
        assertThat(h.status("room").state()).isEqualTo(State.UNKNOWN);
        assertThat(h.status("room").confidence()).isZero();
        assertThat(h.status("pod2").state()).isEqualTo(State.UNKNOWN);
    }

    @Test
    void boundSensorThatNeverReported_leavesTheSpaceUnknown() {
        h.bind("pir", "room", "motion");
        h.at("2026-11-02T09:00:00Z");
        assertThat(h.status("room").state()).isEqualTo(State.UNKNOWN);
    }

    @Test
    void motion_occupiesAtOnce_andFreesAfterTheHoldOffWithoutMotion() {
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(1));
        SpaceStatus s = h.status("room");
        assertThat(s.state()).isEqualTo(State.OCCUPIED);
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.countInferred()).isTrue();
        assertThat(s.since()).isEqualTo(t("2026-11-02T09:00:00Z"));

        h.now("2026-11-02T09:02:00Z", "pir", motion(0));
        h.at(t("2026-11-02T09:05:00Z") - 1);
        assertThat(h.status("room").state()).as("within the 5 min hold-off of a meeting room").isEqualTo(State.OCCUPIED);

        h.at("2026-11-02T09:05:00Z");
        assertThat(h.status("room").state()).isEqualTo(State.FREE);
        assertThat(h.status("room").since()).isEqualTo(t("2026-11-02T09:05:00Z"));
        assertThat(h.store.all("room")).extracting(TimelinePoint::at, TimelinePoint::state).endsWith(
                org.assertj.core.groups.Tuple.tuple(t("2026-11-02T09:00:00Z"), State.OCCUPIED),
                org.assertj.core.groups.Tuple.tuple(t("2026-11-02T09:05:00Z"), State.FREE));
    }

    @Test
    void repeatedMotion_restartsTheHoldOff() {
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(1));
        h.now("2026-11-02T09:04:00Z", "pir", motion(3));
        h.at("2026-11-02T09:08:59Z");
        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
        h.at("2026-11-02T09:09:00Z");
        assertThat(h.status("room").state()).isEqualTo(State.FREE);
    }

    @Test
    void holdOff_isTheSpacesOwnWhenItHasOne() {
        h.bind("pir-booth", "booth", "motion");
        h.now("2026-11-02T09:00:00Z", "pir-booth", Map.of("motion", true));
        h.at("2026-11-02T09:02:00Z");
        assertThat(h.status("booth").state()).isEqualTo(State.FREE);
    }

    @Test
    void deskSensor_occupiedAndFreeAsReported_withACountedHead() {
        h.bind("desk-sensor", "desk1", "desk");
        h.now("2026-11-02T09:00:00Z", "desk-sensor", Map.of("occupied", true));
        assertThat(h.status("desk1").state()).isEqualTo(State.OCCUPIED);
        assertThat(h.status("desk1").countInferred()).isFalse();
        assertThat(h.status("desk1").confidence()).isEqualTo(0.9);
        h.now("2026-11-02T09:30:00Z", "desk-sensor", Map.of("occupied", "free"));
        assertThat(h.status("desk1").state()).isEqualTo(State.FREE);
    }

    @Test
    void roleKey_readsAnotherKey() {
        h.bind("sensit", "room", "motion", "vibration");
        h.now("2026-11-02T09:00:00Z", "sensit", Map.of("vibration", true, "battery", 90));
        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
    }

    @Test
    void waspInABox_motionBehindAShutDoorKeepsTheRoomOccupiedUntilTheDoorOpens() {
        h.bind("door", "room", "door");
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "door", Map.of("open", true));
        h.now("2026-11-02T09:01:00Z", "door", Map.of("open", false));
        h.now("2026-11-02T09:02:00Z", "pir", motion(1));
        h.now("2026-11-02T09:40:00Z", "pir", motion(0));
        h.at("2026-11-02T09:50:00Z");
        assertThat(h.status("room").state()).as("nobody left a shut room").isEqualTo(State.OCCUPIED);
        assertThat(h.status("room").confidence()).isEqualTo(0.9);

        h.now("2026-11-02T10:00:00Z", "door", Map.of("open", "open"));
        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
        h.at("2026-11-02T10:05:00Z");
        assertThat(h.status("room").state()).as("door open, no motion for the hold-off").isEqualTo(State.FREE);
    }

    @Test
    void shutDoorWithoutMotion_freesAfterTheHoldOff() {
        h.bind("door", "room", "door");
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(0));
        h.now("2026-11-02T09:01:00Z", "door", Map.of("open", 0));
        h.at("2026-11-02T09:05:59Z");
        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
        h.at("2026-11-02T09:06:00Z");
        assertThat(h.status("room").state()).isEqualTo(State.FREE);
    }

    @Test
    void sensitDoorStates_readAsOpenAndClosed() {
        h.bind("door", "room", "door", "door");
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "door", Map.of("door", 2)); // Sens'it: closed
        h.now("2026-11-02T09:01:00Z", "pir", motion(1));
        h.at("2026-11-02T11:00:00Z");
        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
        h.now("2026-11-02T11:01:00Z", "door", Map.of("door", 3)); // Sens'it: open
        h.at("2026-11-02T11:06:00Z");
        assertThat(h.status("room").state()).isEqualTo(State.FREE);
    }

    @Test
    void inOutCounter_neverGoesBelowZero_andResetsAtTheEmptyHourReportingTheDrift() {
        h.bind("counter", "hall", "counter");
        h.now("2026-11-02T09:00:00Z", "counter", Map.of("in", 3, "out", 0));
        assertThat(h.status("hall").count()).isEqualTo(3);
        assertThat(h.status("hall").countInferred()).isFalse();
        h.now("2026-11-02T12:00:00Z", "counter", Map.of("in", 0, "out", 5));
        assertThat(h.status("hall").count()).isZero();
        assertThat(h.status("hall").state()).isEqualTo(State.FREE);
        h.now("2026-11-02T18:00:00Z", "counter", Map.of("in", 4));
        assertThat(h.status("hall").count()).isEqualTo(4);

        // 03:00 in Paris is 02:00 UTC in November
        h.at(t("2026-11-03T02:00:00Z") - 1);
        assertThat(h.status("hall").count()).isEqualTo(4);
        assertThat(h.status("hall").drift()).isNull();
        h.at("2026-11-03T02:00:00Z");
        assertThat(h.status("hall").count()).isZero();
        assertThat(h.status("hall").state()).isEqualTo(State.FREE);
        assertThat(h.status("hall").drift()).isEqualTo(new Drift(t("2026-11-03T02:00:00Z"), 4, 2));
        assertThat(h.changes).anySatisfy(c -> assertThat(c.drift()).isNotNull());

        h.now("2026-11-03T08:00:00Z", "counter", Map.of("out", 1));
        assertThat(h.status("hall").count()).as("a new day starts from 0").isZero();
    }

    @Test
    void absoluteCounter_givesTheCount() {
        h.bind("cam", "room", "counter");
        h.now("2026-11-02T09:00:00Z", "cam", Map.of("count", 5));
        assertThat(h.status("room").count()).isEqualTo(5);
        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
        h.now("2026-11-02T09:10:00Z", "cam", Map.of("count", 0));
        assertThat(h.status("room").state()).isEqualTo(State.FREE);
    }

    @Test
    void co2Alone_saysNothingOfTheState() {
        h.bind("co2", "room", "co2");
        h.now("2026-11-02T09:00:00Z", "co2", Map.of("co2", 1400));
        assertThat(h.status("room").state()).isEqualTo(State.UNKNOWN);
    }

    @Test
    void co2_movesTheConfidenceNeverTheState() {
        h.bind("pir", "room", "motion");
        h.bind("co2", "room", "co2");
        h.now("2026-11-02T09:00:00Z", "pir", motion(0));
        h.now("2026-11-02T09:00:01Z", "co2", Map.of("co2", 420));
        double lowCo2 = h.status("room").confidence();
        h.now("2026-11-02T09:10:00Z", "co2", Map.of("co2", 1500));
        assertThat(h.status("room").state()).isEqualTo(State.FREE);
        assertThat(h.status("room").confidence()).isLessThan(lowCo2);
    }

    @Test
    void silentSensor_makesTheSpaceUnknownAfterThreeReportingIntervals() {
        h.bind("desk-sensor", "desk1", "desk");
        h.now("2026-11-02T09:00:00Z", "desk-sensor", Map.of("occupied", 0));
        h.at(t("2026-11-02T12:00:00Z") - 1);
        assertThat(h.status("desk1").state()).isEqualTo(State.FREE);
        h.at("2026-11-02T12:00:00Z");
        assertThat(h.status("desk1").state()).isEqualTo(State.UNKNOWN);
        h.now("2026-11-02T12:30:00Z", "desk-sensor", Map.of("occupied", 1));
        assertThat(h.status("desk1").state()).isEqualTo(State.OCCUPIED);
    }

    @Test
    void oneStaleSensorOfTwo_lowersTheConfidence() {
        h.bind("pir", "room", "motion");
        h.bind("pir2", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(1));
        h.now("2026-11-02T09:00:01Z", "pir2", motion(1));
        double both = h.status("room").confidence();
        h.now("2026-11-02T11:58:00Z", "pir", motion(1));
        h.at("2026-11-02T12:00:01Z");
        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
        assertThat(h.status("room").confidence()).isLessThan(both);
    }

    @Test
    void napRoom_countsItsFreePods() {
        h.bind("seat1", "pod1", "seat");
        h.bind("seat2", "pod2", "seat");
        h.now("2026-11-02T13:00:00Z", "seat1", Map.of("occupied", true));
        h.now("2026-11-02T13:00:05Z", "seat2", Map.of("occupied", false));
        SpaceStatus nap = h.status("nap");
        assertThat(nap.state()).isEqualTo(State.OCCUPIED);
        assertThat(nap.count()).isEqualTo(1);
        assertThat(nap.freePlaces()).as("pod3 has no sensor: not known to be free").isEqualTo(1);
        assertThat(h.status("pod1").state()).isEqualTo(State.OCCUPIED);

        h.now("2026-11-02T13:20:00Z", "seat1", Map.of("occupied", false));
        assertThat(h.status("nap").state()).isEqualTo(State.FREE);
        assertThat(h.status("nap").freePlaces()).isEqualTo(2);
        assertThat(h.changes).anySatisfy(c -> {
            assertThat(c.spaceId()).isEqualTo("nap");
            assertThat(c.freePlaces()).isEqualTo(2);
        });
        assertThat(h.status("room").freePlaces()).isEqualTo(-1);
    }

    @Test
    void readingDatedFarAhead_isIgnored() {
        h.bind("pir", "room", "motion");
        h.clock.now = t("2026-11-02T09:00:00Z");
        h.reading("pir", t("2026-11-02T10:00:00Z"), motion(1));
        assertThat(h.status("room").state()).isEqualTo(State.UNKNOWN);
        assertThat(h.engine.ignoredAhead()).isEqualTo(1);
    }

    @Test
    void lateReadingWithinTheWindow_givesTheTimelineOfReadingsInOrder() {
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(1));
        h.at("2026-11-02T09:06:00Z"); // freed at 09:05
        h.reading("pir", t("2026-11-02T09:04:00Z"), motion(1)); // arrives late: motion at 09:04

        assertThat(h.status("room").state()).isEqualTo(State.OCCUPIED);
        h.at("2026-11-02T09:10:00Z");
        assertThat(h.status("room").state()).isEqualTo(State.FREE);
        assertThat(TimelineAssert.normal(h.store.all("room"))).containsExactly(
                TimelineAssert.point(h.store.all("room").get(0).at(), State.UNKNOWN, 0, -1),
                TimelineAssert.point(t("2026-11-02T09:00:00Z"), State.OCCUPIED, 1, -1),
                TimelineAssert.point(t("2026-11-02T09:09:00Z"), State.FREE, 0, -1));
        assertThat(h.rebuildRequests).isEmpty();
    }

    @Test
    void readingTooLateForTheWindow_isRebuiltFromTheStore() {
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(1));
        h.now("2026-11-02T11:00:00Z", "pir", motion(0));
        h.now("2026-11-02T12:30:00Z", "pir", motion(0));
        h.reading("pir", t("2026-11-02T10:00:00Z"), motion(1)); // two and a half hours late

        assertThat(h.rebuildRequests).containsExactly(t("2026-11-02T10:00:00Z"));
        assertThat(TimelineAssert.normal(h.store.all("room"))).containsExactly(
                TimelineAssert.point(h.store.all("room").get(0).at(), State.UNKNOWN, 0, -1),
                TimelineAssert.point(t("2026-11-02T09:00:00Z"), State.OCCUPIED, 1, -1),
                TimelineAssert.point(t("2026-11-02T09:05:00Z"), State.FREE, 0, -1),
                TimelineAssert.point(t("2026-11-02T10:00:00Z"), State.OCCUPIED, 1, -1),
                TimelineAssert.point(t("2026-11-02T10:05:00Z"), State.FREE, 0, -1));
    }

    @Test
    void rebindingADevice_movesItsEvidenceToTheNewSpace() {
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(1));
        h.bind("pir", "booth", "motion");
        assertThat(h.status("room").state()).isEqualTo(State.UNKNOWN);
        h.now("2026-11-02T09:01:00Z", "pir", motion(1));
        assertThat(h.status("booth").state()).isEqualTo(State.OCCUPIED);
    }

    @Test
    void restart_rebuildsTheStatesFromTheStoredReadings() {
        h.bind("pir", "room", "motion");
        h.bind("counter", "hall", "counter");
        h.now("2026-11-02T09:00:00Z", "counter", Map.of("in", 2));
        h.now("2026-11-02T09:01:00Z", "pir", motion(1));

        OccupancyEngine again = new OccupancyEngine(h.store, h.devices, h.clock, new OccupancyEngine.Listener() {
            @Override
            public void changed(SpaceStatus status) {}

            @Override
            public void rebuildNeeded(String spaceId, long from) {}
        });
        again.putSite(TestSites.campus());
        again.recover();
        assertThat(again.status("room").state()).isEqualTo(State.OCCUPIED);
        assertThat(again.status("room").since()).isEqualTo(t("2026-11-02T09:01:00Z"));
        assertThat(again.status("hall").count()).isEqualTo(2);
    }

    @Test
    void everyChangeIsStoredInTheTimelineOfItsSpace() {
        h.bind("pir", "room", "motion");
        h.now("2026-11-02T09:00:00Z", "pir", motion(1));
        h.at("2026-11-02T10:00:00Z");
        List<TimelinePoint> t = h.store.timeline("room", t("2026-11-02T09:00:00Z"), t("2026-11-02T10:00:00Z"));
        assertThat(t).extracting(TimelinePoint::state).containsExactly(State.OCCUPIED, State.FREE);
    }
}
