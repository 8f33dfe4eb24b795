package org.valley.server.spaces;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.valley.server.http.Problem;
import org.valley.space.site.Building;
import org.valley.space.site.Floor;
import org.valley.space.site.Site;
import org.valley.space.site.Space;

/** Reading a site document from a request, and the rule across sites: a space id belongs to one site. */
final class SiteBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SiteBodies() {}

    /** A site document's JSON object as maps, lists, strings, numbers and booleans. */
    static Map<String, Object> map(byte[] body) {
        if (body == null || body.length == 0) {
            throw Problem.malformed("a JSON object body is required (the site document)");
        }
        try {
            Object value = JSON.readValue(body, Object.class);
            if (!(value instanceof Map<?, ?>)) {
                throw Problem.malformed("the body must be a JSON object (the site document)");
            }
            return JSON.convertValue(value, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw Problem.malformed("the body is not valid JSON: " + message);
        }
    }

    /** Space ids are unique across every site: 409 naming the first one another site holds. */
    static void requireOwnSpaceIds(Site site, SpaceDirectory directory) {
        List<Building> buildings = site.buildings();
        for (int b = 0; b < buildings.size(); b++) {
            List<Floor> floors = buildings.get(b).floors();
            for (int f = 0; f < floors.size(); f++) {
                List<Space> spaces = floors.get(f).spaces();
                for (int s = 0; s < spaces.size(); s++) {
                    String path = "buildings[" + b + "].floors[" + f + "].spaces[" + s + "]";
                    requireOwn(site, spaces.get(s), path + ".id", directory);
                    List<Space> places = spaces.get(s).places();
                    for (int p = 0; p < places.size(); p++) {
                        requireOwn(site, places.get(p), path + ".places[" + p + "].id", directory);
                    }
                }
            }
        }
    }

    private static void requireOwn(Site site, Space space, String field, SpaceDirectory directory) {
        SpaceDirectory.Entry other = directory.space(space.id());
        if (other != null && !other.site().id().equals(site.id())) {
            throw Problem.conflict(field, "space id '" + space.id() + "' is taken by another site");
        }
    }
}
