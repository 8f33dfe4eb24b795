package org.valley.server.spaces.brick;

import static org.valley.server.spaces.brick.Vocabulary.iriPart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.rdf.model.Literal;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.RDFNode;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.vocabulary.RDFS;
import org.valley.device.Device;
import org.valley.space.Role;
import org.valley.space.SpaceKind;
import org.valley.space.site.Building;
import org.valley.space.site.Floor;
import org.valley.space.site.Site;
import org.valley.space.site.SiteDocument;
import org.valley.space.site.Space;

/**
 * Writes a site as a Brick model. The site's rules are taken from its JSON document
 * ({@link SiteDocument#toMap}) so that times, days and durations have the same text in both.
 *
 * <p>Containment is written both ways ({@code brick:hasPart} on the whole, {@code brick:isPartOf}
 * on the part) and so are points ({@code brick:hasPoint}, {@code brick:isPointOf}), so that a query
 * finds them without a reasoner. {@code valley:order} keeps the document order, which RDF does not.
 */
final class BrickWriter {

    private final Model model = ModelFactory.createDefaultModel();
    /** The named entities in document order: the order they are written in. */
    private final List<Resource> subjects = new ArrayList<>();
    private final String ns;

    private BrickWriter(String siteId) {
        this.ns = "urn:valley:site:" + iriPart(siteId) + "#";
        model.setNsPrefix("brick", Vocabulary.BRICK);
        model.setNsPrefix("rdfs", Vocabulary.RDFS);
        model.setNsPrefix("xsd", Vocabulary.XSD);
        model.setNsPrefix("valley", Vocabulary.VALLEY);
        model.setNsPrefix("site", ns);
    }

    static String write(Site site, List<Device> devices) {
        BrickWriter w = build(site, devices);
        return TurtleText.write(w.model, w.subjects);
    }

    /** The model of the site and its devices, before it is written out. */
    static BrickWriter build(Site site, List<Device> devices) {
        BrickWriter w = new BrickWriter(site.id());
        w.site(site);
        w.devices(site, devices);
        return w;
    }

    Model model() {
        return model;
    }

    @SuppressWarnings("unchecked")
    private void site(Site site) {
        Map<String, Object> doc = SiteDocument.toMap(site);
        Resource node = model.createResource(ns + "site", Vocabulary.SITE);
        subjects.add(node);
        node.addProperty(RDFS.label, site.name());
        node.addProperty(Vocabulary.TIMEZONE, site.timezone().getId());
        Map<String, Object> hours = (Map<String, Object>) doc.get("openingHours");
        node.addProperty(Vocabulary.OPENS, (String) hours.get("from"));
        node.addProperty(Vocabulary.CLOSES, (String) hours.get("to"));
        if (hours.get("days") instanceof List<?> days) {
            node.addProperty(Vocabulary.OPEN_DAYS, list(days));
        }
        for (SpaceKind kind : SpaceKind.values()) {
            Duration d = site.holdOffs().get(kind);
            if (d != null) {
                node.addProperty(Vocabulary.KIND_HOLD_OFF, model.createResource()
                        .addProperty(Vocabulary.KIND, kind.jsonName())
                        .addLiteral(Vocabulary.HOLD_OFF, duration(d)));
            }
        }
        node.addLiteral(Vocabulary.NO_SHOW_GRACE, duration(site.noShowGrace()));
        node.addProperty(Vocabulary.EMPTY_HOUR, (String) doc.get("emptyHour"));
        node.addLiteral(Vocabulary.DEFAULT_REPORTING_INTERVAL, duration(site.defaultReportingInterval()));
        for (Role role : Role.values()) {
            Duration d = site.reportingIntervals().get(role);
            if (d != null) {
                node.addProperty(Vocabulary.REPORTING_INTERVAL, model.createResource()
                        .addProperty(Vocabulary.ROLE, role.jsonName())
                        .addLiteral(Vocabulary.INTERVAL, duration(d)));
            }
        }
        List<Building> buildings = site.buildings();
        for (int i = 0; i < buildings.size(); i++) {
            Building b = buildings.get(i);
            Resource bn = part(node, "building." + b.id(), Vocabulary.BUILDING, b.id(), b.name(), i);
            for (int j = 0; j < b.floors().size(); j++) {
                Floor f = b.floors().get(j);
                Resource fn = part(bn, "floor." + f.id(), Vocabulary.FLOOR, f.id(), f.name(), j);
                fn.addLiteral(Vocabulary.LEVEL, integer(f.level()));
                for (int k = 0; k < f.spaces().size(); k++) {
                    space(fn, f.spaces().get(k), k);
                }
            }
        }
    }

    private void space(Resource whole, Space s, int order) {
        Resource type = model.createResource(Vocabulary.BRICK + Vocabulary.CLASS_OF_KIND.get(s.kind()));
        Resource node = part(whole, "space." + s.id(), type, s.id(), s.name(), order);
        node.addProperty(Vocabulary.KIND, s.kind().jsonName());
        node.addLiteral(Vocabulary.CAPACITY, integer(s.capacity()));
        if (!s.equipment().isEmpty()) {
            node.addProperty(Vocabulary.EQUIPMENT, list(s.equipment()));
        }
        if (s.holdOff() != null) {
            node.addLiteral(Vocabulary.HOLD_OFF, duration(s.holdOff()));
        }
        for (int i = 0; i < s.places().size(); i++) {
            space(node, s.places().get(i), i);
        }
    }

    private Resource part(Resource whole, String local, Resource type, String id, String name, int order) {
        Resource node = model.createResource(ns + iriPart(local), type)
                .addProperty(RDFS.label, name)
                .addProperty(Vocabulary.ID, id)
                .addLiteral(Vocabulary.ORDER, integer(order));
        subjects.add(node);
        whole.addProperty(Vocabulary.HAS_PART, node);
        node.addProperty(Vocabulary.IS_PART_OF, whole);
        return node;
    }

    /** Devices bound to a space of the site, as Brick points of that space; the others are left out. */
    private void devices(Site site, List<Device> devices) {
        Set<String> spaces = new HashSet<>();
        for (Site.Placement p : site.placements()) {
            spaces.add(p.space().id());
        }
        for (Device d : devices) {
            if (d.space() == null || !spaces.contains(d.space())) {
                continue;
            }
            Role role = d.role() == null ? null : Role.of(d.role());
            String cls = Vocabulary.CLASS_OF_ROLE.get(role == null ? Role.OTHER : role);
            Resource node = model.createResource(ns + "device." + iriPart(d.id()),
                    model.createResource(Vocabulary.BRICK + cls));
            subjects.add(node);
            node.addProperty(RDFS.label, d.name() == null ? d.id() : d.name());
            node.addProperty(Vocabulary.ID, d.id());
            if (role != null) {
                node.addProperty(Vocabulary.ROLE, role.jsonName());
            }
            if (d.roleKey() != null) {
                node.addProperty(Vocabulary.ROLE_KEY, d.roleKey());
            }
            if (d.network() != null) {
                node.addProperty(Vocabulary.NETWORK, d.network().kind());
                node.addProperty(Vocabulary.NETWORK_ID, d.network().id());
            }
            Resource space = model.createResource(ns + "space." + iriPart(d.space()));
            node.addProperty(Vocabulary.IS_POINT_OF, space);
            space.addProperty(Vocabulary.HAS_POINT, node);
        }
    }

    private RDFNode list(List<?> items) {
        List<RDFNode> nodes = new ArrayList<>();
        for (Object item : items) {
            nodes.add(model.createLiteral(item.toString()));
        }
        return model.createList(nodes.iterator());
    }

    private Literal duration(Duration d) {
        return model.createTypedLiteral(d.toString(), XSDDatatype.XSDduration);
    }

    private Literal integer(int n) {
        return model.createTypedLiteral(Integer.toString(n), XSDDatatype.XSDinteger);
    }
}
