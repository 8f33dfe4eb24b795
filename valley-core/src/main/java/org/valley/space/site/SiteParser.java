package org.valley.space.site;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.valley.space.Role;
import org.valley.space.SpaceKind;

/**
 * Reads a site document (the JSON of {@code PUT /api/v1/sites/{id}}, as a tree of maps, lists,
 * strings, numbers and booleans) into a {@link Site}, checking every rule. The first broken rule
 * throws a {@link SiteException} naming the field by its path and saying the rule. Unknown fields
 * are refused, so that a misspelt {@code capcity} does not silently become "no capacity".
 */
public final class SiteParser {

    /** Ids: letters, digits and {@code . _ : -}, 1 to 64 characters, starting with a letter or digit. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    /** Hold-offs and grace periods longer than this are surely mistakes (and would outlive the occupancy horizon). */
    static final Duration MAX_HOLD_OFF = Duration.ofHours(12);
    /** Three intervals must fit in the 48-hour horizon of the occupancy estimator. */
    static final Duration MAX_REPORTING_INTERVAL = Duration.ofHours(16);
    static final int MAX_SPACES = 100_000;

    private static final Set<String> SITE_KEYS = Set.of("name", "timezone", "openingHours", "presence", "bookings",
            "emptyHour", "reportingIntervals", "buildings");
    private static final Set<String> BUILDING_KEYS = Set.of("id", "name", "floors");
    private static final Set<String> FLOOR_KEYS = Set.of("id", "name", "level", "spaces");
    private static final Set<String> SPACE_KEYS = Set.of("id", "name", "kind", "capacity", "equipment", "holdOff", "places");
    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);

    private final Set<String> spaceIds = new java.util.HashSet<>();
    private final Map<String, String> buildingIds = new HashMap<>();
    private final Map<String, String> floorIds = new HashMap<>();

    private SiteParser() {}

    /**
     * Reads the document of site {@code id} belonging to {@code tenant}.
     *
     * @throws SiteException when the document breaks a rule
     */
    public static Site parse(String id, String tenant, Map<String, Object> document) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new SiteException("id", "the site id must be 1 to 64 letters, digits or . _ : - starting with a "
                    + "letter or digit, got '" + id + "'");
        }
        return new SiteParser().site(id, tenant, document);
    }

    private Site site(String id, String tenant, Map<String, Object> doc) {
        known(doc, SITE_KEYS, "");
        String name = optionalString(doc, "name", "name");
        ZoneId zone = zone(doc.get("timezone"));
        OpeningHours hours = doc.get("openingHours") == null ? OpeningHours.DEFAULT
                : openingHours(object(doc.get("openingHours"), "openingHours"));
        Map<SpaceKind, Duration> holdOffs = presence(doc.get("presence"));
        Duration grace = Site.DEFAULT_NO_SHOW_GRACE;
        if (doc.get("bookings") != null) {
            Map<String, Object> bookings = object(doc.get("bookings"), "bookings");
            known(bookings, Set.of("noShowGrace"), "bookings");
            if (bookings.get("noShowGrace") != null) {
                grace = duration(bookings.get("noShowGrace"), "bookings.noShowGrace", Duration.ofMinutes(1), MAX_HOLD_OFF);
            }
        }
        LocalTime emptyHour = doc.get("emptyHour") == null ? Site.DEFAULT_EMPTY_HOUR
                : time(doc.get("emptyHour"), "emptyHour", false);
        Map<Role, Duration> intervals = new EnumMap<>(Role.class);
        Duration defaultInterval = Site.DEFAULT_REPORTING_INTERVAL;
        if (doc.get("reportingIntervals") != null) {
            Map<String, Object> m = object(doc.get("reportingIntervals"), "reportingIntervals");
            for (Map.Entry<String, Object> e : m.entrySet()) {
                String field = "reportingIntervals." + e.getKey();
                Duration d = duration(e.getValue(), field, Duration.ofSeconds(10), MAX_REPORTING_INTERVAL);
                if (e.getKey().equals("default")) {
                    defaultInterval = d;
                } else {
                    Role role = Role.of(e.getKey());
                    if (role == null) {
                        throw new SiteException(field, "keys of 'reportingIntervals' must be 'default' or a role "
                                + Role.names() + ", got '" + e.getKey() + "'");
                    }
                    intervals.put(role, d);
                }
            }
        }
        List<Building> buildings = new ArrayList<>();
        List<Object> list = list(doc.get("buildings"), "buildings", true);
        for (int i = 0; i < list.size(); i++) {
            buildings.add(building(object(list.get(i), "buildings[" + i + "]"), "buildings[" + i + "]"));
        }
        return new Site(id, tenant, name == null ? id : name, zone, hours, holdOffs, grace, emptyHour, intervals,
                defaultInterval, buildings);
    }

    private static ZoneId zone(Object value) {
        if (value == null) {
            return ZoneId.of("UTC");
        }
        if (!(value instanceof String s)) {
            throw new SiteException("timezone", "field 'timezone' must be a string: an IANA time zone such as Europe/Paris");
        }
        try {
            return ZoneId.of(s);
        } catch (RuntimeException e) {
            throw new SiteException("timezone", "field 'timezone' must be an IANA time zone such as Europe/Paris, got '"
                    + s + "'");
        }
    }

    private static OpeningHours openingHours(Map<String, Object> m) {
        known(m, Set.of("from", "to", "days"), "openingHours");
        LocalTime from = time(require(m, "from", "openingHours.from"), "openingHours.from", false);
        LocalTime to = time(require(m, "to", "openingHours.to"), "openingHours.to", true);
        if (!from.isBefore(to)) {
            throw new SiteException("openingHours.to", "field 'openingHours.to' must be later than 'openingHours.from' ("
                    + from + "), got " + (to.equals(LocalTime.MAX) ? "24:00" : to));
        }
        Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
        if (m.get("days") != null) {
            days = EnumSet.noneOf(DayOfWeek.class);
            List<Object> names = list(m.get("days"), "openingHours.days", false);
            for (int i = 0; i < names.size(); i++) {
                Object n = names.get(i);
                DayOfWeek d = n instanceof String s ? DAYS.get(s.toLowerCase(Locale.ROOT)) : null;
                if (d == null) {
                    throw new SiteException("openingHours.days[" + i + "]", "days must be among mon, tue, wed, thu, fri, "
                            + "sat, sun, got '" + n + "'");
                }
                days.add(d);
            }
            if (days.isEmpty()) {
                throw new SiteException("openingHours.days", "field 'openingHours.days' must name at least one day");
            }
        }
        return new OpeningHours(from, to, days);
    }

    private static Map<SpaceKind, Duration> presence(Object value) {
        Map<SpaceKind, Duration> out = new EnumMap<>(SpaceKind.class);
        if (value == null) {
            return out;
        }
        Map<String, Object> m = object(value, "presence");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String field = "presence." + e.getKey();
            SpaceKind kind = SpaceKind.of(e.getKey());
            if (kind == null) {
                throw new SiteException(field, "keys of 'presence' must be space kinds " + SpaceKind.names() + ", got '"
                        + e.getKey() + "'");
            }
            Map<String, Object> settings = object(e.getValue(), field);
            known(settings, Set.of("holdOff"), field);
            out.put(kind, duration(require(settings, "holdOff", field + ".holdOff"), field + ".holdOff",
                    Duration.ofSeconds(1), MAX_HOLD_OFF));
        }
        return out;
    }

    private Building building(Map<String, Object> m, String path) {
        known(m, BUILDING_KEYS, path);
        String id = id(m, path);
        unique(buildingIds, id, path, "building");
        String name = optionalString(m, "name", path + ".name");
        List<Floor> floors = new ArrayList<>();
        List<Object> list = list(m.get("floors"), path + ".floors", true);
        for (int i = 0; i < list.size(); i++) {
            String p = path + ".floors[" + i + "]";
            floors.add(floor(object(list.get(i), p), p));
        }
        return new Building(id, name == null ? id : name, floors);
    }

    private Floor floor(Map<String, Object> m, String path) {
        known(m, FLOOR_KEYS, path);
        String id = id(m, path);
        unique(floorIds, id, path, "floor");
        String name = optionalString(m, "name", path + ".name");
        int level = m.get("level") == null ? 0 : integer(m.get("level"), path + ".level", -50, 300);
        List<Space> spaces = new ArrayList<>();
        List<Object> list = list(m.get("spaces"), path + ".spaces", true);
        for (int i = 0; i < list.size(); i++) {
            String p = path + ".spaces[" + i + "]";
            spaces.add(space(object(list.get(i), p), p, null));
        }
        return new Floor(id, name == null ? id : name, level, spaces);
    }

    private Space space(Map<String, Object> m, String path, SpaceKind parent) {
        known(m, SPACE_KEYS, path);
        String id = id(m, path);
        if (!spaceIds.add(id)) {
            throw new SiteException(path + ".id", "space ids must be unique in the site (places included): '" + id
                    + "' is used twice");
        }
        if (spaceIds.size() > MAX_SPACES) {
            throw new SiteException(path, "a site may hold at most " + MAX_SPACES + " spaces and places");
        }
        String name = optionalString(m, "name", path + ".name");
        SpaceKind kind = kind(m.get("kind"), path + ".kind", parent);
        List<Space> places = new ArrayList<>();
        if (m.get("places") != null) {
            if (parent != null) {
                throw new SiteException(path + ".places", "a place cannot be made of places");
            }
            List<Object> list = list(m.get("places"), path + ".places", false);
            for (int i = 0; i < list.size(); i++) {
                String p = path + ".places[" + i + "]";
                places.add(space(object(list.get(i), p), p, kind));
            }
        }
        int capacity;
        if (m.get("capacity") != null) {
            capacity = integer(m.get("capacity"), path + ".capacity", 0, 100_000);
        } else if (!places.isEmpty()) {
            capacity = places.stream().mapToInt(Space::capacity).sum();
        } else {
            capacity = switch (kind) {
                case DESK, NAP_POD, PHONE_BOOTH -> 1;
                default -> 0;
            };
        }
        List<String> equipment = new ArrayList<>();
        if (m.get("equipment") != null) {
            List<Object> list = list(m.get("equipment"), path + ".equipment", false);
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String s) || s.isBlank() || s.length() > 64) {
                    throw new SiteException(path + ".equipment[" + i + "]", "equipment must be names of 1 to 64 characters");
                }
                if (seen.add(s)) {
                    equipment.add(s);
                }
            }
        }
        Duration holdOff = m.get("holdOff") == null ? null
                : duration(m.get("holdOff"), path + ".holdOff", Duration.ofSeconds(1), MAX_HOLD_OFF);
        return new Space(id, name == null ? id : name, kind, capacity, equipment, holdOff, places);
    }

    /** A space's kind; a place's defaults to a nap pod in a nap room and a desk in an open space. */
    private static SpaceKind kind(Object value, String field, SpaceKind parent) {
        if (value == null && parent == SpaceKind.NAP_ROOM) {
            return SpaceKind.NAP_POD;
        }
        if (value == null && parent == SpaceKind.OPEN_SPACE) {
            return SpaceKind.DESK;
        }
        SpaceKind kind = value instanceof String s ? SpaceKind.of(s) : null;
        if (kind == null) {
            throw new SiteException(field, "field '" + leaf(field) + "' must be one of " + SpaceKind.names()
                    + (value == null ? " (required)" : ", got '" + value + "'"));
        }
        return kind;
    }

    private static void unique(Map<String, String> seen, String id, String path, String what) {
        String previous = seen.putIfAbsent(id, path);
        if (previous != null) {
            throw new SiteException(path + ".id", what + " ids must be unique in the site: '" + id + "' is also "
                    + previous);
        }
    }

    // ---- field readers; each names the field by its path on error ----

    private static void known(Map<String, Object> m, Set<String> keys, String path) {
        for (String k : m.keySet()) {
            if (!keys.contains(k)) {
                throw new SiteException(path.isEmpty() ? k : path + "." + k, "unknown field '" + k + "'"
                        + (path.isEmpty() ? "" : " in " + path) + "; known fields are " + new java.util.TreeSet<>(keys));
            }
        }
    }

    private static Object require(Map<String, Object> m, String key, String field) {
        Object v = m.get(key);
        if (v == null) {
            throw new SiteException(field, "field '" + leaf(field) + "' is required");
        }
        return v;
    }

    private static String id(Map<String, Object> m, String path) {
        Object v = require(m, "id", path + ".id");
        if (!(v instanceof String s) || !ID.matcher(s).matches()) {
            throw new SiteException(path + ".id", "field 'id' must be 1 to 64 letters, digits or . _ : - starting with "
                    + "a letter or digit, got '" + v + "'");
        }
        return s;
    }

    private static String optionalString(Map<String, Object> m, String key, String field) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank() || s.length() > 200) {
            throw new SiteException(field, "field '" + leaf(field) + "' must be a string of 1 to 200 characters");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String field) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new SiteException(field, "field '" + leaf(field) + "' must be an object");
        }
        return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v, String field, boolean required) {
        if (v == null && !required) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new SiteException(field, "field '" + leaf(field) + "' must be an array" + (v == null ? " (required)" : ""));
        }
        return (List<Object>) l;
    }

    private static int integer(Object v, String field, int min, int max) {
        if (!(v instanceof Integer || v instanceof Long || v instanceof Short)
                || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
            throw new SiteException(field, "field '" + leaf(field) + "' must be an integer from " + min + " to " + max
                    + ", got " + v);
        }
        return ((Number) v).intValue();
    }

    static Duration duration(Object v, String field, Duration min, Duration max) {
        Duration d = null;
        if (v instanceof String s) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                d = null;
            }
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new SiteException(field, "field '" + leaf(field) + "' must be an ISO-8601 duration from " + min + " to "
                    + max + ", got " + (v instanceof String ? "'" + v + "'" : v));
        }
        return d;
    }

    /** A local time {@code HH:mm}; {@code 24:00} (as {@link LocalTime#MAX}) only where allowed. */
    private static LocalTime time(Object v, String field, boolean allow24) {
        if (v instanceof String s) {
            if (allow24 && s.equals("24:00")) {
                return LocalTime.MAX;
            }
            if (s.matches("\\d\\d:\\d\\d")) {
                try {
                    return LocalTime.parse(s);
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
        }
        throw new SiteException(field, "field '" + leaf(field) + "' must be a local time HH:mm such as 08:00"
                + (allow24 ? " (or 24:00)" : "") + ", got " + (v instanceof String ? "'" + v + "'" : v));
    }

    private static String leaf(String field) {
        int dot = field.lastIndexOf('.');
        return dot < 0 ? field : field.substring(dot + 1);
    }
}
