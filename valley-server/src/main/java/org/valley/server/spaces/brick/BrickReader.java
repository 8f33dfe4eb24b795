package org.valley.server.spaces.brick;

import static org.valley.server.spaces.brick.Entities.integer;
import static org.valley.server.spaces.brick.Entities.objects;
import static org.valley.server.spaces.brick.Entities.string;
import static org.valley.server.spaces.brick.Entities.strings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.riot.system.ErrorHandler;
import org.valley.space.SpaceKind;

/**
 * Reads a Brick model into a site document (the tree {@code SiteParser} reads).
 *
 * <p>The structure comes from Brick alone (see {@link Entities}): buildings are
 * {@code brick:Building}s, floors the {@code brick:Floor}s that are part of a building, spaces
 * whatever is part of a floor and places whatever is part of a space. Valley's properties, when
 * present, give the exact id, kind, capacity, equipment, hold-off, order and the site's rules;
 * without them an id is made from the entity's IRI, the kind from its Brick class (see
 * {@link Vocabulary}), the capacity is left to the site's defaults (1 for a desk, a pod or a booth,
 * the sum of the places for a room made of places), and floors take their rank in the building as
 * level.
 */
final class BrickReader {

    /** Resolves relative IRIs of files without {@code @base}; never dereferenced. */
    private static final String BASE = "https://import.valley.invalid/";

    private final Entities entities;
    /** Where each document path comes from, to name the entity when the document breaks a rule. */
    private final Map<String, Source> sources = new LinkedHashMap<>();

    private BrickReader(Model model) {
        this.entities = new Entities(model);
    }

    /** A document read from Turtle, with the entity each path of it comes from. */
    record Read(Map<String, Object> document, Map<String, Source> sources) {}

    /** An entity of the file: its name there ({@code ex:room12}) and a description with its class and label. */
    record Source(String name, String description) {}

    static Read read(String turtle) {
        Model model = ModelFactory.createDefaultModel();
        try {
            RDFParser.fromString(turtle, Lang.TURTLE).base(BASE).errorHandler(new Strict()).parse(model);
        } catch (RiotException e) {
            // raised by the parser without going through the error handler
            throw new BrickException("body", "the body is not valid Turtle: " + e.getMessage());
        } catch (StackOverflowError e) {
            // the parser descends once per nested [ ] or ( ): a body nesting them thousands deep
            throw new BrickException("body", "the body nests blank nodes or lists too deeply to be read");
        }
        return new BrickReader(model).document();
    }

    /** Syntax errors stop the parse with their position; warnings (an odd IRI, an ill-typed literal) do not. */
    private static final class Strict implements ErrorHandler {
        @Override
        public void warning(String message, long line, long col) {}

        @Override
        public void error(String message, long line, long col) {
            fatal(message, line, col);
        }

        @Override
        public void fatal(String message, long line, long col) {
            throw new BrickException("body", "the body is not valid Turtle: line " + line + ", column " + col + ": "
                    + message, line, col);
        }
    }

    private Read document() {
        Resource site = entities.site();
        List<Resource> buildings = entities.sorted(entities.having(Vocabulary.BUILDING_CLASSES));
        if (site == null && buildings.isEmpty()) {
            throw new BrickException("body", "the model has neither a brick:Site nor a brick:Building: a site needs at "
                    + "least one building (typed brick:Building)");
        }
        Map<Resource, List<Resource>> parts = entities.parts();
        Map<String, Object> doc = new LinkedHashMap<>();
        if (site != null) {
            sources.put("", new Source(entities.name(site), entities.describe(site)));
            put(doc, "name", entities.label(site));
            rules(site, doc);
        }
        List<Object> list = new ArrayList<>();
        IdMaker buildingIds = new IdMaker(buildings);
        IdMaker floorIds = new IdMaker(entities.having(Vocabulary.FLOOR_CLASSES));
        IdMaker spaceIds = new IdMaker(new ArrayList<>(entities.partsOfSomething()));
        for (int i = 0; i < buildings.size(); i++) {
            Resource b = buildings.get(i);
            String path = "buildings[" + i + "]";
            sources.put(path, new Source(entities.name(b), entities.describe(b)));
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("id", buildingIds.id(b));
            put(bm, "name", entities.label(b));
            List<Object> floors = new ArrayList<>();
            List<Resource> fs = entities.sorted(parts.getOrDefault(b, List.of()));
            for (int j = 0; j < fs.size(); j++) {
                floors.add(floor(fs.get(j), j, path + ".floors[" + j + "]", parts, floorIds, spaceIds));
            }
            bm.put("floors", floors);
            list.add(bm);
        }
        doc.put("buildings", list);
        return new Read(doc, sources);
    }

    private Map<String, Object> floor(Resource f, int rank, String path, Map<Resource, List<Resource>> parts,
            IdMaker floorIds, IdMaker spaceIds) {
        sources.put(path, new Source(entities.name(f), entities.describe(f)));
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("id", floorIds.id(f));
        put(fm, "name", entities.label(f));
        Object level = integer(f, Vocabulary.LEVEL);
        fm.put("level", level == null ? rank : level);
        List<Object> spaces = new ArrayList<>();
        List<Resource> ss = entities.sorted(parts.getOrDefault(f, List.of()));
        for (int k = 0; k < ss.size(); k++) {
            String p = path + ".spaces[" + k + "]";
            Resource s = ss.get(k);
            Map<String, Object> sm = space(s, null, p, spaceIds);
            List<Resource> ps = entities.sorted(parts.getOrDefault(s, List.of()));
            if (!ps.isEmpty()) {
                String parentKind = sm.get("kind") instanceof String k2 ? k2 : null;
                List<Object> places = new ArrayList<>();
                for (int m = 0; m < ps.size(); m++) {
                    Resource place = ps.get(m);
                    List<Resource> deeper = parts.getOrDefault(place, List.of());
                    if (!deeper.isEmpty()) {
                        Resource part = deeper.get(0);
                        throw new BrickException(entities.name(part), entities.describe(part) + " is part of "
                                + entities.describe(place) + ", itself a place of " + entities.describe(s)
                                + ": a space may be made of places, but a place not of places");
                    }
                    places.add(space(place, parentKind, p + ".places[" + m + "]", spaceIds));
                }
                sm.put("places", places);
            }
            spaces.add(sm);
        }
        fm.put("spaces", spaces);
        return fm;
    }

    private Map<String, Object> space(Resource s, String parentKind, String path, IdMaker ids) {
        sources.put(path, new Source(entities.name(s), entities.describe(s)));
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("id", ids.id(s));
        put(sm, "name", entities.label(s));
        String kind = string(s, Vocabulary.KIND);
        if (kind == null) {
            kind = kindFromClass(s, parentKind);
        }
        put(sm, "kind", kind);
        put(sm, "capacity", integer(s, Vocabulary.CAPACITY));
        List<Object> equipment = strings(s, Vocabulary.EQUIPMENT);
        if (!equipment.isEmpty()) {
            sm.put("equipment", equipment);
        }
        put(sm, "holdOff", string(s, Vocabulary.HOLD_OFF));
        return sm;
    }

    /**
     * The kind of a space without {@code valley:kind}: its most specific Brick class that names a
     * kind; else, for a place, none when its room gives one (a nap room's place is a pod, an open
     * space's a desk) and a desk otherwise; for a space, an open space.
     */
    private String kindFromClass(Resource s, String parentKind) {
        SpaceKind specific = null;
        boolean room = false;
        for (String t : new TreeSet<>(entities.types(s))) {
            SpaceKind k = Vocabulary.kindOf(t);
            if (t.equals("Room")) {
                room = true;
            } else if (k != null && specific == null) {
                specific = k;
            }
        }
        if (specific != null) {
            return specific.jsonName();
        }
        if (parentKind == null) {
            return (room ? SpaceKind.MEETING_ROOM : SpaceKind.OPEN_SPACE).jsonName();
        }
        return parentKind.equals(SpaceKind.NAP_ROOM.jsonName()) || parentKind.equals(SpaceKind.OPEN_SPACE.jsonName())
                ? null : SpaceKind.DESK.jsonName();
    }

    /** The site's rules, from Valley's properties; what is missing is left to the site document's defaults. */
    private void rules(Resource site, Map<String, Object> doc) {
        put(doc, "timezone", string(site, Vocabulary.TIMEZONE));
        String from = string(site, Vocabulary.OPENS);
        String to = string(site, Vocabulary.CLOSES);
        List<Object> days = strings(site, Vocabulary.OPEN_DAYS);
        if (from != null || to != null || !days.isEmpty()) {
            Map<String, Object> hours = new LinkedHashMap<>();
            put(hours, "from", from);
            put(hours, "to", to);
            if (!days.isEmpty()) {
                hours.put("days", days);
            }
            doc.put("openingHours", hours);
        }
        Map<String, Object> presence = new LinkedHashMap<>();
        for (Resource r : objects(site, Vocabulary.KIND_HOLD_OFF)) {
            Map<String, Object> settings = new LinkedHashMap<>();
            put(settings, "holdOff", string(r, Vocabulary.HOLD_OFF));
            presence.put(String.valueOf(string(r, Vocabulary.KIND)), settings);
        }
        if (!presence.isEmpty()) {
            doc.put("presence", presence);
        }
        String grace = string(site, Vocabulary.NO_SHOW_GRACE);
        if (grace != null) {
            doc.put("bookings", Map.of("noShowGrace", grace));
        }
        put(doc, "emptyHour", string(site, Vocabulary.EMPTY_HOUR));
        Map<String, Object> intervals = new LinkedHashMap<>();
        put(intervals, "default", string(site, Vocabulary.DEFAULT_REPORTING_INTERVAL));
        for (Resource r : objects(site, Vocabulary.REPORTING_INTERVAL)) {
            intervals.put(String.valueOf(string(r, Vocabulary.ROLE)), string(r, Vocabulary.INTERVAL));
        }
        if (!intervals.isEmpty()) {
            doc.put("reportingIntervals", intervals);
        }
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /**
     * Ids: {@code valley:id} when given, else made from the IRI's last segment (or the label of a
     * blank node) with the characters Valley ids allow, made unique by a suffix.
     */
    private final class IdMaker {
        private final Set<String> taken = new HashSet<>();
        private final Map<Resource, String> made = new HashMap<>();

        IdMaker(List<Resource> all) {
            for (Resource r : all) {
                String given = string(r, Vocabulary.ID);
                if (given != null) {
                    taken.add(given);
                }
            }
        }

        String id(Resource r) {
            String given = string(r, Vocabulary.ID);
            if (given != null) {
                return given;
            }
            return made.computeIfAbsent(r, k -> {
                String base = clean(k.isAnon() ? String.valueOf(entities.label(k)) : lastSegment(k.getURI()));
                String id = base;
                for (int n = 2; !taken.add(id); n++) {
                    String suffix = "-" + n;
                    id = base.substring(0, Math.min(base.length(), 64 - suffix.length())) + suffix;
                }
                return id;
            });
        }

        private static String lastSegment(String iri) {
            int cut = Math.max(iri.lastIndexOf('#'), Math.max(iri.lastIndexOf('/'), iri.lastIndexOf(':')));
            String last = iri.substring(cut + 1);
            return last.isEmpty() ? iri : last;
        }

        private static String clean(String s) {
            String id = s.replaceAll("[^A-Za-z0-9._:-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
            if (id.length() > 64) {
                id = id.substring(0, 64);
            }
            return id.isEmpty() ? "space" : id;
        }
    }
}
