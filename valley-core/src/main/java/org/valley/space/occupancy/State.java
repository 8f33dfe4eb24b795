package org.valley.space.occupancy;

import java.util.Locale;

/** Whether a space is in use: occupied, free, or unknown when its sensors are silent or never reported. */
public enum State {
    OCCUPIED,
    FREE,
    UNKNOWN;

    /** {@code occupied}, {@code free} or {@code unknown}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static State of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
