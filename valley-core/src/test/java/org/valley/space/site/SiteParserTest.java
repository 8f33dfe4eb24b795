package org.valley.space.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.valley.space.Role;
import org.valley.space.SpaceKind;

class SiteParserTest {

    static final ObjectMapper JSON = new ObjectMapper();

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

    static Map<String, Object> tree(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Site parse(String json) {
        return SiteParser.parse("valley", "acme", tree(json));
    }

    @Test
    void apiExample_isReadWithEveryField() {
        Site site = parse(API_EXAMPLE);

        assertThat(site.name()).isEqualTo("IoT Valley");
        assertThat(site.tenant()).isEqualTo("acme");
        assertThat(site.timezone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(site.openingHours().from()).isEqualTo(LocalTime.of(8, 0));
        assertThat(site.openingHours().to()).isEqualTo(LocalTime.of(20, 0));
        assertThat(site.openingHours().days()).containsExactlyInAnyOrder(DayOfWeek.values());
        assertThat(site.holdOffs()).containsEntry(SpaceKind.MEETING_ROOM, Duration.ofMinutes(5))
                .containsEntry(SpaceKind.DESK, Duration.ofMinutes(10));
        assertThat(site.noShowGrace()).isEqualTo(Duration.ofMinutes(10));
        Floor f1 = site.buildings().get(0).floors().get(0);
        assertThat(f1.level()).isEqualTo(1);
        Space canal = f1.spaces().get(0);
        assertThat(canal.kind()).isEqualTo(SpaceKind.MEETING_ROOM);
        assertThat(canal.capacity()).isEqualTo(6);
        assertThat(canal.equipment()).containsExactly("screen");
        Space nap = f1.spaces().get(1);
        assertThat(nap.places()).extracting(Space::id).containsExactly("pod1", "pod2", "pod3", "pod4");
        assertThat(nap.places()).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(SpaceKind.NAP_POD);
            assertThat(p.capacity()).isEqualTo(1);
        });
        assertThat(site.placements()).extracting(p -> p.space().id())
                .containsExactly("r101", "nap", "pod1", "pod2", "pod3", "pod4");
        assertThat(site.placements().get(2).parent().id()).isEqualTo("nap");
    }

    @Test
    void absentSettings_takeTheDefaultsOfMetrics() {
        Site site = parse("""
                {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [
                  {"id": "d1", "kind": "desk"}, {"id": "r", "kind": "meeting-room"}, {"id": "pod", "kind": "nap-pod"},
                  {"id": "os", "kind": "open-space", "places": [{"id": "os-1"}, {"id": "os-2"}]}]}]}]}""");

        assertThat(site.name()).isEqualTo("valley");
        assertThat(site.timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(site.openingHours()).isEqualTo(OpeningHours.DEFAULT);
        assertThat(site.noShowGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(site.emptyHour()).isEqualTo(LocalTime.of(3, 0));
        assertThat(site.reportingInterval(Role.MOTION)).isEqualTo(Duration.ofHours(1));
        var spaces = site.buildings().get(0).floors().get(0).spaces();
        assertThat(site.holdOff(spaces.get(0))).isEqualTo(Duration.ofMinutes(10));
        assertThat(site.holdOff(spaces.get(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(site.holdOff(spaces.get(2))).isEqualTo(Duration.ofMinutes(15));
        assertThat(spaces.get(0).capacity()).isEqualTo(1);
        assertThat(spaces.get(3).places()).extracting(Space::kind).containsOnly(SpaceKind.DESK);
        assertThat(spaces.get(3).capacity()).isEqualTo(2);
    }

    @Test
    void spaceHoldOff_overridesTheKindsOne() {
        Site site = parse("""
                {"presence": {"meeting-room": {"holdOff": "PT7M"}},
                 "buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [
                  {"id": "r1", "kind": "meeting-room"}, {"id": "r2", "kind": "meeting-room", "holdOff": "PT2M"}]}]}]}""");
        var spaces = site.buildings().get(0).floors().get(0).spaces();
        assertThat(site.holdOff(spaces.get(0))).isEqualTo(Duration.ofMinutes(7));
        assertThat(site.holdOff(spaces.get(1))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void document_roundTripsThroughTheWriter() {
        Site site = parse("""
                {"name": "Campus", "timezone": "Europe/Paris", "emptyHour": "04:30",
                 "openingHours": {"from": "07:00", "to": "24:00", "days": ["mon", "tue", "fri"]},
                 "presence": {"nap-pod": {"holdOff": "PT20M"}},
                 "reportingIntervals": {"default": "PT30M", "door": "PT6H"},
                 "bookings": {"noShowGrace": "PT15M"},
                 "buildings": [{"id": "b", "name": "B", "floors": [{"id": "f", "name": "F", "level": -1, "spaces": [
                   {"id": "r", "name": "R", "kind": "meeting-room", "capacity": 8, "equipment": ["screen", "vc"],
                    "holdOff": "PT3M"},
                   {"id": "nap", "kind": "nap-room", "places": [{"id": "p1", "holdOff": "PT25M"}, {"id": "p2"}]}]}]}]}""");

        Site again = SiteParser.parse("valley", "acme", SiteDocument.toMap(site));

        assertThat(again).isEqualTo(site);
        assertThat(again.openingHours().to()).isEqualTo(LocalTime.MAX);
        assertThat(again.reportingInterval(Role.DOOR)).isEqualTo(Duration.ofHours(6));
        assertThat(again.reportingInterval(Role.DESK)).isEqualTo(Duration.ofMinutes(30));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"timezone": "Mars/Olympus"}                                   | timezone                             | IANA time zone
            {"openingHours": {"from": "20:00", "to": "08:00"}}             | openingHours.to                      | later than
            {"openingHours": {"from": "8h", "to": "20:00"}}                | openingHours.from                    | HH:mm
            {"openingHours": {"from": "08:00", "to": "20:00", "days": ["monday"]}} | openingHours.days[0]         | mon, tue
            {"presence": {"kitchen": {"holdOff": "PT5M"}}}                 | presence.kitchen                     | space kinds
            {"presence": {"desk": {"holdOff": "5 minutes"}}}               | presence.desk.holdOff                | ISO-8601 duration
            {"presence": {"desk": {"holdOff": "P2D"}}}                     | presence.desk.holdOff                | PT12H
            {"bookings": {"noShowGrace": "PT0S"}}                          | bookings.noShowGrace                 | from PT1M
            {"reportingIntervals": {"lamp": "PT1H"}}                       | reportingIntervals.lamp              | a role
            {"reportingIntervals": {"door": "P1D"}}                        | reportingIntervals.door              | PT16H
            {"emptyHour": "25:00"}                                         | emptyHour                            | HH:mm
            {"capacity": 3}                                                | capacity                             | unknown field
            {"buildings": {}}                                              | buildings                            | an array
            {"buildings": [{"floors": []}]}                                | buildings[0].id                      | required
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x y", "kind": "desk"}]}]}]} | buildings[0].floors[0].spaces[0].id | letters, digits
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x", "kind": "kitchen"}]}]}]} | buildings[0].floors[0].spaces[0].kind | one of
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x"}]}]}]} | buildings[0].floors[0].spaces[0].kind | required
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x", "kind": "desk", "capcity": 2}]}]}]} | buildings[0].floors[0].spaces[0].capcity | unknown field
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x", "kind": "desk", "capacity": -1}]}]}]} | buildings[0].floors[0].spaces[0].capacity | integer from 0
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x", "kind": "desk", "capacity": 2.5}]}]}]} | buildings[0].floors[0].spaces[0].capacity | integer from 0
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x", "kind": "desk", "equipment": "screen"}]}]}]} | buildings[0].floors[0].spaces[0].equipment | an array
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x", "kind": "desk", "equipment": [""]}]}]}]} | buildings[0].floors[0].spaces[0].equipment[0] | 1 to 64
            {"buildings": [{"id": "b", "floors": [{"id": "f", "level": "one", "spaces": []}]}]} | buildings[0].floors[0].level | integer
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "x", "kind": "desk"}, {"id": "x", "kind": "desk"}]}]}]} | buildings[0].floors[0].spaces[1].id | unique
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": []}, {"id": "f", "spaces": []}]}]} | buildings[0].floors[1].id | unique
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "n", "kind": "nap-room", "places": [{"id": "n"}]}]}]}]} | buildings[0].floors[0].spaces[0].places[0].id | unique
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "m", "kind": "meeting-room", "places": [{"id": "p"}]}]}]}]} | buildings[0].floors[0].spaces[0].places[0].kind | required
            {"buildings": [{"id": "b", "floors": [{"id": "f", "spaces": [{"id": "n", "kind": "nap-room", "places": [{"id": "p", "places": []}]}]}]}]} | buildings[0].floors[0].spaces[0].places[0].places | cannot be made of places
            """)
    void brokenRule_namesTheFieldByItsPath(String json, String field, String rule) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(SiteException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(rule);
                });
    }

    @Test
    void badSiteId_isRefused() {
        assertThatThrownBy(() -> SiteParser.parse("a b", "acme", tree("{\"buildings\": []}")))
                .isInstanceOfSatisfying(SiteException.class, e -> assertThat(e.field()).isEqualTo("id"));
    }
}
