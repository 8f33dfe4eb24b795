package org.valley.space.site;

import java.util.List;

/**
 * A floor of a building.
 *
 * @param level its level (0 the ground floor), used to sort and to filter
 */
public record Floor(String id, String name, int level, List<Space> spaces) {

    public Floor {
        spaces = List.copyOf(spaces);
    }
}
