package org.valley.server.spaces.brick;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.RDFList;
import org.apache.jena.rdf.model.RDFNode;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.Statement;
import org.apache.jena.riot.out.NodeFmtLib;
import org.apache.jena.riot.system.PrefixMap;
import org.apache.jena.riot.system.PrefixMapFactory;
import org.apache.jena.vocabulary.RDF;
import org.apache.jena.vocabulary.RDFS;

/**
 * Turtle text of a model in an order a reader can follow: the subjects in the order given (the
 * site, its buildings, each floor followed by its spaces and their places), {@code a} and the label
 * first in each, Brick's relationships then Valley's properties, parts in their document order.
 * Jena's own writers order subjects by hash. Terms are formatted by Jena ({@link NodeFmtLib}), so
 * the escaping of strings and IRIs is Jena's; blank nodes (the site's per-kind settings) and RDF
 * lists (equipment, days) are written inline, which is all this model uses them for.
 */
final class TurtleText {

    private final Model model;
    private final PrefixMap prefixes;
    private final StringBuilder out = new StringBuilder();

    private TurtleText(Model model) {
        this.model = model;
        this.prefixes = PrefixMapFactory.create(model);
    }

    /** The model's statements about {@code subjects} (named resources), with the blank nodes they reach. */
    static String write(Model model, List<Resource> subjects) {
        TurtleText t = new TurtleText(model);
        for (Map.Entry<String, String> p : model.getNsPrefixMap().entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            t.out.append("@prefix ").append(p.getKey()).append(": <").append(p.getValue()).append("> .\n");
        }
        for (Resource s : subjects) {
            t.out.append('\n').append(t.term(s));
            t.properties(s, "    ");
            t.out.append(" .\n");
        }
        return t.out.toString();
    }

    private void properties(Resource s, String indent) {
        Map<Property, List<RDFNode>> byPredicate = new LinkedHashMap<>();
        List<Statement> statements = new ArrayList<>(s.listProperties().toList());
        statements.sort(Comparator.comparingInt((Statement st) -> rank(st.getPredicate()))
                .thenComparing(st -> st.getPredicate().getURI()));
        for (Statement st : statements) {
            byPredicate.computeIfAbsent(st.getPredicate(), k -> new ArrayList<>()).add(st.getObject());
        }
        boolean first = true;
        for (Map.Entry<Property, List<RDFNode>> e : byPredicate.entrySet()) {
            out.append(first ? "\n" : " ;\n").append(indent);
            first = false;
            out.append(e.getKey().equals(RDF.type) ? "a" : term(e.getKey())).append(' ');
            List<RDFNode> objects = new ArrayList<>(e.getValue());
            objects.sort(Comparator.comparingLong(TurtleText::order).thenComparing(TurtleText::sortKey));
            for (int i = 0; i < objects.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                object(objects.get(i), indent);
            }
        }
    }

    private void object(RDFNode o, String indent) {
        if (o.isAnon() && o.asResource().hasProperty(RDF.first) || o.equals(RDF.nil)) {
            out.append('(');
            for (RDFNode item : o.as(RDFList.class).asJavaList()) {
                out.append(' ');
                object(item, indent);
            }
            out.append(" )");
        } else if (o.isAnon()) {
            out.append('[');
            properties(o.asResource(), indent + "    ");
            out.append(" ]");
        } else {
            out.append(term(o));
        }
    }

    private String term(RDFNode n) {
        return NodeFmtLib.str(n.asNode(), prefixes);
    }

    /** {@code a}, the label, Brick's terms, then the rest (Valley's). */
    private static int rank(Property p) {
        if (p.equals(RDF.type)) {
            return 0;
        }
        if (p.equals(RDFS.label)) {
            return 1;
        }
        return p.getURI().startsWith(Vocabulary.BRICK) ? 2 : 3;
    }

    /** Text to sort by: a literal's, a named resource's IRI, a blank node's kind or role (the site's settings). */
    private static String sortKey(RDFNode n) {
        if (n.isLiteral()) {
            return n.asLiteral().getLexicalForm();
        }
        if (n.isAnon()) {
            for (Property p : List.of(Vocabulary.KIND, Vocabulary.ROLE)) {
                Statement st = n.asResource().getProperty(p);
                if (st != null) {
                    return st.getObject().toString();
                }
            }
            return "";
        }
        return n.asResource().getURI();
    }

    /** A part's {@code valley:order}, so that parts are listed in document order. */
    private static long order(RDFNode n) {
        if (n.isResource()) {
            Statement st = n.asResource().getProperty(Vocabulary.ORDER);
            if (st != null && st.getObject().isLiteral()) {
                return st.getLong();
            }
        }
        return Long.MAX_VALUE;
    }
}
