package org.valley.server.spaces;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.json.Json;
import org.valley.projection.Projection;
import org.valley.server.auth.Principal;
import org.valley.server.auth.Tenancy;
import org.valley.server.devices.DeviceService;
import org.valley.server.http.Problem;
import org.valley.space.SpaceKind;
import org.valley.space.booking.Booking;
import org.valley.space.booking.Bookings;
import org.valley.space.occupancy.OccupancyEngine;
import org.valley.space.occupancy.SpaceStatus;
import org.valley.space.occupancy.State;
import org.valley.space.occupancy.TimelinePoint;
import org.valley.space.site.Site;
import org.valley.space.site.SiteDocument;
import org.valley.space.site.SiteException;
import org.valley.space.site.SiteParser;
import org.valley.store.SpaceStore;

/**
 * Spaces in the node: the sites tenants put, the occupancy engine fed by the projection's decoded
 * frames and by device bindings, bookings checked in by presence, and the time rules applied every
 * second on the injected clock. A tenant (or occupant) key sees only its tenant's sites; the
 * operator sees all.
 */
public final class Spaces implements DeviceService.Bindings, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spaces.class);

    /** A site as put, with when. */
    public record StoredSite(Site site, Instant updatedAt) {}

    private final SpaceStore store;
    private final DeviceDirectory devices;
    private final Projection projection;
    private final LongSupplier lastDurable;
    private final Tenancy tenancy;
    private final InstantSource clock;
    private final SpaceEvents events;
    private final OccupancyEngine engine;
    private final Bookings bookings;
    private final ScheduledExecutorService timer;
    private final Map<String, Instant> updated = new ConcurrentHashMap<>();
    private volatile SpaceDirectory directory = SpaceDirectory.EMPTY;

    public Spaces(SpaceStore store, DeviceDirectory devices, Projection projection, LongSupplier lastDurable,
            Tenancy tenancy, InstantSource clock, SpaceEvents events) {
        this.devices = devices;
        this.store = store;
        this.projection = projection;
        this.lastDurable = lastDurable;
        this.tenancy = tenancy;
        this.clock = clock;
        this.events = events;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("valley-spaces").daemon(true)
                .factory());
        Bookings[] holder = new Bookings[1];
        this.engine = new OccupancyEngine(store, devices, clock, new OccupancyEngine.Listener() {
            @Override
            public void changed(SpaceStatus status) {
                SpaceDirectory.Entry e = directory.space(status.spaceId());
                if (e != null) {
                    e.live().status(status);
                }
                Bookings b = holder[0];
                if (b != null && status.state() == State.OCCUPIED && status.since() > 0) {
                    b.presence(status.spaceId(), Instant.ofEpochMilli(status.since()));
                }
                if (b != null) {
                    publish(status.spaceId());
                }
            }

            @Override
            public void rebuildNeeded(String spaceId, long from) {
                // called on the projection thread, for the frame being applied: rebuild once it is committed
                projection.afterCommit().thenRunAsync(() -> engine.rebuild(spaceId, from), timer);
            }
        });
        this.bookings = new Bookings(store, new Bookings.Spaces() {
            @Override
            public SpaceStatus status(String spaceId) {
                return engine.status(spaceId);
            }

            @Override
            public Duration grace(String spaceId) {
                SpaceDirectory.Entry e = directory.space(spaceId);
                return e == null ? org.valley.space.site.Site.DEFAULT_NO_SHOW_GRACE : e.site().noShowGrace();
            }
        }, clock, this::bookingChanged);
        holder[0] = bookings;
    }

    /** Loads the stored sites, brings every space to the present from the stored readings, and starts the clock's rules. */
    public void start() {
        for (SpaceStore.StoredSite stored : store.sites()) {
            try {
                Site site = SiteParser.parse(stored.id(), stored.tenant(), SiteBodies.map(stored.document().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)));
                directory = directory.with(site.id(), site);
                updated.put(site.id(), stored.updatedAt());
                engine.putSite(site);
            } catch (RuntimeException e) {
                LOG.error("stored site {} cannot be read back; it is left out: {}", stored.id(), e.getMessage());
            }
        }
        engine.recover();
        for (SpaceDirectory.Entry e : directory.spacesOf(null)) {
            e.live().bookings(bookings.activeOf(List.of(e.id())));
        }
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        LOG.info("spaces: {} sites, {} spaces and places, {} active bookings", directory.sites().size(), directory.size(),
                bookings.activeOf(directory.spacesOf(null).stream().map(SpaceDirectory.Entry::id).toList()).size());
    }

    /** Applies the time rules due by the clock's present: hold-offs, staleness, counter resets, bookings. */
    public void tick() {
        try {
            engine.tick();
            bookings.tick();
        } catch (RuntimeException e) {
            LOG.warn("applying the time rules of spaces failed; next try in a second", e);
        }
    }

    /** A frame was decoded (a {@link org.valley.projection.FrameListener}, on the projection thread). */
    public void decoded(Device device, long frame, long time, Map<String, Object> values) {
        engine.decoded(device, frame, time, values);
    }

    OccupancyEngine engine() {
        return engine;
    }

    Bookings bookings() {
        return bookings;
    }

    SpaceDirectory directory() {
        return directory;
    }

    InstantSource clock() {
        return clock;
    }

    Tenancy tenancy() {
        return tenancy;
    }

    SpaceStore store() {
        return store;
    }

    // ---- sites ----

    /** Puts a whole site document; true in the answer when the site is new. */
    public StoredSite putSite(Principal who, String id, byte[] body, boolean[] created) {
        return putDocument(who, id, SiteBodies.map(body), created);
    }

    /**
     * Puts a site document given as maps and lists (e.g. {@link SiteDocument#toMap} of a site read
     * from another format); a top-level {@code tenant} names the tenant when the operator acts.
     * {@code created[0]} tells whether the site is new.
     */
    public synchronized StoredSite putDocument(Principal who, String id, Map<String, Object> document, boolean[] created) {
        document = new java.util.LinkedHashMap<>(document);
        Object requested = document.remove("tenant");
        if (requested != null && !(requested instanceof String)) {
            throw Problem.invalid("tenant", "field 'tenant' must be a string");
        }
        Site existing = directory.site(id);
        String tenant;
        if (existing != null && !who.isOperator() && !existing.tenant().equals(who.tenant())) {
            throw Problem.conflict("id", "site id '" + id + "' is taken");
        }
        if (existing != null && requested == null && who.isOperator()) {
            tenant = existing.tenant();
        } else {
            tenant = tenancy.actingTenant(who, (String) requested);
        }
        if (existing != null && !existing.tenant().equals(tenant)) {
            throw Problem.conflict("tenant", "site '" + id + "' belongs to tenant '" + existing.tenant()
                    + "'; delete it before giving its id to another tenant");
        }
        Site site;
        try {
            site = SiteParser.parse(id, tenant, document);
        } catch (SiteException e) {
            throw Problem.invalid(e.field(), e.getMessage());
        }
        SiteBodies.requireOwnSpaceIds(site, directory);
        Instant now = clock.instant();
        store.putSite(new SpaceStore.StoredSite(id, tenant, Json.write(SiteDocument.toMap(site)), now));
        Set<String> removed = new HashSet<>();
        if (existing != null) {
            existing.placements().forEach(p -> removed.add(p.space().id()));
            site.placements().forEach(p -> removed.remove(p.space().id()));
        }
        catchUp();
        directory = directory.with(id, site);
        updated.put(id, now);
        bookings.spacesRemoved(removed);
        engine.putSite(site);
        created[0] = existing == null;
        return new StoredSite(site, now);
    }

    /** The devices bound to spaces of {@code site}: the sensors of its Brick model. */
    public List<Device> devicesOf(Site site) {
        Set<String> ids = new HashSet<>();
        site.placements().forEach(p -> ids.add(p.space().id()));
        List<Device> out = new ArrayList<>();
        for (Device d : devices.all()) {
            if (d.tenant().equals(site.tenant()) && d.space() != null && ids.contains(d.space())) {
                out.add(d);
            }
        }
        out.sort(java.util.Comparator.comparing(Device::id));
        return out;
    }

    public List<StoredSite> sites(Principal who) {
        List<StoredSite> out = new ArrayList<>();
        for (Site s : directory.sites()) {
            if (who.isOperator() || s.tenant().equals(who.tenant())) {
                out.add(new StoredSite(s, updated.get(s.id())));
            }
        }
        out.sort(java.util.Comparator.comparing(s -> s.site().id()));
        return out;
    }

    public StoredSite site(Principal who, String id) {
        Site s = directory.site(id);
        if (s == null || !(who.isOperator() || s.tenant().equals(who.tenant()))) {
            throw Problem.notFound("no site '" + id + "'");
        }
        return new StoredSite(s, updated.get(id));
    }

    /** Deletes a site: its spaces are gone, their active bookings cancelled; devices keep their binding. */
    public synchronized void deleteSite(Principal who, String id) {
        Site s = site(who, id).site();
        if (!who.owns(s.tenant())) {
            throw Problem.forbidden("only the operator or its tenant may delete site '" + id + "'");
        }
        store.deleteSite(id);
        List<String> ids = s.placements().stream().map(p -> p.space().id()).toList();
        bookings.spacesRemoved(ids);
        directory = directory.with(id, null);
        updated.remove(id);
        engine.removeSite(id);
    }

    // ---- spaces ----

    /** The spaces the principal sees, filtered by site, floor (id or level) and kind, in site and document order. */
    public List<SpaceDirectory.Entry> spaces(Principal who, String site, String floor, String kind) {
        SpaceKind k = kind(kind);
        List<SpaceDirectory.Entry> out = new ArrayList<>();
        for (SpaceDirectory.Entry e : directory.spacesOf(who.isOperator() ? null : who.tenant())) {
            if ((site == null || e.site().id().equals(site)) && (k == null || e.space().kind() == k)
                    && Availability.onFloor(e, floor)) {
                out.add(e);
            }
        }
        return out;
    }

    static SpaceKind kind(String kind) {
        if (kind == null || kind.isBlank()) {
            return null;
        }
        SpaceKind k = SpaceKind.of(kind);
        if (k == null) {
            throw Problem.invalid("kind", "parameter 'kind' must be one of " + SpaceKind.names() + ", got '" + kind + "'");
        }
        return k;
    }

    public SpaceDirectory.Entry space(Principal who, String id) {
        SpaceDirectory.Entry e = directory.space(id);
        if (e == null || !(who.isOperator() || e.tenant().equals(who.tenant()))) {
            throw Problem.notFound("no space '" + id + "'");
        }
        return e;
    }

    /** The live view of a space: its place in the site, its occupancy and its bookings now. */
    public Map<String, Object> view(SpaceDirectory.Entry e) {
        long now = clock.millis();
        return SpaceViews.space(e, engine.status(e.id()), bookings.current(e.id(), now), bookings.nextStart(e.id(), now),
                now);
    }

    public List<TimelinePoint> timeline(Principal who, String id, Long from, Long to) {
        space(who, id);
        long end = to == null ? clock.millis() : to;
        long start = from == null ? end - Duration.ofDays(1).toMillis() : from;
        if (start >= end) {
            throw Problem.invalid("from", "parameter 'from' must be before 'to'");
        }
        if (end - start > Duration.ofDays(366).toMillis()) {
            throw Problem.invalid("to", "a timeline spans at most P366D");
        }
        return store.timeline(id, start, end);
    }

    /** Free spaces now for the principal, best first (see {@link Availability}). */
    public List<Availability.Free> availability(Principal who, Availability.Query query) {
        return Availability.find(directory.spacesOf(who.isOperator() ? null : who.tenant(), query.kind()), query,
                clock.millis());
    }

    // ---- events ----

    private void publish(String spaceId) {
        SpaceDirectory.Entry e = directory.space(spaceId);
        if (e != null) {
            events.space(e.tenant(), spaceId, view(e));
        }
    }

    private void bookingChanged(Booking b) {
        SpaceDirectory.Entry e = directory.space(b.space());
        if (e != null) {
            e.live().bookings(bookings.activeOf(List.of(b.space())));
        }
        String tenant = e != null ? e.tenant() : siteTenant(b.site());
        if (tenant != null) {
            events.booking(tenant, SpaceViews.booking(b));
        }
        if (e != null) {
            publish(b.space());
        }
    }

    private String siteTenant(String siteId) {
        Site s = directory.site(siteId);
        return s == null ? null : s.tenant();
    }

    // ---- bindings ----

    @Override
    public void check(Device device) {
        if (device.space() == null) {
            return;
        }
        SpaceDirectory.Entry e = directory.space(device.space());
        if (e != null && !e.tenant().equals(device.tenant())) {
            throw Problem.invalid("space", "field 'space' must name a space of tenant '" + device.tenant()
                    + "' (or one no site has yet), got '" + device.space() + "'");
        }
    }

    @Override
    public void changed(Device before, Device after) {
        if ((before == null || before.space() == null) && (after == null || after.space() == null)) {
            return;
        }
        try {
            catchUp();
        } catch (Problem e) {
            // the device is saved: bind it now; frames not yet in the store reach the space as they are applied
            LOG.warn("device {} rebound before the projection caught up: {}", after != null ? after.id() : before.id(),
                    e.getMessage());
        }
        engine.deviceChanged(before, after);
    }

    // ---- helpers ----

    /** Waits until every acknowledged frame is in the store: the engine rebuilds from stored readings. */
    private void catchUp() {
        DeviceService.catchUp(projection, lastDurable);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
