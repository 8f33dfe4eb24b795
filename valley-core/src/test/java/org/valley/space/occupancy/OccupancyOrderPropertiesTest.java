package org.valley.space.occupancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The timeline is a function of the readings' own timestamps: readings delivered late, out of
 * order, some too late for the replay window (rebuilt from the store), give the timeline that the
 * same readings give delivered in order as they happen.
 */
class OccupancyOrderPropertiesTest {

    static final Instant START = Instant.parse("2026-11-02T06:00:00Z");
    static final String[][] DEVICES = {
        {"pir", "room", "motion"}, {"door", "room", "door"}, {"desk", "desk1", "desk"}, {"seat1", "pod1", "seat"},
        {"seat2", "pod2", "seat"}, {"counter", "hall", "counter"}, {"co2", "room", "co2"}, {"booth-pir", "booth", "motion"},
    };
    static final String[] SPACES = {"room", "desk1", "nap", "pod1", "pod2", "pod3", "hall", "booth"};

    record Reading(String device, long ts, long arrival, Map<String, Object> data) {}

    @Property(tries = 60)
    void lateAndReorderedReadings_giveTheTimelineOfReadingsInOrder(@ForAll long seed) {
        List<Reading> readings = readings(new Random(seed));

        Harness inOrder = play(readings, Comparator.comparingLong(Reading::ts), false);
        Harness late = play(readings, Comparator.comparingLong(Reading::arrival), true);

        System.out.println("rebuilds=" + late.rebuildRequests.size() + " rewrites=" + late.store.rewrites + " points=" + inOrder.store.all("room").size());
        for (String space : SPACES) {
            assertThat(TimelineAssert.normal(late.store.all(space)))
                    .as("timeline of %s (seed %d)", space, seed)
                    .isEqualTo(TimelineAssert.normal(inOrder.store.all(space)));
            assertThat(late.status(space).state()).isEqualTo(inOrder.status(space).state());
            assertThat(late.status(space).count()).isEqualTo(inOrder.status(space).count());
        }
    }

    static Harness play(List<Reading> readings, Comparator<Reading> order, boolean byArrival) {
        Harness h = new Harness(START).site(TestSites.campus());
        for (String[] d : DEVICES) {
            h.bind(d[0], d[1], d[2]);
        }
        List<Reading> sorted = new ArrayList<>(readings);
        sorted.sort(order);
        for (Reading r : sorted) {
            h.clock.now = Math.max(h.clock.now, byArrival ? r.arrival() : r.ts());
            h.engine.tick();
            h.reading(r.device(), r.ts(), r.data());
        }
        h.at(START.toEpochMilli() + 4 * 86_400_000L);
        return h;
    }

    /**
     * Two days of readings from every device, each at its own second, with quiet stretches (some longer
     * than a day, past what the estimator remembers), some delivered hours late.
     */
    static List<Reading> readings(Random r) {
        List<Reading> out = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        long end = START.toEpochMilli() + 3 * 86_400_000L;
        for (String[] d : DEVICES) {
            long t = START.toEpochMilli() + 1000L * r.nextInt(600);
            while (t < end) {
                long ts = t;
                while (!used.add(ts)) {
                    ts += 1000;
                }
                long delay = switch (r.nextInt(10)) {
                    case 0 -> 1000L * r.nextInt(4 * 3600);
                    case 1, 2 -> 1000L * r.nextInt(600);
                    default -> 1000L * r.nextInt(20);
                };
                out.add(new Reading(d[0], ts, ts + delay, data(d[2], r)));
                    int pause = r.nextInt(40);
                t += 1000L * (pause == 0 ? 20 * 3600 + r.nextInt(12 * 3600)
                        : pause < 10 ? 60 + r.nextInt(4 * 3600) : 30 + r.nextInt(900));
            }
        }
        return out;
    }

    static Map<String, Object> data(String role, Random r) {
        return switch (role) {
            case "motion" -> Map.of("motion", r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(5));
            case "door" -> Map.of("open", r.nextBoolean());
            case "desk", "seat" -> Map.of("occupied", r.nextBoolean());
            case "counter" -> Map.of("in", r.nextInt(4), "out", r.nextInt(4));
            case "co2" -> Map.of("co2", 400 + r.nextInt(1200));
            default -> throw new IllegalArgumentException(role);
        };
    }
}
