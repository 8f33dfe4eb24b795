package org.valley.space.occupancy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.valley.testing.MemorySpaceStore;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;
import org.valley.space.site.Site;

/**
 * An occupancy engine with a stepped clock, an in-memory store and devices: readings go to the
 * store (as the projection would write them) and to the engine; rebuild requests are served at
 * once, the reading being stored already.
 */
final class Harness {

    /** A clock the test moves. */
    static final class SteppedClock implements InstantSource {
        long now;

        SteppedClock(Instant start) {
            now = start.toEpochMilli();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public long millis() {
            return now;
        }
    }

    final SteppedClock clock;
    final MemorySpaceStore store = new MemorySpaceStore();
    final DeviceDirectory devices = new DeviceDirectory();
    final List<SpaceStatus> changes = new ArrayList<>();
    final List<Long> rebuildRequests = new ArrayList<>();
    final OccupancyEngine engine;
    private final Map<String, Long> frames = new HashMap<>();
    private int networkIds;
    boolean serveRebuilds = true;

    Harness(Instant start) {
        clock = new SteppedClock(start);
        engine = new OccupancyEngine(store, devices, clock, new OccupancyEngine.Listener() {
            @Override
            public void changed(SpaceStatus status) {
                changes.add(status);
            }

            @Override
            public void rebuildNeeded(String spaceId, long from) {
                rebuildRequests.add(from);
                if (serveRebuilds) {
                    pendingRebuild = new Object[] {spaceId, from};
                }
            }
        });
    }

    private Object[] pendingRebuild;

    Harness site(Site site) {
        engine.putSite(site);
        return this;
    }

    Device bind(String deviceId, String space, String role) {
        return bind(deviceId, space, role, null);
    }

    Device bind(String deviceId, String space, String role, String roleKey) {
        Device before = devices.byId(deviceId);
        Device d = new Device(deviceId, deviceId, "acme", new NetworkRef("http", "N" + (++networkIds)), null, space, role,
                roleKey, Instant.EPOCH);
        devices.put(d);
        engine.deviceChanged(before, d);
        return d;
    }

    static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    /** Moves the clock to {@code iso} and applies the time rules. */
    Harness at(String iso) {
        return at(t(iso));
    }

    Harness at(long millis) {
        clock.now = millis;
        engine.tick();
        return this;
    }

    /** A frame of {@code deviceId} read at {@code ts}, arriving now. */
    void reading(String deviceId, long ts, Map<String, Object> data) {
        long frame = frames.merge(deviceId, 1L, Long::sum);
        store.store(deviceId, frame, ts, data);
        engine.decoded(devices.byId(deviceId), frame, ts, data);
        if (pendingRebuild != null) {
            Object[] r = pendingRebuild;
            pendingRebuild = null;
            engine.rebuild((String) r[0], (Long) r[1]);
        }
    }

    /** Moves the clock to {@code iso}, delivers a reading made then, and applies the time rules. */
    void now(String iso, String deviceId, Map<String, Object> data) {
        clock.now = t(iso);
        reading(deviceId, t(iso), data);
        engine.tick();
    }

    SpaceStatus status(String space) {
        return engine.status(space);
    }
}
