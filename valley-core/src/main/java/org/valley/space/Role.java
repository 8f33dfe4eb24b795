package org.valley.space;

import java.util.Arrays;
import java.util.List;

/**
 * What a device bound to a space measures there, and the reading key it reads unless the device
 * names another ({@code roleKey}). Temperature and other roles are kept with the space but are no
 * evidence of presence.
 */
public enum Role {
    MOTION("motion", "motion", true),
    DOOR("door", "open", true),
    DESK("desk", "occupied", true),
    SEAT("seat", "occupied", true),
    /** People counter: {@code count} (present now) or {@code in} and {@code out} (since the last message). */
    COUNTER("counter", "count", true),
    CO2("co2", "co2", false),
    TEMPERATURE("temperature", "temperature", false),
    OTHER("other", null, false);

    private static final List<String> NAMES = Arrays.stream(values()).map(Role::jsonName).toList();

    private final String jsonName;
    private final String defaultKey;
    private final boolean presence;

    Role(String jsonName, String defaultKey, boolean presence) {
        this.jsonName = jsonName;
        this.defaultKey = defaultKey;
        this.presence = presence;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The reading key read when the device names none. */
    public String defaultKey() {
        return defaultKey;
    }

    /** Whether the role's readings are evidence of presence (CO2 only supports; temperature is none). */
    public boolean presence() {
        return presence;
    }

    /** The role named {@code name}, or null. */
    public static Role of(String name) {
        for (Role r : values()) {
            if (r.jsonName.equals(name)) {
                return r;
            }
        }
        return null;
    }

    public static List<String> names() {
        return NAMES;
    }
}
