package org.valley.space.occupancy;

import java.util.Map;
import java.util.function.Function;
import org.valley.space.Role;

/**
 * What one decoded frame of a bound device says about its space, read with the device's role.
 * A frame without the role's key still shows that the sensor is alive ({@code a} and {@code b}
 * are NaN then).
 *
 * @param deviceId the device
 * @param frame the frame's identity for its device (extended sequence number), to recognise it twice
 * @param ts the reading's own time (epoch ms), not its arrival
 * @param a motion (1 seen, 0 none), door (1 open, 0 closed), desk and seat (1 occupied, 0 free),
 *     counter (people present now), co2 (ppm); NaN when absent
 * @param b counter only: entries minus exits since the previous message; NaN when absent
 */
public record Observation(String deviceId, long frame, long ts, double a, double b) {

    /**
     * Reads the values of {@code role} from a frame's readings, found by key through {@code lookup}
     * ({@code roleKey} overrides the role's default key; for a counter, {@code "in,out"} names the
     * entry and exit keys).
     */
    public static Observation read(Role role, String roleKey, String deviceId, long frame, long ts,
            Function<String, Object> lookup) {
        String key = roleKey != null && !roleKey.isBlank() ? roleKey : role.defaultKey();
        double a = Double.NaN;
        double b = Double.NaN;
        switch (role) {
            case MOTION -> a = flag(lookup.apply(key), "motion", "detected", "none", "clear");
            case DOOR -> a = door(lookup.apply(key));
            case DESK, SEAT -> a = flag(lookup.apply(key), "occupied", "busy", "free", "vacant");
            case CO2 -> a = number(lookup.apply(key));
            case COUNTER -> {
                int comma = key.indexOf(',');
                if (comma < 0) {
                    a = number(lookup.apply(key));
                }
                if (Double.isNaN(a)) {
                    String inKey = comma < 0 ? "in" : key.substring(0, comma).trim();
                    String outKey = comma < 0 ? "out" : key.substring(comma + 1).trim();
                    double in = number(lookup.apply(inKey));
                    double out = number(lookup.apply(outKey));
                    if (!Double.isNaN(in) || !Double.isNaN(out)) {
                        b = (Double.isNaN(in) ? 0 : in) - (Double.isNaN(out) ? 0 : out);
                    }
                }
            }
            case TEMPERATURE, OTHER -> {
                // kept for liveness only: no evidence of presence
            }
        }
        return new Observation(deviceId, frame, ts, a, b);
    }

    /** Looks a dotted key ({@code a.b}) up in a decoded frame's nested maps. */
    public static Object lookup(Map<String, Object> data, String key) {
        Object direct = data.get(key);
        if (direct != null || key.indexOf('.') < 0) {
            return direct;
        }
        Object node = data;
        for (String part : key.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    private static double number(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : Double.NaN;
        }
        if (v instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        return Double.NaN;
    }

    /** 1 or 0 from a boolean, a number (greater than 0 is 1) or one of the words; NaN otherwise. */
    private static double flag(Object v, String yes1, String yes2, String no1, String no2) {
        if (v instanceof String s) {
            String w = s.trim().toLowerCase(java.util.Locale.ROOT);
            if (w.equals("true") || w.equals(yes1) || w.equals(yes2)) {
                return 1;
            }
            if (w.equals("false") || w.equals(no1) || w.equals(no2)) {
                return 0;
            }
            return Double.NaN;
        }
        double d = number(v);
        return Double.isNaN(d) ? d : d > 0 ? 1 : 0;
    }

    /**
     * 1 open, 0 closed: {@code true}/{@code "open"}/1 and {@code false}/{@code "closed"}/0 as API.md
     * says, and the door states of the Sens'it (2 closed, 3 open); anything else (the Sens'it's 4, "not
     * calibrated") says nothing.
     */
    private static double door(Object v) {
        if (v instanceof String s) {
            String w = s.trim().toLowerCase(java.util.Locale.ROOT);
            return switch (w) {
                case "open", "opened", "true" -> 1;
                case "closed", "close", "shut", "false" -> 0;
                default -> Double.NaN;
            };
        }
        double d = number(v);
        if (d == 0 || d == 2) {
            return 0;
        }
        if (d == 1 || d == 3) {
            return 1;
        }
        return Double.NaN;
    }
}
