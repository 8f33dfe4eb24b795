package org.valley.server.spaces;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.valley.space.SpaceKind;
import org.valley.space.booking.Booking;
import org.valley.space.occupancy.SpaceStatus;
import org.valley.space.site.Building;
import org.valley.space.site.Floor;
import org.valley.space.site.Site;
import org.valley.space.site.Space;

/**
 * Every space and place of every site with where it is, indexed by id, by tenant and by kind. The
 * index is immutable: a site change makes a new directory, so readers (the availability query above
 * all) need no lock. Each entry carries its {@link Live} holder, which outlives directories: the
 * occupancy engine and the bookings write a space's status and active bookings there as they
 * change, so that the availability query reads them without a lookup.
 */
public final class SpaceDirectory {

    /**
     * A space and where it is.
     *
     * @param parent the space it is a place of, or null
     * @param ordinal its place in the directory (site by id, then document order)
     * @param live its live status and active bookings
     */
    public record Entry(Space space, Site site, Building building, Floor floor, Space parent, int ordinal, Live live) {
        public String id() {
            return space.id();
        }

        public String tenant() {
            return site.tenant();
        }
    }

    /** What changes of a space: its occupancy status and its active bookings (sorted by start). */
    public static final class Live {
        private static final Booking[] NONE = new Booking[0];
        private volatile SpaceStatus status;
        private volatile Booking[] bookings = NONE;

        public SpaceStatus status() {
            return status;
        }

        public void status(SpaceStatus value) {
            status = value;
        }

        /** Active bookings, sorted by start; never changed in place. */
        public Booking[] bookings() {
            return bookings;
        }

        public void bookings(List<Booking> active) {
            bookings = active.isEmpty() ? NONE : active.toArray(Booking[]::new);
        }
    }

    static final SpaceDirectory EMPTY = new SpaceDirectory(Map.of(), Map.of());

    /** A directory of {@code sites}. */
    public static SpaceDirectory of(Collection<Site> sites) {
        Map<String, Site> byId = new HashMap<>();
        sites.forEach(s -> byId.put(s.id(), s));
        return new SpaceDirectory(byId, Map.of());
    }

    private final Map<String, Site> sites;
    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<String, List<Entry>> byTenant = new HashMap<>();
    private final List<Entry> all = new ArrayList<>();
    /** By tenant (null: every tenant), then by kind. */
    private final Map<String, Map<SpaceKind, List<Entry>>> byKind = new HashMap<>();

    private SpaceDirectory(Map<String, Site> sites, Map<String, Entry> previous) {
        this.sites = Map.copyOf(sites);
        List<Site> ordered = new ArrayList<>(this.sites.values());
        ordered.sort(java.util.Comparator.comparing(Site::id));
        for (Site site : ordered) {
            for (Site.Placement p : site.placements()) {
                Entry before = previous.get(p.space().id());
                Entry e = new Entry(p.space(), site, p.building(), p.floor(), p.parent(), all.size(),
                        before != null ? before.live() : new Live());
                byId.put(e.id(), e);
                byTenant.computeIfAbsent(site.tenant(), k -> new ArrayList<>()).add(e);
                all.add(e);
                byKind.computeIfAbsent(site.tenant(), k -> new EnumMap<>(SpaceKind.class))
                        .computeIfAbsent(e.space().kind(), k -> new ArrayList<>()).add(e);
                byKind.computeIfAbsent(null, k -> new EnumMap<>(SpaceKind.class))
                        .computeIfAbsent(e.space().kind(), k -> new ArrayList<>()).add(e);
            }
        }
    }

    /** This directory with {@code site} put (replacing the site of its id), or removed when {@code site} is null. */
    SpaceDirectory with(String siteId, Site site) {
        Map<String, Site> next = new HashMap<>(sites);
        if (site == null) {
            next.remove(siteId);
        } else {
            next.put(siteId, site);
        }
        return new SpaceDirectory(next, byId);
    }

    Site site(String id) {
        return sites.get(id);
    }

    Collection<Site> sites() {
        return sites.values();
    }

    public Entry space(String id) {
        return byId.get(id);
    }

    /** The spaces of a tenant, or of every tenant for null, in site then document order. */
    public List<Entry> spacesOf(String tenant) {
        return tenant == null ? all : byTenant.getOrDefault(tenant, List.of());
    }

    /** The spaces of a kind of a tenant, or of every tenant for null, in site then document order. */
    public List<Entry> spacesOf(String tenant, SpaceKind kind) {
        if (kind == null) {
            return spacesOf(tenant);
        }
        Map<SpaceKind, List<Entry>> ofTenant = byKind.get(tenant);
        return ofTenant == null ? List.of() : ofTenant.getOrDefault(kind, List.of());
    }

    int size() {
        return all.size();
    }
}
