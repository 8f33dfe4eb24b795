package org.valley.space.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.valley.space.Role;
import org.valley.space.SpaceKind;

/** Random sites survive being written as a document, sent as JSON text and read back. */
class SiteDocumentPropertiesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 300)
    void anySite_roundTripsThroughJsonText(@ForAll long seed) throws Exception {
        Site site = randomSite(new Random(seed));
        String text = JSON.writeValueAsString(SiteDocument.toMap(site));

        Site again = SiteParser.parse(site.id(), site.tenant(), JSON.readValue(text, new TypeReference<Map<String, Object>>() {}));

        assertThat(again).isEqualTo(site);
    }

    static Site randomSite(Random r) {
        int[] next = {0};
        List<Building> buildings = new ArrayList<>();
        for (int b = 0; b < r.nextInt(3); b++) {
            List<Floor> floors = new ArrayList<>();
            for (int f = 0; f < r.nextInt(4); f++) {
                List<Space> spaces = new ArrayList<>();
                for (int s = 0; s < r.nextInt(6); s++) {
                    spaces.add(space(r, next, true));
                }
                floors.add(new Floor("f" + b + "-" + f, "Floor " + f, r.nextInt(10) - 2, spaces));
            }
            buildings.add(new Building("b" + b, "Building " + b, floors));
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (r.nextInt(4) > 0) {
                days.add(d);
            }
        }
        if (days.isEmpty()) {
            days.add(DayOfWeek.MONDAY);
        }
        LocalTime from = LocalTime.of(r.nextInt(12), r.nextInt(60));
        LocalTime to = r.nextBoolean() ? LocalTime.MAX : LocalTime.of(12 + r.nextInt(12), r.nextInt(60));
        Map<SpaceKind, Duration> holdOffs = r.nextBoolean() ? Map.of() : Map.of(SpaceKind.values()[r.nextInt(7)],
                Duration.ofSeconds(1 + r.nextInt(3600)));
        Map<Role, Duration> intervals = r.nextBoolean() ? Map.of() : Map.of(Role.values()[r.nextInt(8)],
                Duration.ofMinutes(1 + r.nextInt(600)));
        String[] zones = {"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"};
        return new Site("s" + r.nextInt(100), "t" + r.nextInt(5), "Site", ZoneId.of(zones[r.nextInt(zones.length)]),
                new OpeningHours(from, to, days), holdOffs, Duration.ofMinutes(1 + r.nextInt(120)),
                LocalTime.of(r.nextInt(24), r.nextInt(60)), intervals, Duration.ofMinutes(1 + r.nextInt(900)), buildings);
    }

    static Space space(Random r, int[] next, boolean mayHavePlaces) {
        SpaceKind kind = SpaceKind.values()[r.nextInt(SpaceKind.values().length)];
        List<Space> places = new ArrayList<>();
        if (mayHavePlaces && r.nextInt(4) == 0) {
            for (int p = 0; p < 1 + r.nextInt(5); p++) {
                places.add(space(r, next, false));
            }
        }
        List<String> equipment = r.nextBoolean() ? List.of() : List.of("screen", "vc", "whiteboard").subList(0, 1 + r.nextInt(3));
        Duration holdOff = r.nextBoolean() ? null : Duration.ofSeconds(1 + r.nextInt(7200));
        return new Space("sp" + next[0]++, "Space " + next[0], kind, r.nextInt(30), equipment, holdOff, places);
    }
}
