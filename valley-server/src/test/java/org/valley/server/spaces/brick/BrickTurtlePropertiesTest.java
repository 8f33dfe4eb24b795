package org.valley.server.spaces.brick;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import net.jqwik.api.Property;
import org.valley.device.Device;
import org.valley.device.NetworkRef;
import org.valley.space.Role;
import org.valley.space.SpaceKind;
import org.valley.space.site.Building;
import org.valley.space.site.Floor;
import org.valley.space.site.OpeningHours;
import org.valley.space.site.Site;
import org.valley.space.site.SiteException;
import org.valley.space.site.Space;

/** Random valid sites survive a trip through Brick Turtle; damaged Turtle is refused cleanly. */
class BrickTurtlePropertiesTest {

    /** Characters that Turtle must escape or that IRIs and labels find awkward, besides letters. */
    private static final String AWKWARD = "\"\\'\n\r\t <>#%{}|^`@:;.,_-éÅ中😀\u0001\u00a0";
    private static final String ID_CHARS = "abcXYZ019._:-";

    @Property(tries = 200)
    void anyValidSite_roundTripsThroughBrickTurtle(@ForAll long seed) {
        Random r = new Random(seed);
        Site site = randomSite(r);
        List<Device> devices = randomDevices(r, site);

        String turtle = BrickTurtle.write(site, devices);

        assertThat(BrickTurtle.parse(site.id(), site.tenant(), turtle)).isEqualTo(site);
        Model written = ModelFactory.createDefaultModel();
        RDFParser.fromString(turtle, Lang.TURTLE).parse(written);
        assertThat(written.isIsomorphicWith(BrickWriter.build(site, devices).model()))
                .as("the text holds every statement of the model, and only those").isTrue();
    }

    /** Cutting a piece out of a valid file gives a site, or a BrickException: nothing else escapes. */
    @Property(tries = 300)
    void damagedTurtle_isReadOrRefusedWithABrickException(@ForAll long seed) {
        Random r = new Random(seed);
        Site site = randomSite(r);
        String turtle = BrickTurtle.write(site, randomDevices(r, site));
        int from = r.nextInt(turtle.length());
        int to = Math.min(turtle.length(), from + 1 + r.nextInt(40));
        String damaged = turtle.substring(0, from) + turtle.substring(to);

        try {
            assertThat(BrickTurtle.parse(site.id(), site.tenant(), damaged)).isNotNull();
        } catch (BrickException e) {
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).isNotBlank();
        } catch (SiteException e) {
            throw new AssertionError("a SiteException escaped instead of a BrickException", e);
        }
    }

    static Site randomSite(Random r) {
        int[] next = {0};
        List<Building> buildings = new ArrayList<>();
        int nb = r.nextInt(3);
        for (int b = 0; b < nb; b++) {
            List<Floor> floors = new ArrayList<>();
            int nf = r.nextInt(4);
            for (int f = 0; f < nf; f++) {
                List<Space> spaces = new ArrayList<>();
                int ns = r.nextInt(6);
                for (int s = 0; s < ns; s++) {
                    spaces.add(space(r, next, true));
                }
                floors.add(new Floor(id(r, "f" + b + "-" + f), name(r), r.nextInt(20) - 5, spaces));
            }
            buildings.add(new Building(id(r, "b" + b), name(r), floors));
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (r.nextInt(4) > 0) {
                days.add(d);
            }
        }
        if (days.isEmpty()) {
            days.add(DayOfWeek.SUNDAY);
        }
        LocalTime from = LocalTime.of(r.nextInt(12), r.nextInt(60));
        LocalTime to = r.nextBoolean() ? LocalTime.MAX : LocalTime.of(12 + r.nextInt(12), r.nextInt(60));
        Map<SpaceKind, Duration> holdOffs = new EnumMap<>(SpaceKind.class);
        for (SpaceKind k : SpaceKind.values()) {
            if (r.nextInt(3) == 0) {
                holdOffs.put(k, Duration.ofSeconds(1 + r.nextInt(12 * 3600)));
            }
        }
        Map<Role, Duration> intervals = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            if (r.nextInt(3) == 0) {
                intervals.put(role, Duration.ofSeconds(10 + r.nextInt(16 * 3600 - 10)));
            }
        }
        String[] zones = {"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"};
        String siteId = id(r, "s");
        return new Site(siteId, "t" + r.nextInt(5), r.nextBoolean() ? siteId : name(r),
                ZoneId.of(zones[r.nextInt(zones.length)]), new OpeningHours(from, to, days), holdOffs,
                Duration.ofSeconds(60 + r.nextInt(12 * 3600 - 60)), LocalTime.of(r.nextInt(24), r.nextInt(60)), intervals,
                Duration.ofSeconds(10 + r.nextInt(16 * 3600 - 10)), buildings);
    }

    static Space space(Random r, int[] next, boolean mayHavePlaces) {
        SpaceKind kind = SpaceKind.values()[r.nextInt(SpaceKind.values().length)];
        List<Space> places = new ArrayList<>();
        if (mayHavePlaces && r.nextInt(4) == 0) {
            for (int p = 0; p < 1 + r.nextInt(5); p++) {
                places.add(space(r, next, false));
            }
        }
        List<String> equipment = new ArrayList<>();
        for (int e = r.nextInt(4); e > 0; e--) {
            String item = name(r);
            item = cut(item, 64);
            if (!item.isBlank() && !equipment.contains(item)) {
                equipment.add(item);
            }
        }
        Duration holdOff = r.nextBoolean() ? null : Duration.ofSeconds(1 + r.nextInt(12 * 3600));
        return new Space(id(r, "sp" + next[0]++), name(r), kind, r.nextInt(100), equipment, holdOff, places);
    }

    static List<Device> randomDevices(Random r, Site site) {
        List<Device> out = new ArrayList<>();
        List<Site.Placement> placements = site.placements();
        for (int i = 0; i < r.nextInt(6); i++) {
            String space = placements.isEmpty() || r.nextInt(5) == 0 ? "nowhere"
                    : placements.get(r.nextInt(placements.size())).space().id();
            Role role = Role.values()[r.nextInt(Role.values().length)];
            out.add(new Device(id(r, "d" + i), name(r), "t", new NetworkRef("sigfox", Integer.toHexString(1 + i)), null,
                    space, role.jsonName(), r.nextBoolean() ? null : name(r), Instant.EPOCH));
        }
        return out;
    }

    /** A unique id (the prefix and its dash keep it unique) with some of the odd characters ids may have. */
    static String id(Random r, String unique) {
        StringBuilder sb = new StringBuilder(unique).append('-');
        for (int i = r.nextInt(6); i > 0; i--) {
            sb.append(ID_CHARS.charAt(r.nextInt(ID_CHARS.length())));
        }
        return sb.toString();
    }

    /** A name of 1 to 200 characters, not blank, often with characters Turtle must escape. */
    static String name(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 20);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                int at = r.nextInt(AWKWARD.length());
                char c = AWKWARD.charAt(at);
                if (Character.isHighSurrogate(c) && at + 1 < AWKWARD.length()) {
                    sb.append(c).append(AWKWARD.charAt(at + 1));
                } else if (!Character.isLowSurrogate(c)) {
                    sb.append(c);
                }
            } else {
                sb.append((char) ('a' + r.nextInt(26)));
            }
        }
        String s = cut(sb.toString(), 200);
        return s.isBlank() ? "x" + cut(s, 199) : s;
    }

    /** The first {@code max} characters at most, without splitting a surrogate pair. */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }
}
