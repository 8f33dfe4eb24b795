package org.valley.server.spaces;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.valley.space.booking.Booking;
import org.valley.space.occupancy.SpaceStatus;
import org.valley.space.occupancy.TimelinePoint;
import org.valley.space.site.SiteDocument;
import org.valley.space.site.Space;

/** JSON shapes of sites, spaces, timelines and bookings. */
final class SpaceViews {

    private SpaceViews() {}

    static Map<String, Object> site(Spaces.StoredSite s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.site().id());
        m.put("tenant", s.site().tenant());
        m.put("updatedAt", s.updatedAt() == null ? null : s.updatedAt().toString());
        m.putAll(SiteDocument.toMap(s.site()));
        return m;
    }

    /** A site in a list: without its buildings, with how many spaces and places it has. */
    static Map<String, Object> siteSummary(Spaces.StoredSite s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.site().id());
        m.put("tenant", s.site().tenant());
        m.put("name", s.site().name());
        m.put("timezone", s.site().timezone().getId());
        m.put("buildings", s.site().buildings().size());
        m.put("spaces", s.site().placements().size());
        m.put("updatedAt", s.updatedAt() == null ? null : s.updatedAt().toString());
        return m;
    }

    /**
     * A space with its occupancy: {@code state}, {@code count}, {@code confidence}, {@code since};
     * {@code booking} (the active booking holding it now, or null), {@code available} (free and not
     * held by a booking) and {@code freeUntil} (while available, the start of its next booking; null
     * when nothing is booked ahead or when it is not available); {@code freePlaces} for a space made of places.
     */
    static Map<String, Object> space(SpaceDirectory.Entry e, SpaceStatus s, Booking current, long nextStart, long now) {
        Space space = e.space();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", space.id());
        m.put("name", space.name());
        m.put("kind", space.kind().jsonName());
        m.put("capacity", space.capacity());
        m.put("equipment", space.equipment());
        m.put("site", e.site().id());
        m.put("building", e.building().id());
        m.put("floor", e.floor().id());
        m.put("level", e.floor().level());
        if (e.parent() != null) {
            m.put("parent", e.parent().id());
        }
        if (!space.places().isEmpty()) {
            m.put("places", space.places().stream().map(Space::id).toList());
        }
        status(m, s);
        boolean available = s != null && s.state() == org.valley.space.occupancy.State.FREE && current == null;
        m.put("available", available);
        m.put("freeUntil", available && nextStart != Long.MAX_VALUE ? Instant.ofEpochMilli(nextStart).toString() : null);
        m.put("booking", current == null ? null : current.id());
        return m;
    }

    private static void status(Map<String, Object> m, SpaceStatus s) {
        m.put("state", s == null ? "unknown" : s.state().jsonName());
        m.put("count", s == null ? 0 : s.count());
        m.put("countInferred", s != null && s.countInferred());
        m.put("confidence", s == null ? 0.0 : s.confidence());
        m.put("since", s == null || s.since() <= 0 ? null : Instant.ofEpochMilli(s.since()).toString());
        if (s != null && s.freePlaces() >= 0) {
            m.put("freePlaces", s.freePlaces());
        }
        if (s != null && s.drift() != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("at", Instant.ofEpochMilli(s.drift().at()).toString());
            d.put("residual", s.drift().residual());
            d.put("clampedExits", s.drift().clampedExits());
            m.put("drift", d);
        }
    }

    static Map<String, Object> free(Availability.Free f) {
        Space space = f.entry().space();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", space.id());
        m.put("name", space.name());
        m.put("kind", space.kind().jsonName());
        m.put("capacity", space.capacity());
        m.put("equipment", space.equipment());
        m.put("site", f.entry().site().id());
        m.put("floor", f.entry().floor().id());
        m.put("level", f.entry().floor().level());
        status(m, f.status());
        m.put("freeUntil", f.freeUntil() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(f.freeUntil()).toString());
        return m;
    }

    static Map<String, Object> point(TimelinePoint p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", Instant.ofEpochMilli(p.at()).toString());
        m.put("state", p.state().jsonName());
        m.put("count", p.count());
        m.put("confidence", p.confidence());
        if (p.freePlaces() >= 0) {
            m.put("freePlaces", p.freePlaces());
        }
        return m;
    }

    static Map<String, Object> booking(Booking b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("space", b.space());
        m.put("site", b.site());
        m.put("start", b.start().toString());
        m.put("end", b.end().toString());
        m.put("organizer", b.organizer());
        m.put("status", b.status().jsonName());
        m.put("createdAt", b.createdAt().toString());
        m.put("checkedInAt", b.checkedInAt() == null ? null : b.checkedInAt().toString());
        m.put("closedAt", b.closedAt() == null ? null : b.closedAt().toString());
        return m;
    }
}
