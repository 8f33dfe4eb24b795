package org.valley.space.site;

import java.time.Duration;
import java.util.List;
import org.valley.space.SpaceKind;

/**
 * A space of a floor, or a place of such a space (a nap pod of a nap room). A place is a space in
 * its own right: its id is addressable, it can carry sensors and be booked.
 *
 * @param id unique among the spaces and places of every site
 * @param name a human-readable name
 * @param kind what the space is
 * @param capacity how many people it seats (0 when not given for a space without places)
 * @param equipment what it offers ({@code screen}, {@code whiteboard}, ...), in document order
 * @param holdOff the space's own PIR hold-off, or null for its kind's
 * @param places the places it is made of (empty for most spaces; always empty for a place)
 */
public record Space(String id, String name, SpaceKind kind, int capacity, List<String> equipment, Duration holdOff,
        List<Space> places) {

    public Space {
        equipment = List.copyOf(equipment);
        places = List.copyOf(places);
    }
}
