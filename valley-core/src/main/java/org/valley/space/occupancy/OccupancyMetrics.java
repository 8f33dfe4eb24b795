package org.valley.space.occupancy;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.valley.space.site.OpeningHours;

/**
 * The space metrics of METRICS.md computed from a space's occupancy timeline over a period
 * {@code [from, to)}, restricted to the site's opening hours.
 *
 * <p>With {@code n(t)} the head count (0 when free), {@code T} the open time and {@code T_occ} the
 * open time with {@code n(t) > 0}: time utilisation {@code T_occ / T}; average occupancy
 * {@code ∫n dt / T}; average occupancy when occupied {@code ∫n dt / T_occ}; capacity utilisation
 * and occupancy rate when in use are those divided by the capacity; peak occupancy {@code max n};
 * episodes the maximal open intervals with {@code n > 0}; dwell time {@code T_occ / episodes}.
 * Time when the space was unknown is left out of {@code T}: no sensor said anything then.
 *
 * @param openMillis {@code T}, the known open time, ms
 * @param occupiedMillis {@code T_occ}, ms
 * @param averageOccupancyWhenOccupied null when never occupied
 * @param capacityUtilisation null when the capacity is 0
 * @param occupancyRateWhenInUse null when never occupied or the capacity is 0
 * @param peakCapacityUtilisation null when the capacity is 0
 * @param dwellTime null when there was no episode
 */
public record OccupancyMetrics(
        long openMillis,
        long occupiedMillis,
        double timeUtilisation,
        double averageOccupancy,
        Double averageOccupancyWhenOccupied,
        Double capacityUtilisation,
        Double occupancyRateWhenInUse,
        int peakOccupancy,
        Double peakCapacityUtilisation,
        int episodes,
        Duration dwellTime) {

    /**
     * Computes the metrics of a timeline (oldest first; the point in force at {@code from} first
     * when there is one) for a space of {@code capacity}.
     */
    public static OccupancyMetrics of(List<TimelinePoint> timeline, long from, long to, int capacity, OpeningHours hours,
            ZoneId zone) {
        List<long[]> open = openIntervals(from, to, hours, zone);
        long known = 0;
        long occupied = 0;
        double personMillis = 0;
        int peak = 0;
        int episodes = 0;
        long occupiedEnd = Long.MIN_VALUE;
        for (int i = 0; i < timeline.size(); i++) {
            TimelinePoint p = timeline.get(i);
            long start = Math.max(p.at(), from);
            long end = Math.min(i + 1 < timeline.size() ? timeline.get(i + 1).at() : to, to);
            if (end <= start || p.state() == State.UNKNOWN) {
                continue;
            }
            int n = p.state() == State.OCCUPIED ? p.count() : 0;
            for (long[] o : open) {
                long a = Math.max(start, o[0]);
                long b = Math.min(end, o[1]);
                if (b <= a) {
                    continue;
                }
                known += b - a;
                if (n > 0) {
                    occupied += b - a;
                    personMillis += (double) n * (b - a);
                    peak = Math.max(peak, n);
                    if (a != occupiedEnd) {
                        episodes++;
                    }
                    occupiedEnd = b;
                }
            }
        }
        double t = known;
        double average = known == 0 ? 0 : personMillis / t;
        Double whenOccupied = occupied == 0 ? null : personMillis / occupied;
        return new OccupancyMetrics(known, occupied, known == 0 ? 0 : occupied / t, average, whenOccupied,
                capacity == 0 ? null : average / capacity,
                capacity == 0 || whenOccupied == null ? null : whenOccupied / capacity,
                peak, capacity == 0 ? null : (double) peak / capacity, episodes,
                episodes == 0 ? null : Duration.ofMillis(occupied / episodes));
    }

    /** The open intervals of the site within [from, to), as {start, end} epoch ms. */
    static List<long[]> openIntervals(long from, long to, OpeningHours hours, ZoneId zone) {
        List<long[]> out = new ArrayList<>();
        LocalDate day = java.time.Instant.ofEpochMilli(from).atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = java.time.Instant.ofEpochMilli(to).atZone(zone).toLocalDate();
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            if (!hours.days().contains(day.getDayOfWeek())) {
                continue;
            }
            long start = day.atTime(hours.from()).atZone(zone).toInstant().toEpochMilli();
            long end = hours.to().equals(LocalTime.MAX)
                    ? day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()
                    : day.atTime(hours.to()).atZone(zone).toInstant().toEpochMilli();
            long a = Math.max(start, from);
            long b = Math.min(end, to);
            if (b > a) {
                out.add(new long[] {a, b});
            }
        }
        return out;
    }
}
