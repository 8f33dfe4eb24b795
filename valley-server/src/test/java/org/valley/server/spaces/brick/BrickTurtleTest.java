package org.valley.server.spaces.brick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.vocabulary.RDF;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.valley.device.Device;
import org.valley.device.NetworkRef;
import org.valley.space.SpaceKind;
import org.valley.space.site.Floor;
import org.valley.space.site.Site;
import org.valley.space.site.SiteDocument;
import org.valley.space.site.SiteParser;
import org.valley.space.site.Space;

class BrickTurtleTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BRICK = "https://brickschema.org/schema/Brick#";
    static final String PREFIXES = """
            @prefix brick: <https://brickschema.org/schema/Brick#> .
            @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            @prefix valley: <urn:valley:schema#> .
            @prefix ex: <http://example.com/b#> .
            """;

    /** The site document of API.md, verbatim. */
    static final String API_EXAMPLE = """
            {"name": "IoT Valley", "timezone": "Europe/Paris",
             "openingHours": {"from": "08:00", "to": "20:00"},
             "presence": {"meeting-room": {"holdOff": "PT5M"}, "desk": {"holdOff": "PT10M"}},
             "bookings": {"noShowGrace": "PT10M"},
             "buildings": [{"id": "main", "name": "Main building", "floors": [
               {"id": "f1", "name": "Floor 1", "level": 1, "spaces": [
                 {"id": "r101", "name": "Canal", "kind": "meeting-room", "capacity": 6, "equipment": ["screen"]},
                 {"id": "nap", "name": "Nap room", "kind": "nap-room", "capacity": 4,
                  "places": [{"id": "pod1"}, {"id": "pod2"}, {"id": "pod3"}, {"id": "pod4"}]}]}]}]}
            """;

    static Site parseJson(String id, String json) throws Exception {
        return SiteParser.parse(id, "acme", JSON.readValue(json, new TypeReference<Map<String, Object>>() {}));
    }

    static Model model(String turtle) {
        Model m = ModelFactory.createDefaultModel();
        RDFParser.fromString(turtle, Lang.TURTLE).parse(m);
        return m;
    }

    static Device device(String id, String space, String role, String roleKey) {
        String devEui = String.format("A81758FFFE%06X", Math.floorMod(id.hashCode(), 0x1000000));
        return new Device(id, "Sensor " + id, "acme", new NetworkRef("lorawan", devEui), "elsys", space, role, roleKey,
                Instant.EPOCH);
    }

    @Test
    void apiExample_roundTripsToTheSameSite() throws Exception {
        Site site = parseJson("valley", API_EXAMPLE);

        String turtle = BrickTurtle.write(site, List.of());

        assertThat(SiteParser.parse("valley", "acme", BrickTurtle.read(turtle))).isEqualTo(site);
        assertThat(BrickTurtle.parse("valley", "acme", turtle)).isEqualTo(site);
        assertThat(SiteDocument.toMap(BrickTurtle.parse("valley", "acme", turtle))).isEqualTo(SiteDocument.toMap(site));
    }

    @Test
    void apiExample_isWrittenWithBrickClassesAndContainment() throws Exception {
        Model m = model(BrickTurtle.write(parseJson("valley", API_EXAMPLE), List.of()));
        String ns = "urn:valley:site:valley#";
        Resource site = m.getResource(ns + "site");
        Resource building = m.getResource(ns + "building.main");
        Resource floor = m.getResource(ns + "floor.f1");
        Resource room = m.getResource(ns + "space.r101");
        Resource nap = m.getResource(ns + "space.nap");
        Resource pod = m.getResource(ns + "space.pod1");

        assertThat(m.contains(site, RDF.type, m.getResource(BRICK + "Site"))).isTrue();
        assertThat(m.contains(building, RDF.type, m.getResource(BRICK + "Building"))).isTrue();
        assertThat(m.contains(floor, RDF.type, m.getResource(BRICK + "Floor"))).isTrue();
        assertThat(m.contains(room, RDF.type, m.getResource(BRICK + "Conference_Room"))).isTrue();
        assertThat(m.contains(nap, RDF.type, m.getResource(BRICK + "Room"))).isTrue();
        assertThat(m.contains(pod, RDF.type, m.getResource(BRICK + "Space"))).isTrue();
        var hasPart = m.getProperty(BRICK + "hasPart");
        var isPartOf = m.getProperty(BRICK + "isPartOf");
        assertThat(m.contains(site, hasPart, building)).isTrue();
        assertThat(m.contains(building, hasPart, floor)).isTrue();
        assertThat(m.contains(floor, hasPart, room)).isTrue();
        assertThat(m.contains(nap, hasPart, pod)).isTrue();
        assertThat(m.contains(pod, isPartOf, nap)).isTrue();
        assertThat(m.contains(room, m.getProperty("http://www.w3.org/2000/01/rdf-schema#label"), "Canal")).isTrue();
        assertThat(m.contains(room, m.getProperty("urn:valley:schema#kind"), "meeting-room")).isTrue();
    }

    @Test
    void demoCampus_roundTripsToTheSameSite() throws Exception {
        Site site = SiteParser.parse("iot-valley", "iot-valley", JSON.readValue(
                Path.of("..", "examples", "sites", "iot-valley.json").toFile(), new TypeReference<Map<String, Object>>() {}));

        Site again = BrickTurtle.parse("iot-valley", "iot-valley", BrickTurtle.write(site, List.of()));

        assertThat(again).isEqualTo(site);
    }

    @Test
    void devicesBoundToSpaces_areWrittenAsPointsOfTheirSpace() throws Exception {
        Site site = parseJson("valley", API_EXAMPLE);
        List<Device> devices = List.of(
                device("pir", "r101", "motion", null),
                device("door", "r101", "door", "door"),
                device("pod", "pod2", "seat", "occupancy"),
                device("count", "nap", "counter", "in,out"),
                device("air", "r101", "co2", null),
                device("elsewhere", "no-such-space", "motion", null),
                device("loose", null, null, null));

        String turtle = BrickTurtle.write(site, devices);
        Model m = model(turtle);

        String ns = "urn:valley:site:valley#";
        var isPointOf = m.getProperty(BRICK + "isPointOf");
        assertThat(m.contains(m.getResource(ns + "device.pir"), RDF.type, m.getResource(BRICK + "Motion_Sensor"))).isTrue();
        assertThat(m.contains(m.getResource(ns + "device.door"), RDF.type, m.getResource(BRICK + "Contact_Sensor"))).isTrue();
        assertThat(m.contains(m.getResource(ns + "device.pod"), RDF.type, m.getResource(BRICK + "Occupancy_Sensor"))).isTrue();
        assertThat(m.contains(m.getResource(ns + "device.count"), RDF.type, m.getResource(BRICK + "Occupancy_Count_Sensor")))
                .isTrue();
        assertThat(m.contains(m.getResource(ns + "device.air"), RDF.type, m.getResource(BRICK + "CO2_Sensor"))).isTrue();
        assertThat(m.contains(m.getResource(ns + "device.pod"), isPointOf, m.getResource(ns + "space.pod2"))).isTrue();
        assertThat(m.contains(m.getResource(ns + "device.count"), isPointOf, m.getResource(ns + "space.nap"))).isTrue();
        assertThat(m.containsResource(m.getResource(ns + "device.elsewhere"))).isFalse();
        assertThat(m.containsResource(m.getResource(ns + "device.loose"))).isFalse();
        assertThat(BrickTurtle.parse("valley", "acme", turtle)).as("points do not disturb the import").isEqualTo(site);
    }

    @Test
    void thirdPartyBrick_isReadWithKindsFromItsClasses() throws Exception {
        String turtle;
        try (InputStream in = getClass().getResourceAsStream("/brick/third-party.ttl")) {
            turtle = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        Site site = BrickTurtle.parse("hq", "acme", turtle);

        assertThat(site.name()).isEqualTo("hq");
        assertThat(site.buildings()).singleElement().satisfies(b -> {
            assertThat(b.id()).isEqualTo("HQ");
            assertThat(b.name()).isEqualTo("Headquarters");
            assertThat(b.floors()).extracting(Floor::id, Floor::name, Floor::level)
                    .containsExactly(Tuple.tuple("L1", "Level 1", 0),
                            Tuple.tuple("L2", "Level 2", 1));
        });
        List<Space> l1 = site.buildings().get(0).floors().get(0).spaces();
        assertThat(l1).extracting(Space::id, Space::name, Space::kind).containsExactly(
                Tuple.tuple("CR-101", "Boardroom", SpaceKind.MEETING_ROOM),
                Tuple.tuple("Lobby-1", "Main lobby", SpaceKind.ENTRANCE),
                Tuple.tuple("Office-North", "North office", SpaceKind.OPEN_SPACE));
        Space office = l1.get(2);
        assertThat(office.places()).extracting(Space::id, Space::kind, Space::capacity).containsExactly(
                Tuple.tuple("Desk-1", SpaceKind.DESK, 1),
                Tuple.tuple("Desk-2", SpaceKind.DESK, 1));
        assertThat(office.capacity()).as("a room made of places seats their sum").isEqualTo(2);
        List<Space> l2 = site.buildings().get(0).floors().get(1).spaces();
        assertThat(l2).extracting(Space::id, Space::name, Space::kind).containsExactly(
                Tuple.tuple("Room-201", "Huddle", SpaceKind.MEETING_ROOM),
                Tuple.tuple("Restroom-2", "Restroom-2", SpaceKind.OPEN_SPACE));
    }

    @Test
    void olderBrickNamespaces_andBlankNodes_areRead() {
        String turtle = """
                @prefix b11: <https://brickschema.org/schema/1.1/Brick#> .
                @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
                <http://example.com/Tower> a b11:Building ;
                    b11:hasPart [ a b11:Floor ; rdfs:label "Ground" ;
                                  b11:hasPart [ a b11:Conference_Room ; rdfs:label "Atlas room" ] ] .
                """;

        Site site = BrickTurtle.parse("t", "acme", turtle);

        assertThat(site.buildings().get(0).id()).isEqualTo("Tower");
        Floor floor = site.buildings().get(0).floors().get(0);
        assertThat(floor.id()).isEqualTo("Ground");
        assertThat(floor.spaces()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("Atlas-room");
            assertThat(s.kind()).isEqualTo(SpaceKind.MEETING_ROOM);
        });
    }

    @Test
    void syntaxError_isReportedWithItsLineAndColumn() {
        String turtle = PREFIXES + "ex:hq a brick:Building ;\n    rdfs:label \"HQ\" \n ex:f1 a brick:Floor .\n";

        assertThatThrownBy(() -> BrickTurtle.read(turtle)).isInstanceOfSatisfying(BrickException.class, e -> {
            assertThat(e.field()).isEqualTo("body");
            assertThat(e.line()).isEqualTo(7);
            assertThat(e.column()).isPositive();
            assertThat(e.getMessage()).startsWith("the body is not valid Turtle: line 7, column ");
        });
    }

    @Test
    void undeclaredPrefix_isASyntaxError() {
        assertThatThrownBy(() -> BrickTurtle.read("nope:hq a nope:Building .")).isInstanceOfSatisfying(
                BrickException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("nope");
                });
    }

    @Test
    void modelWithoutBuilding_isRefused() {
        assertThatThrownBy(() -> BrickTurtle.read(PREFIXES + "ex:r a brick:Room .")).isInstanceOf(BrickException.class)
                .hasMessageContaining("neither a brick:Site nor a brick:Building");
        assertThatThrownBy(() -> BrickTurtle.read("")).isInstanceOf(BrickException.class)
                .hasMessageContaining("neither a brick:Site nor a brick:Building");
    }

    @Test
    void floorOutsideAnyBuilding_isRefusedByName() {
        String turtle = PREFIXES + "ex:hq a brick:Building .\nex:f9 a brick:Floor ; rdfs:label \"Attic\" .";

        assertThatThrownBy(() -> BrickTurtle.read(turtle)).isInstanceOfSatisfying(BrickException.class, e -> {
            assertThat(e.field()).isEqualTo("ex:f9");
            assertThat(e.getMessage()).isEqualTo("brick:Floor ex:f9 ('Attic') is part of no brick:Building: every floor "
                    + "must be part of a building (brick:hasPart or brick:isPartOf)");
        });
    }

    @Test
    void roomOnNoFloor_isRefusedByName() {
        String turtle = PREFIXES + """
                ex:hq a brick:Building ; brick:hasPart ex:f1, ex:r7 .
                ex:f1 a brick:Floor .
                ex:r7 a brick:Conference_Room .
                """;

        assertThatThrownBy(() -> BrickTurtle.read(turtle)).isInstanceOfSatisfying(BrickException.class, e -> {
            assertThat(e.field()).isEqualTo("ex:r7");
            assertThat(e.getMessage()).contains("brick:Conference_Room ex:r7 is part of brick:Building ex:hq")
                    .contains("must be part of a brick:Floor");
        });
    }

    @Test
    void placeOfAPlace_isRefused() {
        String turtle = PREFIXES + """
                ex:hq a brick:Building ; brick:hasPart ex:f1 .
                ex:f1 a brick:Floor ; brick:hasPart ex:open .
                ex:open a brick:Open_Office ; brick:hasPart ex:desk .
                ex:desk a brick:Space ; brick:hasPart ex:drawer .
                ex:drawer a brick:Space .
                """;

        assertThatThrownBy(() -> BrickTurtle.read(turtle)).isInstanceOfSatisfying(BrickException.class, e -> {
            assertThat(e.field()).isEqualTo("ex:drawer");
            assertThat(e.getMessage()).contains("a place not of places");
        });
    }

    @Test
    void spaceOnTwoFloors_isRefused() {
        String turtle = PREFIXES + """
                ex:hq a brick:Building ; brick:hasPart ex:f1, ex:f2 .
                ex:f1 a brick:Floor . ex:f2 a brick:Floor .
                ex:stairs a brick:Space ; brick:isPartOf ex:f1, ex:f2 .
                """;

        assertThatThrownBy(() -> BrickTurtle.read(turtle)).isInstanceOf(BrickException.class)
                .hasMessageContaining("is part of both");
    }

    @Test
    void twoSites_areRefused() {
        assertThatThrownBy(() -> BrickTurtle.read(PREFIXES + "ex:a a brick:Site . ex:b a brick:Site .")).isInstanceOf(
                BrickException.class).hasMessageContaining("2 brick:Site");
    }

    @Test
    void brokenRule_isReportedWithTheEntityItComesFrom() {
        String turtle = PREFIXES + """
                ex:hq a brick:Building ; brick:hasPart ex:f1 .
                ex:f1 a brick:Floor ; brick:hasPart ex:r1 .
                ex:r1 a brick:Conference_Room ; rdfs:label "Canal" ; valley:capacity "lots" .
                """;

        assertThatThrownBy(() -> BrickTurtle.parse("s", "acme", turtle)).isInstanceOfSatisfying(BrickException.class, e -> {
            assertThat(e.field()).isEqualTo("ex:r1");
            assertThat(e.getMessage()).isEqualTo("brick:Conference_Room ex:r1 ('Canal'): field 'capacity' must be an "
                    + "integer from 0 to 100000, got lots");
        });
    }

    @Test
    void unknownKind_isReportedWithTheEntity() {
        String turtle = PREFIXES + """
                ex:hq a brick:Building ; brick:hasPart ex:f1 .
                ex:f1 a brick:Floor ; brick:hasPart ex:r1 .
                ex:r1 a brick:Room ; valley:kind "ballroom" .
                """;

        assertThatThrownBy(() -> BrickTurtle.parse("s", "acme", turtle)).isInstanceOfSatisfying(BrickException.class, e -> {
            assertThat(e.field()).isEqualTo("ex:r1");
            assertThat(e.getMessage()).contains("ballroom").contains("meeting-room");
        });
    }

    @Test
    void deeplyNestedBody_isRefusedNotCrashed() {
        String turtle = "<http://x/b> a <" + BRICK + "Building> ; <http://x/p> " + "[ <http://x/p> ".repeat(200_000)
                + "\"x\"" + " ]".repeat(200_000) + " .";

        assertThatThrownBy(() -> BrickTurtle.read(turtle)).isInstanceOf(BrickException.class)
                .hasMessageContaining("too deeply");
    }

    @Test
    void listThatLoopsBack_isRefused() {
        String turtle = PREFIXES + """
                @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
                ex:hq a brick:Building ; brick:hasPart ex:f1 .
                ex:f1 a brick:Floor ; brick:hasPart ex:r1 .
                ex:r1 a brick:Room ; valley:equipment _:l .
                _:l rdf:first "screen" ; rdf:rest _:l .
                """;

        assertThatThrownBy(() -> BrickTurtle.read(turtle)).isInstanceOf(BrickException.class)
                .hasMessageContaining("loops back");
    }
}
