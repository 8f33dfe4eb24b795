package org.valley.server.spaces.brick;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.ResourceFactory;
import org.valley.space.Role;
import org.valley.space.SpaceKind;

/**
 * The terms of a Brick export: Brick's classes and relationships (Brick 1.3/1.4, namespace
 * {@code https://brickschema.org/schema/Brick#}) and Valley's own properties for what Brick has no
 * term for (a space's kind, capacity, equipment and hold-off, the site's rules).
 *
 * <p>Each Valley kind is written as the closest Brick location class; Brick has no class for a
 * desk, a nap room, a nap pod or a phone booth, so those fall back to {@code brick:Space} or
 * {@code brick:Room}, and {@code valley:kind} keeps the exact kind. Reading a file of another tool
 * (no {@code valley:kind}) maps Brick classes back to kinds with {@link #kindOf(String)}.
 */
final class Vocabulary {

    static final String BRICK = "https://brickschema.org/schema/Brick#";
    static final String VALLEY = "urn:valley:schema#";
    static final String RDFS = "http://www.w3.org/2000/01/rdf-schema#";
    static final String SKOS = "http://www.w3.org/2004/02/skos/core#";
    static final String XSD = "http://www.w3.org/2001/XMLSchema#";

    /** Brick's namespace, also in the versioned form of Brick 1.0 and 1.1 ({@code .../schema/1.1/Brick#}). */
    static final Pattern BRICK_NAMESPACE = Pattern.compile("https?://brickschema\\.org/schema/(?:[0-9][0-9.]*/)?Brick#");

    // ---- Brick ----
    static final Resource SITE = brick("Site");
    static final Resource BUILDING = brick("Building");
    static final Resource FLOOR = brick("Floor");
    static final Property HAS_PART = brickProperty("hasPart");
    static final Property IS_PART_OF = brickProperty("isPartOf");
    static final Property HAS_POINT = brickProperty("hasPoint");
    static final Property IS_POINT_OF = brickProperty("isPointOf");

    // ---- Valley ----
    static final Property ID = valley("id");
    static final Property ORDER = valley("order");
    static final Property KIND = valley("kind");
    static final Property CAPACITY = valley("capacity");
    static final Property EQUIPMENT = valley("equipment");
    static final Property HOLD_OFF = valley("holdOff");
    static final Property LEVEL = valley("level");
    static final Property TIMEZONE = valley("timezone");
    static final Property OPENS = valley("opens");
    static final Property CLOSES = valley("closes");
    static final Property OPEN_DAYS = valley("openDays");
    static final Property NO_SHOW_GRACE = valley("noShowGrace");
    static final Property EMPTY_HOUR = valley("emptyHour");
    static final Property KIND_HOLD_OFF = valley("kindHoldOff");
    static final Property REPORTING_INTERVAL = valley("reportingInterval");
    static final Property DEFAULT_REPORTING_INTERVAL = valley("defaultReportingInterval");
    static final Property INTERVAL = valley("interval");
    static final Property ROLE = valley("role");
    static final Property ROLE_KEY = valley("roleKey");
    static final Property NETWORK = valley("network");
    static final Property NETWORK_ID = valley("networkId");

    /** The Brick class a space of each kind is written as. */
    static final Map<SpaceKind, String> CLASS_OF_KIND = Map.of(
            SpaceKind.MEETING_ROOM, "Conference_Room",
            SpaceKind.NAP_ROOM, "Room",
            SpaceKind.NAP_POD, "Space",
            SpaceKind.DESK, "Space",
            SpaceKind.PHONE_BOOTH, "Room",
            SpaceKind.OPEN_SPACE, "Open_Office",
            SpaceKind.ENTRANCE, "Entrance");

    /** The Brick point class of a device of each role. */
    static final Map<Role, String> CLASS_OF_ROLE = Map.of(
            Role.MOTION, "Motion_Sensor",
            Role.DOOR, "Contact_Sensor",
            Role.DESK, "Occupancy_Sensor",
            Role.SEAT, "Occupancy_Sensor",
            Role.COUNTER, "Occupancy_Count_Sensor",
            Role.CO2, "CO2_Sensor",
            Role.TEMPERATURE, "Temperature_Sensor",
            Role.OTHER, "Sensor");

    /**
     * Brick classes read as a Valley kind when a file has no {@code valley:kind}. A plain
     * {@code brick:Room} is taken for a meeting room (an enclosed room people gather in); any other
     * location class (a restroom, a lounge, a {@code brick:Space}) for an open space, which is
     * watched but never booked.
     */
    private static final Map<String, SpaceKind> KIND_OF_CLASS = Map.ofEntries(
            Map.entry("Conference_Room", SpaceKind.MEETING_ROOM),
            Map.entry("Team_Room", SpaceKind.MEETING_ROOM),
            Map.entry("Room", SpaceKind.MEETING_ROOM),
            Map.entry("Open_Office", SpaceKind.OPEN_SPACE),
            Map.entry("Cubicle", SpaceKind.DESK),
            Map.entry("Media_Hot_Desk", SpaceKind.DESK),
            Map.entry("Entrance", SpaceKind.ENTRANCE),
            Map.entry("Lobby", SpaceKind.ENTRANCE),
            Map.entry("Employee_Entrance_Lobby", SpaceKind.ENTRANCE),
            Map.entry("Visitor_Lobby", SpaceKind.ENTRANCE),
            Map.entry("Reception", SpaceKind.ENTRANCE));

    /** Brick classes of buildings and of floors (with Brick's subclasses and equivalents). */
    static final Set<String> BUILDING_CLASSES = Set.of("Building", "Parking_Structure");
    static final Set<String> FLOOR_CLASSES =
            Set.of("Floor", "Storey", "Basement", "Rooftop", "Parking_Level");

    /** Location classes a space may be typed with, for telling a stray space from other entities. */
    static boolean isSpaceClass(String brickName) {
        return KIND_OF_CLASS.containsKey(brickName) || brickName.equals("Space") || brickName.endsWith("_Room")
                || brickName.endsWith("_Office") || brickName.endsWith("_Space");
    }

    private static final Pattern IRI_SAFE = Pattern.compile("[A-Za-z0-9._:-]*");

    private Vocabulary() {}

    /** The kind a Brick class stands for, or null when it stands for none in particular. */
    static SpaceKind kindOf(String brickName) {
        return KIND_OF_CLASS.get(brickName);
    }

    /** The local name of {@code iri} when it is a Brick term, else null. */
    static String brickName(String iri) {
        int hash = iri.indexOf('#');
        if (hash < 0 || !BRICK_NAMESPACE.matcher(iri.substring(0, hash + 1)).matches()) {
            return null;
        }
        return iri.substring(hash + 1);
    }

    /**
     * An id as a piece of an IRI: Valley ids ({@code [A-Za-z0-9._:-]}) stay as they are, anything
     * else is percent-encoded (UTF-8).
     */
    static String iriPart(String id) {
        if (IRI_SAFE.matcher(id).matches()) {
            return id;
        }
        StringBuilder out = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c < 0x80 && IRI_SAFE.matcher(String.valueOf(c)).matches()) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static Resource brick(String name) {
        return ResourceFactory.createResource(BRICK + name);
    }

    private static Property brickProperty(String name) {
        return ResourceFactory.createProperty(BRICK, name);
    }

    private static Property valley(String name) {
        return ResourceFactory.createProperty(VALLEY, name);
    }
}
