package org.valley.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;
import org.valley.space.SpaceKind;
import org.valley.space.booking.Booking;
import org.valley.space.occupancy.OccupancyEngine;
import org.valley.space.occupancy.SpaceStatus;
import org.valley.space.occupancy.TimelinePoint;
import org.valley.space.site.Building;
import org.valley.space.site.Floor;
import org.valley.space.site.OpeningHours;
import org.valley.space.site.Site;
import org.valley.space.site.Space;
import org.valley.store.SpaceStore;

/**
 * A large campus for the space benchmarks: {@code n} spaces on floors of 100, each with one bound
 * sensor (a desk sensor on desks, a PIR elsewhere), in an occupancy engine over a store that keeps
 * nothing, on a clock the benchmark moves.
 *
 * <p>Mix: 60 % desks, 30 % meeting rooms of 2 to 20 seats (half with a screen, a third with a
 * whiteboard), 10 % phone booths.
 */
final class SpaceCampus {

    static final String TENANT = "bench";
    static final Instant START = Instant.parse("2026-11-02T08:00:00Z");

    final AtomicLong now = new AtomicLong(START.toEpochMilli());
    final InstantSource clock = new InstantSource() {
        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }

        @Override
        public long millis() {
            return now.get();
        }
    };
    final DeviceDirectory devices = new DeviceDirectory();
    final Site site;
    final OccupancyEngine engine;
    final List<Device> sensors = new ArrayList<>();
    long frame;

    SpaceCampus(int n, OccupancyEngine.Listener listener) {
        List<Floor> floors = new ArrayList<>();
        List<Space> onFloor = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            onFloor.add(space(i));
            if (onFloor.size() == 100 || i == n - 1) {
                int level = floors.size();
                floors.add(new Floor("f" + level, "Floor " + level, level, onFloor));
                onFloor = new ArrayList<>();
            }
        }
        site = new Site("campus", TENANT, "Bench campus", ZoneId.of("Europe/Paris"), OpeningHours.DEFAULT, Map.of(),
                Site.DEFAULT_NO_SHOW_GRACE, LocalTime.of(3, 0), Map.of(), Duration.ofHours(1),
                List.of(new Building("main", "Main", floors)));
        for (int i = 0; i < n; i++) {
            String id = String.format("sensor-%06d", i);
            boolean desk = kind(i) == SpaceKind.DESK;
            Device d = new Device(id, id, TENANT, new NetworkRef("http", id), null, spaceId(i), desk ? "desk" : "motion",
                    null, START);
            devices.put(d);
            sensors.add(d);
        }
        engine = new OccupancyEngine(new NullSpaceStore(), devices, clock, listener);
        engine.putSite(site);
    }

    static String spaceId(int i) {
        return String.format("space-%06d", i);
    }

    static SpaceKind kind(int i) {
        int m = i % 10;
        return m < 6 ? SpaceKind.DESK : m < 9 ? SpaceKind.MEETING_ROOM : SpaceKind.PHONE_BOOTH;
    }

    private static Space space(int i) {
        SpaceKind kind = kind(i);
        int capacity = kind == SpaceKind.MEETING_ROOM ? 2 + (i * 7) % 19 : 1;
        List<String> equipment = new ArrayList<>();
        if (kind == SpaceKind.MEETING_ROOM && i % 2 == 0) {
            equipment.add("screen");
        }
        if (kind == SpaceKind.MEETING_ROOM && i % 3 == 0) {
            equipment.add("whiteboard");
        }
        return new Space(spaceId(i), "Space " + i, kind, capacity, equipment, null, List.of());
    }

    /** Sends one reading of sensor {@code i}: occupied or not, at the clock's present. */
    void reading(int i, boolean occupied) {
        Device d = sensors.get(i);
        Map<String, Object> values = d.role().equals("desk") ? Map.of("occupied", occupied) : Map.of("motion", occupied ? 1 : 0);
        engine.decoded(d, frame++, now.get(), values);
    }

    /** A store that keeps nothing: no readings to replay, no timeline, no bookings. */
    static final class NullSpaceStore implements SpaceStore {
        @Override
        public List<StoredSite> sites() {
            return List.of();
        }

        @Override
        public void putSite(StoredSite site) {}

        @Override
        public void deleteSite(String id) {}

        @Override
        public void appendTimeline(List<TimelinePoint> points) {}

        @Override
        public void rewriteTimeline(Collection<String> spaceIds, long from, List<TimelinePoint> points) {}

        @Override
        public List<TimelinePoint> timeline(String spaceId, long from, long to) {
            return List.of();
        }

        @Override
        public void readings(Collection<String> deviceIds, long from, Consumer<StoredReading> sink) {}

        @Override
        public void putBooking(Booking booking) {}

        @Override
        public Booking booking(String id) {
            return null;
        }

        @Override
        public List<Booking> activeBookings() {
            return List.of();
        }

        @Override
        public List<Booking> bookings(Collection<String> siteIds, String spaceId, Instant from, Instant to, int limit) {
            return List.of();
        }
    }

    /** A listener that does nothing (the benchmark reads the status itself). */
    static final OccupancyEngine.Listener QUIET = new OccupancyEngine.Listener() {
        @Override
        public void changed(SpaceStatus status) {}

        @Override
        public void rebuildNeeded(String spaceId, long from) {}
    };
}
