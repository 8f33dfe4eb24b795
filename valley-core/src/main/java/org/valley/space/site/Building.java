package org.valley.space.site;

import java.util.List;

/** A building of a site. */
public record Building(String id, String name, List<Floor> floors) {

    public Building {
        floors = List.copyOf(floors);
    }
}
