package org.valley.space.occupancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.valley.device.Device;
import org.valley.device.NetworkRef;
import org.valley.space.Role;
import org.valley.space.site.Site;

/**
 * The estimator's state at an instant depends only on the readings of the 48 hours before it: one
 * started empty 48 hours before an instant agrees from then on with one that saw everything. This
 * is what makes rebuilding a unit from a bounded stretch of stored readings exact.
 */
class BoundedPastPropertiesTest {

    static final long HOUR = 3_600_000L;

    @Property(tries = 300)
    void estimatorStartedFortyEightHoursBefore_agreesWithTheFullHistoryFromThen(@ForAll long seed) {
        Random r = new Random(seed);
        Site site = TestSites.campus();
        List<Device> devices = new ArrayList<>();
        String[][] bound = {{"pir", "room", "motion"}, {"door", "room", "door"}, {"cam", "room", "counter"},
            {"co2", "room", "co2"}, {"seat1", "pod1", "seat"}, {"seat2", "pod2", "seat"}, {"pir3", "pod3", "motion"}};
        for (String[] b : bound) {
            devices.add(new Device(b[0], b[0], "acme", new NetworkRef("http", b[0].toUpperCase()), null, b[1], b[2], null,
                    java.time.Instant.EPOCH));
        }
        var room = site.buildings().get(0).floors().get(0).spaces().get(0);
        var nap = site.buildings().get(0).floors().get(0).spaces().get(2);
        for (var space : List.of(room, nap)) {
            UnitLayout layout = UnitLayout.of(site, space, devices);
            List<Observation> readings = readings(r, layout);
            long start = readings.get(0).ts() - HOUR;
            long cut = start + (long) (r.nextDouble() * 5 * 24 * HOUR);

            UnitEstimator full = new UnitEstimator(layout, start);
            List<TimelinePoint> fullPoints = new ArrayList<>();
            full.emitAll(fullPoints);
            UnitEstimator cold = new UnitEstimator(layout, cut - UnitEstimator.LEAD);
            List<TimelinePoint> coldPoints = new ArrayList<>();
            boolean crossed = false;
            for (Observation o : readings) {
                full.apply(o, fullPoints);
                if (!crossed && o.ts() >= cut) {
                    cross(cold, cut, coldPoints);
                    crossed = true;
                }
                if (o.ts() >= cold.w) {
                    cold.apply(o, coldPoints);
                }
            }
            if (!crossed) {
                cross(cold, cut, coldPoints);
            }
            long end = readings.get(readings.size() - 1).ts() + 60 * HOUR;
            full.advance(end, fullPoints);
            cold.advance(end, coldPoints);

            for (String id : layout.spaceIds) {
                assertThat(TimelineAssert.normal(after(coldPoints, id, cut)))
                        .as("%s after %d (seed %d)", id, cut, seed)
                        .isEqualTo(TimelineAssert.normal(after(fullPoints, id, cut)));
            }
        }
    }

    /** Brings {@code e} to {@code cut} and states every space there, as a rebuild does. */
    static void cross(UnitEstimator e, long cut, List<TimelinePoint> points) {
        e.advance(cut, points);
        e.w = Math.max(e.w, cut);
        e.emitAll(points);
    }

    /** The points of one space from {@code cut} on, led by the state in force at {@code cut}. */
    static List<TimelinePoint> after(List<TimelinePoint> points, String id, long cut) {
        List<TimelinePoint> out = new ArrayList<>();
        TimelinePoint inForce = null;
        for (TimelinePoint p : points) {
            if (!p.spaceId().equals(id)) {
                continue;
            }
            if (p.at() <= cut) {
                inForce = p;
            } else {
                out.add(p);
            }
        }
        if (inForce != null) {
            out.add(0, new TimelinePoint(id, cut, inForce.state(), inForce.count(), inForce.confidence(), inForce.freePlaces()));
        }
        return out;
    }

    /** Six days of readings of the layout's devices, each at its own second, with silences up to two days. */
    static List<Observation> readings(Random r, UnitLayout layout) {
        List<Observation> out = new ArrayList<>();
        long t = java.time.Instant.parse("2026-11-02T06:00:00Z").toEpochMilli();
        long end = t + 6 * 24 * HOUR;
        long frame = 0;
        while (t < end) {
            int s = r.nextInt(layout.slots());
            Role role = layout.slotRole[s];
            double a = switch (role) {
                case MOTION -> r.nextInt(3) == 0 ? 0 : 1;
                case DOOR, DESK, SEAT -> r.nextInt(2);
                case COUNTER -> r.nextInt(3) == 0 ? Double.NaN : r.nextInt(6);
                case CO2 -> 400 + r.nextInt(1200);
                default -> Double.NaN;
            };
            double b = role == Role.COUNTER && Double.isNaN(a) ? r.nextInt(5) - 2 : Double.NaN;
            out.add(new Observation(layout.slotDevice[s], ++frame, t, a, b));
            int pause = r.nextInt(30);
            t += 1000L * (pause == 0 ? 20 * 3600 + r.nextInt(30 * 3600) : pause < 6 ? r.nextInt(5 * 3600) : 1 + r.nextInt(600));
        }
        return out;
    }
}
