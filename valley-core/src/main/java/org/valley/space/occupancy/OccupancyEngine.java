package org.valley.space.occupancy;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.space.Role;
import org.valley.space.site.Site;
import org.valley.space.site.Space;
import org.valley.store.SpaceStore;
import org.valley.store.SpaceStore.StoredReading;

/**
 * Occupancy of every space of every site, from the decoded readings of the devices bound to them.
 *
 * <p>Each top-level space with its places is a unit ({@link UnitTrack}) whose readings are applied
 * in reading time; time rules (hold-offs, staleness, the daily counter reset) fire on
 * {@link #tick()}, driven by the injected clock. The timeline of every space goes to the
 * {@link SpaceStore}; the live status of every space is readable without locking
 * ({@link #status}). A reading too late for a unit's replay window is reported to the
 * {@link Listener}, which arranges for {@link #rebuild} once the reading is stored; binding changes
 * and a new site document rebuild the units concerned at once.
 *
 * <p>Mutations are serialised by the engine's monitor; listeners are called while it is held and
 * must not block.
 */
public final class OccupancyEngine {

    /** How far ahead of the clock a reading may be dated; later ones are clock errors and ignored. */
    static final long MAX_AHEAD = 10 * 60_000L;

    /** What the engine tells the rest of the node. */
    public interface Listener {
        /** A space's state, count, free places or drift changed. */
        void changed(SpaceStatus status);

        /**
         * A reading of the unit of {@code spaceId} at {@code from} came too late to be replayed: call
         * {@link #rebuild} once it is readable from the store.
         */
        void rebuildNeeded(String spaceId, long from);
    }

    /** A unit: its current track, and its site. */
    private static final class Unit {
        final Site site;
        final Space space;
        UnitTrack track;

        Unit(Site site, Space space) {
            this.site = site;
            this.space = space;
        }
    }

    private record Location(Unit unit, int index) {}

    private final SpaceStore store;
    private final DeviceDirectory devices;
    private final InstantSource clock;
    private final Listener listener;
    private final Map<String, Site> sites = new ConcurrentHashMap<>();
    private final Map<String, Location> spaces = new ConcurrentHashMap<>();
    /** Units by the id of their top-level space. */
    private final Map<String, Unit> units = new HashMap<>();
    private final Map<String, SpaceStatus> statuses = new ConcurrentHashMap<>();
    private final Map<Unit, Long> pendingRebuilds = new HashMap<>();
    private long ignoredAhead;
    private final UnitTrack.TimelineOut out;

    public OccupancyEngine(SpaceStore store, DeviceDirectory devices, InstantSource clock, Listener listener) {
        this.store = store;
        this.devices = devices;
        this.clock = clock;
        this.listener = listener;
        this.out = new UnitTrack.TimelineOut() {
            @Override
            public void append(List<TimelinePoint> points) {
                if (!points.isEmpty()) {
                    store.appendTimeline(List.copyOf(points));
                }
            }

            @Override
            public void rewrite(String[] spaceIds, long from, List<TimelinePoint> points) {
                store.rewriteTimeline(List.of(spaceIds), from, List.copyOf(points));
            }
        };
    }

    // ---- reads (no lock) ----

    /** The live status of a space or place, or null when no site has it. */
    public SpaceStatus status(String spaceId) {
        return statuses.get(spaceId);
    }

    public Site site(String id) {
        return sites.get(id);
    }

    public Collection<Site> sites() {
        return sites.values();
    }

    /** The site holding a space or place, or null. */
    public Site siteOf(String spaceId) {
        Location l = spaces.get(spaceId);
        return l == null ? null : l.unit.site;
    }

    /** Readings dated too far ahead of the clock and ignored, since start. */
    public synchronized long ignoredAhead() {
        return ignoredAhead;
    }

    // ---- sites and bindings ----

    /**
     * Puts a site, replacing the one with its id: its units are built with the devices bound to its
     * spaces and brought to the present from the stored readings. Space ids must not belong to
     * another site (the caller checks).
     */
    public synchronized void putSite(Site site) {
        removeUnits(site.id());
        sites.put(site.id(), site);
        List<Unit> added = new ArrayList<>();
        for (Site.Placement p : site.placements()) {
            if (p.parent() == null) {
                Unit u = new Unit(site, p.space());
                added.add(u);
                units.put(p.space().id(), u);
                spaces.put(p.space().id(), new Location(u, 0));
                for (int i = 0; i < p.space().places().size(); i++) {
                    spaces.put(p.space().places().get(i).id(), new Location(u, i + 1));
                }
            }
        }
        rebuildUnits(added, clock.millis(), false);
    }

    public synchronized void removeSite(String siteId) {
        removeUnits(siteId);
        sites.remove(siteId);
    }

    private void removeUnits(String siteId) {
        units.values().removeIf(u -> {
            if (!u.site.id().equals(siteId)) {
                return false;
            }
            pendingRebuilds.remove(u);
            spaces.remove(u.space.id());
            statuses.remove(u.space.id());
            for (Space p : u.space.places()) {
                spaces.remove(p.id());
                statuses.remove(p.id());
            }
            return true;
        });
    }

    /**
     * A device was registered, changed or removed ({@code before} or {@code after} null): the units of
     * its old and new space are rebuilt with the new binding.
     */
    public synchronized void deviceChanged(Device before, Device after) {
        Set<Unit> affected = new HashSet<>();
        for (Device d : new Device[] {before, after}) {
            if (d != null && d.space() != null) {
                Location l = spaces.get(d.space());
                if (l != null) {
                    affected.add(l.unit);
                }
            }
        }
        boolean sameBinding = before != null && after != null && java.util.Objects.equals(before.space(), after.space())
                && java.util.Objects.equals(before.role(), after.role())
                && java.util.Objects.equals(before.roleKey(), after.roleKey());
        if (!affected.isEmpty() && !sameBinding) {
            rebuildUnits(new ArrayList<>(affected), clock.millis(), false);
        }
    }

    // ---- readings and time ----

    /**
     * A frame of {@code device} was decoded ({@code data}, nested maps); {@code frame} identifies it
     * among the device's frames, {@code ts} is its own time. Called by the projection, in journal order.
     */
    public synchronized void decoded(Device device, long frame, long ts, Map<String, Object> data) {
        if (device.space() == null || device.role() == null) {
            return;
        }
        Location l = spaces.get(device.space());
        Role role = Role.of(device.role());
        if (l == null || role == null || !device.tenant().equals(l.unit.site.tenant())) {
            return; // another tenant's device never tells about a site's spaces
        }
        if (ts > clock.millis() + MAX_AHEAD) {
            ignoredAhead++;
            return;
        }
        Unit u = l.unit;
        if (!u.track.layout().binds(device)) {
            // bound since the unit was built, without deviceChanged: take the binding in now
            rebuildUnits(List.of(u), clock.millis(), false);
        }
        Observation o = Observation.read(role, device.roleKey(), device.id(), frame, ts, k -> Observation.lookup(data, k));
        observe(u, o);
    }

    private void observe(Unit u, Observation o) {
        UnitTrack.Outcome outcome = u.track.observe(o, out);
        if (outcome == UnitTrack.Outcome.TOO_LATE) {
            Long pending = pendingRebuilds.get(u);
            if (pending == null || o.ts() < pending) {
                pendingRebuilds.put(u, o.ts());
                listener.rebuildNeeded(u.space.id(), o.ts());
            }
        }
        publish(u);
    }

    /** Applies the time rules due up to the clock's present to every unit. */
    public synchronized void tick() {
        long now = clock.millis();
        for (Unit u : units.values()) {
            if (u.track.live.nextDue() <= now) {
                u.track.tick(now, out);
                publish(u);
            }
        }
    }

    /**
     * Rebuilds the unit of {@code spaceId} from the stored readings, rewriting its timeline from
     * {@code from} (the earliest too-late reading, or earlier). Call once the readings are stored.
     */
    public synchronized void rebuild(String spaceId, long from) {
        Location l = spaces.get(spaceId);
        if (l == null) {
            return;
        }
        Long pending = pendingRebuilds.remove(l.unit);
        long rewriteFrom = pending == null ? from : Math.min(from, pending);
        rebuildUnits(List.of(l.unit), rewriteFrom, true);
    }

    /**
     * Brings every unit back after a start: rebuilt from the stored readings, their timelines
     * rewritten over the last {@link UnitEstimator#LEAD} (48 hours).
     */
    public synchronized void recover() {
        rebuildUnits(new ArrayList<>(units.values()), clock.millis() - UnitEstimator.LEAD, false);
    }

    /**
     * Rebuilds units from the stored readings: each starts empty {@link UnitEstimator#LEAD} before
     * {@code rewriteFrom}, goes silently through the readings before it, emits every space's state at
     * {@code rewriteFrom}, then applies the rest as live readings, and finally the time rules up to
     * now. With {@code keepLog}, readings the unit holds that the store may not have yet are merged in.
     */
    private void rebuildUnits(List<Unit> toRebuild, long rewriteFrom, boolean keepLog) {
        long now = clock.millis();
        Map<String, Rebuild> byDevice = new HashMap<>();
        List<Rebuild> rebuilds = new ArrayList<>();
        Map<String, List<Device>> bound = boundBySpace();
        for (Unit u : toRebuild) {
            List<Observation> held = keepLog && u.track != null ? List.copyOf(u.track.log()) : List.of();
            UnitLayout layout = UnitLayout.of(u.site, u.space, boundTo(u, bound));
            Rebuild r = new Rebuild(u, layout, rewriteFrom, held);
            rebuilds.add(r);
            for (String d : layout.slotDevice) {
                byDevice.put(d, r);
            }
        }
        if (!byDevice.isEmpty()) {
            Map<String, Object> frame = new LinkedHashMap<>();
            StoredReading[] first = new StoredReading[1];
            store.readings(byDevice.keySet(), rewriteFrom - UnitEstimator.LEAD, row -> {
                StoredReading head = first[0];
                if (head != null && (head.frame() != row.frame() || !head.deviceId().equals(row.deviceId()))) {
                    byDevice.get(head.deviceId()).feed(head, frame);
                    frame.clear();
                }
                first[0] = row;
                frame.put(row.key(), row.value());
            });
            if (first[0] != null) {
                byDevice.get(first[0].deviceId()).feed(first[0], frame);
            }
        }
        for (Rebuild r : rebuilds) {
            r.finish(now);
            publish(r.unit);
        }
    }

    /** The devices bound to a space, by space id: one pass over the devices for all the units of a rebuild. */
    private Map<String, List<Device>> boundBySpace() {
        Map<String, List<Device>> out = new HashMap<>();
        for (Device d : devices.all()) {
            if (d.space() != null) {
                out.computeIfAbsent(d.space(), k -> new ArrayList<>(1)).add(d);
            }
        }
        return out;
    }

    private static List<Device> boundTo(Unit u, Map<String, List<Device>> bound) {
        List<Device> out = new ArrayList<>();
        addBound(out, bound.get(u.space.id()), u);
        for (Space p : u.space.places()) {
            addBound(out, bound.get(p.id()), u);
        }
        return out;
    }

    private static void addBound(List<Device> out, List<Device> candidates, Unit u) {
        if (candidates != null) {
            for (Device d : candidates) {
                if (d.tenant().equals(u.site.tenant())) {
                    out.add(d);
                }
            }
        }
    }

    /** One unit being rebuilt while the stored readings stream by in time order. */
    private final class Rebuild {
        final Unit unit;
        final UnitLayout layout;
        final long rewriteFrom;
        final UnitEstimator estimator;
        final List<Observation> held;
        final Set<String> seen = new HashSet<>();
        UnitTrack track;

        Rebuild(Unit unit, UnitLayout layout, long rewriteFrom, List<Observation> held) {
            this.unit = unit;
            this.layout = layout;
            this.rewriteFrom = rewriteFrom;
            this.estimator = new UnitEstimator(layout, rewriteFrom - UnitEstimator.LEAD);
            this.held = held;
        }

        void feed(StoredReading head, Map<String, Object> data) {
            int s = layout.slot(head.deviceId());
            if (s < 0) {
                return;
            }
            Observation o = Observation.read(layout.slotRole[s], layout.slotKey[s], head.deviceId(), head.frame(),
                    head.ts(), data::get);
            if (!held.isEmpty()) {
                seen.add(o.deviceId() + "\u0000" + o.frame());
            }
            apply(o);
        }

        private void apply(Observation o) {
            if (track == null && o.ts() >= rewriteFrom) {
                start();
            }
            if (track == null) {
                estimator.apply(o, new ArrayList<>());
            } else {
                track.observe(o, out);
            }
        }

        /** Crosses {@code rewriteFrom}: every space's state there starts the rewritten timeline. */
        private void start() {
            List<TimelinePoint> discard = new ArrayList<>();
            estimator.advance(rewriteFrom, discard);
            estimator.w = Math.max(estimator.w, rewriteFrom);
            List<TimelinePoint> first = new ArrayList<>();
            estimator.emitAll(first);
            track = new UnitTrack(estimator);
            out.rewrite(layout.spaceIds, rewriteFrom, first);
        }

        void finish(long now) {
            for (Observation o : held) {
                if (!seen.contains(o.deviceId() + "\u0000" + o.frame())) {
                    if (track == null) {
                        if (o.ts() < estimator.w) {
                            continue; // older than what the store gave: it was in the store
                        }
                        apply(o);
                    } else {
                        track.observe(o, out);
                    }
                }
            }
            if (track == null) {
                start();
            }
            track.tick(Math.max(now, rewriteFrom), out);
            unit.track = track;
        }
    }

    private void publish(Unit u) {
        UnitTrack t = u.track;
        for (int i = 0; i < t.layout().spaceIds.length; i++) {
            UnitEstimator.Estimate e = t.live.estimate(i);
            String id = t.layout().spaceIds[i];
            SpaceStatus now = new SpaceStatus(id, u.site.id(), e.state(), e.count(), e.confidence(), t.live.since(i),
                    e.freePlaces(), e.countInferred(), t.live.drift(i));
            SpaceStatus before = statuses.put(id, now);
            if (before == null || before.state() != now.state() || before.count() != now.count()
                    || before.freePlaces() != now.freePlaces() || !java.util.Objects.equals(before.drift(), now.drift())) {
                listener.changed(now);
            }
        }
    }
}
