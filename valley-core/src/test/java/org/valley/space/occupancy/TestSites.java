package org.valley.space.occupancy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.valley.space.site.Site;
import org.valley.space.site.SiteParser;

/** Sites for the occupancy tests, written as site documents. */
final class TestSites {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A floor in Paris: a meeting room, a desk, a nap room of three pods, an entrance and a small room. */
    static final String CAMPUS = """
            {"timezone": "Europe/Paris", "reportingIntervals": {"default": "PT1H", "counter": "PT16H"},
             "buildings": [{"id": "b", "floors": [{"id": "f1", "level": 1, "spaces": [
               {"id": "room", "kind": "meeting-room", "capacity": 6},
               {"id": "desk1", "kind": "desk"},
               {"id": "nap", "kind": "nap-room", "places": [{"id": "pod1"}, {"id": "pod2"}, {"id": "pod3"}]},
               {"id": "hall", "kind": "entrance"},
               {"id": "booth", "kind": "phone-booth", "holdOff": "PT2M"}]}]}]}
            """;

    private TestSites() {}

    static Site parse(String json) {
        try {
            return SiteParser.parse("campus", "acme", JSON.readValue(json, new TypeReference<Map<String, Object>>() {}));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Site campus() {
        return parse(CAMPUS);
    }
}
