package org.valley.space.site;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Set;

/**
 * When a site is open, in its own time zone: the same hours on each of {@code days}.
 *
 * @param from opening time
 * @param to closing time; {@link LocalTime#MAX} stands for 24:00
 * @param days the days it opens
 */
public record OpeningHours(LocalTime from, LocalTime to, Set<DayOfWeek> days) {

    /** 08:00-20:00 every day, the default of METRICS.md. */
    public static final OpeningHours DEFAULT =
            new OpeningHours(LocalTime.of(8, 0), LocalTime.of(20, 0), Set.of(DayOfWeek.values()));

    public OpeningHours {
        days = Set.copyOf(days);
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("opening hours must end after they start: " + from + "-" + to);
        }
    }
}
