package org.valley.space.site;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.valley.space.Role;
import org.valley.space.SpaceKind;

/**
 * Writes a {@link Site} as the JSON site document (ordered maps and lists), the inverse of
 * {@link SiteParser}: {@code SiteParser.parse(id, tenant, toMap(site))} equals {@code site}.
 * Defaults are written out, so that a reader sees the rules in force.
 */
public final class SiteDocument {

    private SiteDocument() {}

    public static Map<String, Object> toMap(Site site) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", site.name());
        m.put("timezone", site.timezone().getId());
        Map<String, Object> hours = new LinkedHashMap<>();
        hours.put("from", time(site.openingHours().from()));
        hours.put("to", time(site.openingHours().to()));
        if (!site.openingHours().days().equals(EnumSet.allOf(DayOfWeek.class))) {
            List<String> days = new ArrayList<>();
            for (DayOfWeek d : DayOfWeek.values()) {
                if (site.openingHours().days().contains(d)) {
                    days.add(d.name().substring(0, 3).toLowerCase(Locale.ROOT));
                }
            }
            hours.put("days", days);
        }
        m.put("openingHours", hours);
        Map<String, Object> presence = new LinkedHashMap<>();
        for (SpaceKind k : SpaceKind.values()) {
            Duration d = site.holdOffs().get(k);
            if (d != null) {
                presence.put(k.jsonName(), Map.of("holdOff", d.toString()));
            }
        }
        m.put("presence", presence);
        m.put("bookings", Map.of("noShowGrace", site.noShowGrace().toString()));
        m.put("emptyHour", time(site.emptyHour()));
        Map<String, Object> intervals = new LinkedHashMap<>();
        intervals.put("default", site.defaultReportingInterval().toString());
        for (Role r : Role.values()) {
            Duration d = site.reportingIntervals().get(r);
            if (d != null) {
                intervals.put(r.jsonName(), d.toString());
            }
        }
        m.put("reportingIntervals", intervals);
        List<Object> buildings = new ArrayList<>();
        for (Building b : site.buildings()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("id", b.id());
            bm.put("name", b.name());
            List<Object> floors = new ArrayList<>();
            for (Floor f : b.floors()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("id", f.id());
                fm.put("name", f.name());
                fm.put("level", f.level());
                fm.put("spaces", f.spaces().stream().map(SiteDocument::space).toList());
                floors.add(fm);
            }
            bm.put("floors", floors);
            buildings.add(bm);
        }
        m.put("buildings", buildings);
        return m;
    }

    private static Map<String, Object> space(Space s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        m.put("kind", s.kind().jsonName());
        m.put("capacity", s.capacity());
        if (!s.equipment().isEmpty()) {
            m.put("equipment", s.equipment());
        }
        if (s.holdOff() != null) {
            m.put("holdOff", s.holdOff().toString());
        }
        if (!s.places().isEmpty()) {
            m.put("places", s.places().stream().map(SiteDocument::space).toList());
        }
        return m;
    }

    private static String time(LocalTime t) {
        return t.equals(LocalTime.MAX) ? "24:00" : String.format(Locale.ROOT, "%02d:%02d", t.getHour(), t.getMinute());
    }
}
