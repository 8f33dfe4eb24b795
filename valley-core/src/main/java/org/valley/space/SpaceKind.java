package org.valley.space;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The kinds of space a site is made of. A nap room is made of places (nap pods), each itself a
 * space; an open space may be made of desks.
 */
public enum SpaceKind {
    MEETING_ROOM("meeting-room", Duration.ofMinutes(5), true),
    NAP_ROOM("nap-room", Duration.ofMinutes(15), true),
    NAP_POD("nap-pod", Duration.ofMinutes(15), true),
    DESK("desk", Duration.ofMinutes(10), true),
    PHONE_BOOTH("phone-booth", Duration.ofMinutes(5), true),
    OPEN_SPACE("open-space", Duration.ofMinutes(10), false),
    ENTRANCE("entrance", Duration.ofMinutes(5), false);

    private static final List<String> NAMES = Arrays.stream(values()).map(SpaceKind::jsonName).toList();

    private final String jsonName;
    private final Duration defaultHoldOff;
    private final boolean bookable;

    SpaceKind(String jsonName, Duration defaultHoldOff, boolean bookable) {
        this.jsonName = jsonName;
        this.defaultHoldOff = defaultHoldOff;
        this.bookable = bookable;
    }

    /** The name in JSON documents: {@code meeting-room}, {@code nap-pod}, ... */
    public String jsonName() {
        return jsonName;
    }

    /**
     * How long a PIR's last motion keeps the space occupied when the site sets nothing else: 5 min for
     * a meeting room, 10 for a desk, 15 for a nap pod (METRICS.md), and by analogy for the others.
     */
    public Duration defaultHoldOff() {
        return defaultHoldOff;
    }

    /** Whether the space can be booked (an entrance or an open space cannot). */
    public boolean bookable() {
        return bookable;
    }

    /** The kind named {@code name}, or null. */
    public static SpaceKind of(String name) {
        for (SpaceKind k : values()) {
            if (k.jsonName.equals(name)) {
                return k;
            }
        }
        return null;
    }

    public static List<String> names() {
        return NAMES;
    }
}
