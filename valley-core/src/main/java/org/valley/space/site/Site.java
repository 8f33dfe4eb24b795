package org.valley.space.site;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.valley.space.Role;
import org.valley.space.SpaceKind;

/**
 * A site: the buildings of one campus with their floors and spaces, and the rules that turn
 * sensor readings into occupancy there.
 *
 * @param id the site's id
 * @param tenant the tenant it belongs to
 * @param name a human-readable name
 * @param timezone where its clocks are: opening hours and the daily counter reset are local times
 * @param openingHours when it is open
 * @param holdOffs PIR hold-off per space kind, overriding the kind's default
 * @param noShowGrace how long a booking waits for presence before it is released
 * @param emptyHour the local time of day when nobody is inside: people counters reset to 0 then
 * @param reportingIntervals how often a sensor of a role is expected to report, overriding
 *     {@code defaultReportingInterval}; silence past three intervals makes it stale
 * @param defaultReportingInterval how often a sensor is expected to report
 * @param buildings its buildings
 */
public record Site(
        String id,
        String tenant,
        String name,
        ZoneId timezone,
        OpeningHours openingHours,
        Map<SpaceKind, Duration> holdOffs,
        Duration noShowGrace,
        LocalTime emptyHour,
        Map<Role, Duration> reportingIntervals,
        Duration defaultReportingInterval,
        List<Building> buildings) {

    public static final Duration DEFAULT_NO_SHOW_GRACE = Duration.ofMinutes(10);
    public static final LocalTime DEFAULT_EMPTY_HOUR = LocalTime.of(3, 0);
    public static final Duration DEFAULT_REPORTING_INTERVAL = Duration.ofHours(1);

    public Site {
        holdOffs = Map.copyOf(holdOffs);
        reportingIntervals = Map.copyOf(reportingIntervals);
        buildings = List.copyOf(buildings);
    }

    /** The hold-off of {@code space}: its own, else its kind's on this site, else the kind's default. */
    public Duration holdOff(Space space) {
        if (space.holdOff() != null) {
            return space.holdOff();
        }
        return holdOffs.getOrDefault(space.kind(), space.kind().defaultHoldOff());
    }

    /** How often a sensor of {@code role} is expected to report. */
    public Duration reportingInterval(Role role) {
        return reportingIntervals.getOrDefault(role, defaultReportingInterval);
    }

    /** Every space and place of the site with where it is, in document order (a space before its places). */
    public List<Placement> placements() {
        List<Placement> out = new ArrayList<>();
        for (Building b : buildings) {
            for (Floor f : b.floors()) {
                for (Space s : f.spaces()) {
                    out.add(new Placement(s, b, f, null));
                    for (Space p : s.places()) {
                        out.add(new Placement(p, b, f, s));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Where a space is.
     *
     * @param parent the space it is a place of, or null
     */
    public record Placement(Space space, Building building, Floor floor, Space parent) {}
}
