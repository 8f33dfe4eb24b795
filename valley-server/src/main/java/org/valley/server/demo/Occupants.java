package org.valley.server.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.valley.space.SpaceKind;
import org.valley.space.site.Site;
import org.valley.space.site.Space;

/**
 * The people of a simulated campus day: who sits where, and when. Each day is drawn from its own
 * seeded random generator, so the same day always plays the same way.
 *
 * <p>The shape follows a working day in a living-lab building: desk users arrive between 8:00 and
 * 10:00 (four in five come at all), leave for lunch between 12:00 and 13:30 and go home between
 * 16:30 and 19:00; meeting rooms hold meetings of 30 to 90 minutes from 8:30 to 18:30, mostly of
 * two to four people; phone booths take calls of 5 to 25 minutes; nap pods are used after lunch,
 * for 20 to 30 minutes. Times are minutes of the day in the site's time zone.
 */
final class Occupants {

    /** People present in a space from {@code start} (inclusive) to {@code end} (exclusive), in minutes of the day. */
    record Stay(int start, int end, int people) {}

    private final Map<String, List<Stay>> stays = new HashMap<>();
    /** Per minute of the day: arrivals and departures through the entrance. */
    private final int[] arrivals = new int[24 * 60];
    private final int[] departures = new int[24 * 60];

    private Occupants() {}

    /** The stays of day number {@code day} (any integer, e.g. days since the epoch) for every space of {@code site}. */
    static Occupants of(Site site, long day) {
        Occupants o = new Occupants();
        Random random = new Random(0x5EED_0000L ^ day * 0x9E3779B97F4A7C15L);
        for (Site.Placement p : site.placements()) {
            Space space = p.space();
            if (!space.places().isEmpty()) {
                continue; // a room made of places is as full as its places
            }
            SpaceKind kind = p.parent() != null && p.parent().kind() == SpaceKind.NAP_ROOM ? SpaceKind.NAP_POD : space.kind();
            List<Stay> list = switch (kind) {
                case MEETING_ROOM -> o.sessions(random, 8 * 60 + 30, 18 * 60 + 30, 0, 90, new int[] {30, 45, 60, 60, 90},
                        Math.max(1, space.capacity()));
                case PHONE_BOOTH -> o.sessions(random, 9 * 60, 18 * 60, 5, 60, new int[] {5, 10, 15, 25}, 1);
                case NAP_POD, NAP_ROOM -> o.sessions(random, 12 * 60 + 15, 15 * 60 + 30, 0, 80, new int[] {20, 25, 30}, 1);
                case DESK, OPEN_SPACE -> o.deskDay(random);
                case ENTRANCE -> List.of();
            };
            o.stays.put(space.id(), list);
        }
        return o;
    }

    /** Sessions separated by random gaps of {@code minGap} to {@code maxGap} minutes. */
    private List<Stay> sessions(Random random, int from, int until, int minGap, int maxGap, int[] lengths, int capacity) {
        List<Stay> out = new ArrayList<>();
        int t = from + random.nextInt(maxGap + 1);
        while (t < until) {
            int length = lengths[random.nextInt(lengths.length)];
            // mostly small groups: two to four people, rarely the whole room
            int people = capacity <= 1 ? 1 : Math.min(capacity, 2 + (int) (random.nextDouble() * random.nextDouble() * (capacity - 1)));
            out.add(new Stay(t, Math.min(t + length, 24 * 60 - 1), people));
            t += length + minGap + random.nextInt(maxGap - minGap + 1);
        }
        return out;
    }

    /** A desk user's day, or no day at all. */
    private List<Stay> deskDay(Random random) {
        if (random.nextInt(5) == 0) {
            return List.of();
        }
        int arrive = 8 * 60 + random.nextInt(120);
        int lunch = 12 * 60 + random.nextInt(60);
        int back = lunch + 45 + random.nextInt(45);
        int leave = 16 * 60 + 30 + random.nextInt(150);
        arrivals[arrive]++;
        departures[lunch]++;
        arrivals[back]++;
        departures[leave]++;
        return List.of(new Stay(arrive, lunch, 1), new Stay(back, leave, 1));
    }

    /** People in {@code spaceId} at minute {@code minute} of the day (0 for a space without stays). */
    int people(String spaceId, int minute) {
        for (Stay s : stays.getOrDefault(spaceId, List.of())) {
            if (minute >= s.start() && minute < s.end()) {
                return s.people();
            }
        }
        return 0;
    }

    /** The stays of a space, in time order. */
    List<Stay> stays(String spaceId) {
        return stays.getOrDefault(spaceId, List.of());
    }

    /** Entries through the entrance in minutes {@code [from, to)}. */
    int arrivals(int from, int to) {
        return sum(arrivals, from, to);
    }

    /** Exits through the entrance in minutes {@code [from, to)}. */
    int departures(int from, int to) {
        return sum(departures, from, to);
    }

    private static int sum(int[] perMinute, int from, int to) {
        int n = 0;
        for (int m = Math.max(0, from); m < Math.min(perMinute.length, to); m++) {
            n += perMinute[m];
        }
        return n;
    }
}
