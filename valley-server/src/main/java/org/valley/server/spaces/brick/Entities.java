package org.valley.server.spaces.brick;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.jena.rdf.model.Literal;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.RDFNode;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.Statement;
import org.apache.jena.rdf.model.StmtIterator;
import org.apache.jena.vocabulary.RDF;
import org.apache.jena.vocabulary.RDFS;

/**
 * The Brick entities of a model: their Brick classes, what each is part of ({@code brick:hasPart}
 * or {@code brick:isPartOf}, in any of Brick's namespaces), their names and labels, and the checks
 * that make them a building model: one site at most, every floor part of a building, every room or
 * space on a floor. Zones are seen through (they overlap rooms, which are also part of their floor)
 * and so are wings (a floor part of a wing is a floor of the wing's building).
 */
final class Entities {

    private final Model model;
    private final Map<Resource, Set<String>> types = new HashMap<>();
    private final Map<Resource, Set<Resource>> wholes = new HashMap<>();

    /** Indexes the Brick classes of every entity and what each is part of. */
    Entities(Model model) {
        this.model = model;
        StmtIterator it = model.listStatements();
        while (it.hasNext()) {
            Statement st = it.next();
            RDFNode o = st.getObject();
            if (st.getPredicate().equals(RDF.type) && o.isURIResource()) {
                String name = Vocabulary.brickName(o.asResource().getURI());
                if (name != null) {
                    types.computeIfAbsent(st.getSubject(), k -> new HashSet<>()).add(name);
                }
                continue;
            }
            String relation = Vocabulary.brickName(st.getPredicate().getURI());
            if (relation != null && o.isResource() && (relation.equals("hasPart") || relation.equals("isPartOf"))) {
                Resource part = relation.equals("hasPart") ? o.asResource() : st.getSubject();
                Resource whole = relation.equals("hasPart") ? st.getSubject() : o.asResource();
                if (!part.equals(whole)) {
                    wholes.computeIfAbsent(part, k -> new LinkedHashSet<>()).add(whole);
                }
            }
        }
    }

    Resource site() {
        List<Resource> sites = sorted(having(Set.of("Site")));
        if (sites.size() > 1) {
            throw new BrickException(name(sites.get(1)), "the model has " + sites.size() + " brick:Site entities ("
                    + describe(sites.get(0)) + ", " + describe(sites.get(1)) + "): a Valley site is one brick:Site");
        }
        return sites.isEmpty() ? null : sites.get(0);
    }

    /**
     * What each building, floor, space and place is made of, after checking that every floor is
     * part of a building and every room or space is on a floor (as a space, or as a place of one).
     */
    Map<Resource, List<Resource>> parts() {
        Map<Resource, List<Resource>> parts = new HashMap<>();
        for (Resource f : having(Vocabulary.FLOOR_CLASSES)) {
            Resource whole = whole(f);
            if (whole == null || !isBuilding(whole)) {
                throw new BrickException(name(f), describe(f) + " is part of "
                        + (whole == null ? "no brick:Building" : describe(whole) + ", which is not a brick:Building")
                        + ": every floor must be part of a building (brick:hasPart or brick:isPartOf)");
            }
            parts.computeIfAbsent(whole, k -> new ArrayList<>()).add(f);
        }
        for (Resource r : wholes.keySet()) {
            if (isBuilding(r) || isFloor(r) || isSeenThrough(r) || isSite(r)) {
                continue;
            }
            Resource whole = whole(r);
            if (whole != null && !isBuilding(whole) && !isSite(whole)) {
                parts.computeIfAbsent(whole, k -> new ArrayList<>()).add(r);
            }
        }
        Set<Resource> onFloors = new HashSet<>();
        for (Resource f : having(Vocabulary.FLOOR_CLASSES)) {
            for (Resource space : parts.getOrDefault(f, List.of())) {
                onFloors.add(space);
                onFloors.addAll(parts.getOrDefault(space, List.of()));
            }
        }
        for (Map.Entry<Resource, Set<String>> e : types.entrySet()) {
            Resource r = e.getKey();
            if (onFloors.contains(r) || isFloor(r) || isBuilding(r) || isSeenThrough(r)
                    || e.getValue().stream().noneMatch(Vocabulary::isSpaceClass)) {
                continue;
            }
            Resource whole = whole(r);
            if (whole != null && onFloors.contains(whole)) {
                continue; // a part of a place: reported with the place's floor
            }
            throw new BrickException(name(r), describe(r) + " is part of "
                    + (whole == null ? "nothing" : describe(whole)) + ": every room or space must be part of a "
                    + "brick:Floor (or of a space of a floor, as a place)");
        }
        return parts;
    }

    /**
     * The one whole {@code r} is part of, zones left out and wings replaced by what they are part
     * of; a floor wins over other wholes (a room part of its floor and of its wing). Null when none.
     */
    Resource whole(Resource r) {
        if (r == null) {
            return null;
        }
        Set<Resource> found = new LinkedHashSet<>();
        for (Resource w : wholes.getOrDefault(r, Set.of())) {
            Resource seen = w;
            for (int depth = 0; seen != null && isWing(seen) && depth < 8; depth++) {
                Set<Resource> up = wholes.getOrDefault(seen, Set.of());
                seen = up.isEmpty() ? null : up.iterator().next();
            }
            if (seen != null && !isZone(seen)) {
                found.add(seen);
            }
        }
        if (found.size() <= 1) {
            return found.isEmpty() ? null : found.iterator().next();
        }
        List<Resource> floors = found.stream().filter(this::isFloor).toList();
        if (floors.size() == 1) {
            return floors.get(0);
        }
        List<Resource> both = sorted(new ArrayList<>(found));
        throw new BrickException(name(r), describe(r) + " is part of both " + describe(both.get(0)) + " and "
                + describe(both.get(1)) + ": a space must be part of one floor (or one space)");
    }

    boolean isBuilding(Resource r) {
        return r != null && types.getOrDefault(r, Set.of()).stream().anyMatch(Vocabulary.BUILDING_CLASSES::contains);
    }

    boolean isFloor(Resource r) {
        return r != null && types.getOrDefault(r, Set.of()).stream().anyMatch(Vocabulary.FLOOR_CLASSES::contains);
    }

    private boolean isSite(Resource r) {
        return types.getOrDefault(r, Set.of()).contains("Site");
    }

    private boolean isZone(Resource r) {
        return types.getOrDefault(r, Set.of()).stream().anyMatch(t -> t.equals("Zone") || t.endsWith("_Zone"));
    }

    private boolean isWing(Resource r) {
        return types.getOrDefault(r, Set.of()).contains("Wing");
    }

    private boolean isSeenThrough(Resource r) {
        return isZone(r) || isWing(r);
    }

    List<Resource> having(Set<String> classes) {
        List<Resource> out = new ArrayList<>();
        for (Map.Entry<Resource, Set<String>> e : types.entrySet()) {
            if (e.getValue().stream().anyMatch(classes::contains)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** In {@code valley:order}, then by label (unlabelled last), then by name: a stable order for files without Valley's order. */
    List<Resource> sorted(List<Resource> rs) {
        List<Resource> out = new ArrayList<>(rs);
        out.sort(Comparator.comparingLong((Resource r) -> {
            Object o = integer(r, Vocabulary.ORDER);
            return o instanceof Long l ? l : Long.MAX_VALUE;
        }).thenComparing(this::label, Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(this::name));
        return out;
    }

    // ---- values ----

    /** The preferred label: rdfs:label, else skos:prefLabel; untagged, else English, else the first in order. */
    String label(Resource r) {
        for (Property p : List.of(RDFS.label, model.createProperty(Vocabulary.SKOS, "prefLabel"))) {
            List<Literal> ls = new ArrayList<>();
            for (Statement st : r.listProperties(p).toList()) {
                if (st.getObject().isLiteral()) {
                    ls.add(st.getLiteral());
                }
            }
            ls.sort(Comparator.comparingInt((Literal l) -> l.getLanguage().isEmpty() ? 0
                    : l.getLanguage().toLowerCase(Locale.ROOT).startsWith("en") ? 1 : 2)
                    .thenComparing(Literal::getLexicalForm));
            for (Literal l : ls) {
                String s = l.getLexicalForm();
                if (!s.isBlank()) {
                    return s.length() > 200 ? s.substring(0, 200) : s;
                }
            }
        }
        return null;
    }

    /** A property's value as text (the lexical form of a literal, the IRI of a resource), or null. */
    static String string(Resource r, Property p) {
        Statement st = r.getProperty(p);
        if (st == null) {
            return null;
        }
        RDFNode o = st.getObject();
        return o.isLiteral() ? o.asLiteral().getLexicalForm() : o.toString();
    }

    /** A property's value as a Long when its text is an integer, else as the text (for the site rules to refuse). */
    static Object integer(Resource r, Property p) {
        String s = string(r, p);
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /** A list property: the items of an RDF collection, or all values of the property in text order. */
    static List<Object> strings(Resource r, Property p) {
        List<Object> out = new ArrayList<>();
        List<Statement> sts = r.listProperties(p).toList();
        if (sts.size() == 1 && isList(sts.get(0).getObject())) {
            return items(sts.get(0).getObject());
        }
        for (Statement st : sts) {
            out.add(text(st.getObject()));
        }
        out.sort(Comparator.comparing(Object::toString));
        return out;
    }

    private static boolean isList(RDFNode n) {
        return n.equals(RDF.nil) || n.isResource() && n.asResource().hasProperty(RDF.first);
    }

    /**
     * The items of an RDF collection, walked by hand: a file may make {@code rdf:rest} loop back or
     * branch, which would send a naive walk round for ever.
     */
    private static List<Object> items(RDFNode list) {
        List<Object> out = new ArrayList<>();
        Set<RDFNode> seen = new HashSet<>();
        RDFNode node = list;
        while (!node.equals(RDF.nil)) {
            if (!node.isResource() || !seen.add(node)) {
                throw new BrickException("body", "an RDF list loops back on itself or does not end in rdf:nil");
            }
            Statement first = node.asResource().getProperty(RDF.first);
            Statement rest = node.asResource().getProperty(RDF.rest);
            if (first == null || rest == null) {
                throw new BrickException("body", "an RDF list has an item without rdf:first or rdf:rest");
            }
            out.add(text(first.getObject()));
            node = rest.getObject();
        }
        return out;
    }

    private static String text(RDFNode n) {
        return n.isLiteral() ? n.asLiteral().getLexicalForm() : n.toString();
    }

    static List<Resource> objects(Resource r, Property p) {
        List<Resource> out = new ArrayList<>();
        for (Statement st : r.listProperties(p).toList()) {
            if (st.getObject().isResource()) {
                out.add(st.getObject().asResource());
            }
        }
        return out;
    }

    /** How the file names an entity: a prefixed name when it can, else the IRI, else the blank node's label. */
    String name(Resource r) {
        if (r.isAnon()) {
            return "_:" + r.getId().getLabelString();
        }
        String shortForm = model.shortForm(r.getURI());
        return shortForm.equals(r.getURI()) ? "<" + r.getURI() + ">" : shortForm;
    }

    String describe(Resource r) {
        Set<String> ts = types.getOrDefault(r, Set.of());
        String cls = ts.isEmpty() ? "" : "brick:" + new TreeSet<>(ts).first() + " ";
        String label = label(r);
        return cls + name(r) + (label == null ? "" : " ('" + label + "')");
    }

    /** The Brick classes of {@code r} (local names), possibly none. */
    Set<String> types(Resource r) {
        return types.getOrDefault(r, Set.of());
    }

    /** Every entity that is part of another. */
    Set<Resource> partsOfSomething() {
        return wholes.keySet();
    }
}
