package org.valley.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.valley.space.booking.Booking;
import org.valley.space.occupancy.TimelinePoint;
import org.valley.store.SpaceStore;

/** A space store in memory, for the core's tests (the DuckDB one lives in valley-store-embedded). */
public final class MemorySpaceStore implements SpaceStore {

    private final Map<String, StoredSite> sites = new HashMap<>();
    private final Map<String, List<TimelinePoint>> timelines = new HashMap<>();
    private final List<StoredReading> readings = new ArrayList<>();
    private final Map<String, Booking> bookings = new java.util.LinkedHashMap<>();
    public int rewrites;

    @Override
    public synchronized List<StoredSite> sites() {
        return List.copyOf(sites.values());
    }

    @Override
    public synchronized void putSite(StoredSite site) {
        sites.put(site.id(), site);
    }

    @Override
    public synchronized void deleteSite(String id) {
        sites.remove(id);
    }

    @Override
    public synchronized void appendTimeline(List<TimelinePoint> points) {
        for (TimelinePoint p : points) {
            timelines.computeIfAbsent(p.spaceId(), k -> new ArrayList<>()).add(p);
        }
    }

    @Override
    public synchronized void rewriteTimeline(Collection<String> spaceIds, long from, List<TimelinePoint> points) {
        rewrites++;
        for (String id : spaceIds) {
            List<TimelinePoint> t = timelines.get(id);
            if (t != null) {
                t.removeIf(p -> p.at() >= from);
            }
        }
        appendTimeline(points);
    }

    @Override
    public synchronized List<TimelinePoint> timeline(String spaceId, long from, long to) {
        List<TimelinePoint> all = new ArrayList<>(timelines.getOrDefault(spaceId, List.of()));
        all.sort(Comparator.comparingLong(TimelinePoint::at)); // stable: points of one instant keep their order
        List<TimelinePoint> out = new ArrayList<>();
        TimelinePoint inForce = null;
        for (TimelinePoint p : all) {
            if (p.at() <= from) {
                inForce = p;
            } else if (p.at() < to) {
                out.add(p);
            }
        }
        if (inForce != null) {
            out.add(0, inForce);
        }
        return out;
    }

    /** Every point of a space as written, oldest first. */
    public synchronized List<TimelinePoint> all(String spaceId) {
        List<TimelinePoint> all = new ArrayList<>(timelines.getOrDefault(spaceId, List.of()));
        all.sort(Comparator.comparingLong(TimelinePoint::at));
        return all;
    }

    /** Stores a decoded frame's readings as the projection would (flattened, numbers as doubles). */
    public synchronized void store(String deviceId, long frame, long ts, Map<String, Object> data) {
        for (Map.Entry<String, Object> e : data.entrySet()) {
            Object v = e.getValue() instanceof Number n ? (Object) n.doubleValue() : e.getValue();
            readings.add(new StoredReading(deviceId, frame, ts, e.getKey(), v));
        }
    }

    @Override
    public synchronized void readings(Collection<String> deviceIds, long from, Consumer<StoredReading> sink) {
        readings.stream()
                .filter(r -> deviceIds.contains(r.deviceId()) && r.ts() >= from)
                .sorted(Comparator.comparingLong(StoredReading::ts).thenComparing(StoredReading::deviceId)
                        .thenComparingLong(StoredReading::frame))
                .forEach(sink);
    }

    @Override
    public synchronized void putBooking(Booking booking) {
        bookings.put(booking.id(), booking);
    }

    @Override
    public synchronized Booking booking(String id) {
        return bookings.get(id);
    }

    @Override
    public synchronized List<Booking> activeBookings() {
        return bookings.values().stream().filter(b -> b.status().active()).toList();
    }

    @Override
    public synchronized List<Booking> bookings(Collection<String> siteIds, String spaceId, java.time.Instant from,
            java.time.Instant to, int limit) {
        return bookings.values().stream()
                .filter(b -> siteIds.contains(b.site()) && (spaceId == null || b.space().equals(spaceId))
                        && b.start().isBefore(to) && b.end().isAfter(from))
                .sorted(Comparator.comparing(Booking::start))
                .limit(limit)
                .toList();
    }
}
