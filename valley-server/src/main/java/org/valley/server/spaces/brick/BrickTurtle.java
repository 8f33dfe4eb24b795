package org.valley.server.spaces.brick;

import java.util.List;
import java.util.Map;
import org.valley.device.Device;
import org.valley.space.site.Site;
import org.valley.space.site.SiteException;
import org.valley.space.site.SiteParser;

/**
 * A site as Brick Schema Turtle ({@code text/turtle}), both ways.
 *
 * <p>{@link #write} describes the site with Brick's location classes and {@code brick:hasPart}
 * (site › building › floor › space › place) and the devices bound to its spaces as Brick points of
 * those spaces; what Brick has no term for (a space's exact kind, capacity, equipment and hold-off,
 * the site's opening hours and rules) is kept in Valley's namespace {@code urn:valley:schema#}, so
 * that reading an exported file gives back the same site. {@link #read} also takes Brick models made
 * by other tools, with nothing but Brick classes, containment and labels.
 *
 * <p>Stateless and thread-safe.
 */
public final class BrickTurtle {

    public static final String MEDIA_TYPE = "text/turtle";

    private BrickTurtle() {}

    /**
     * The site as Brick Turtle, with {@code devices} bound to its spaces as points ({@code brick:Motion_Sensor},
     * {@code brick:Contact_Sensor}, {@code brick:Occupancy_Sensor}, {@code brick:Occupancy_Count_Sensor},
     * {@code brick:CO2_Sensor}, {@code brick:Temperature_Sensor} by role) that are {@code brick:isPointOf}
     * their space. Devices bound to no space of the site are left out.
     */
    public static String write(Site site, List<Device> devices) {
        return BrickWriter.write(site, devices);
    }

    /**
     * Reads Brick Turtle into a site document, the tree {@link SiteParser#parse} takes. Points and
     * equipment are ignored (devices are bound through the devices API).
     *
     * @throws BrickException when the text is not Turtle (with its line and column) or the model is
     *     not a site: no building, a floor outside any building, a room on no floor, places of a place
     */
    public static Map<String, Object> read(String turtle) {
        return BrickReader.read(turtle).document();
    }

    /**
     * Reads Brick Turtle into site {@code id} of {@code tenant}: {@link #read} then the rules of
     * the site document, a broken rule being reported with the entity of the file it comes from.
     *
     * @throws BrickException when the file cannot be read as a site or breaks a rule
     */
    public static Site parse(String id, String tenant, String turtle) {
        BrickReader.Read read = BrickReader.read(turtle);
        try {
            return SiteParser.parse(id, tenant, read.document());
        } catch (SiteException e) {
            String best = null;
            for (String path : read.sources().keySet()) {
                boolean within = path.isEmpty() || e.field().equals(path) || e.field().startsWith(path + ".")
                        || e.field().startsWith(path + "[");
                if (within && (best == null || path.length() > best.length())) {
                    best = path;
                }
            }
            if (best == null) {
                throw new BrickException(e.field(), e.getMessage());
            }
            BrickReader.Source source = read.sources().get(best);
            throw new BrickException(source.name(), source.description() + ": " + e.getMessage());
        }
    }
}
