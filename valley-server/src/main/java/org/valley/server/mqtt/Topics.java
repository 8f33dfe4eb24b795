package org.valley.server.mqtt;

import java.util.regex.Pattern;

/**
 * Valley's MQTT topics: devices publish on {@code valley/{tenant}/devices/{deviceId}/up}, and
 * Valley publishes what it decodes on {@code valley/{tenant}/devices/{deviceId}/readings}; a client
 * subscribes with filters inside its own tenant's tree.
 */
public final class Topics {

    static final String ROOT = "valley/";
    private static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private Topics() {}

    /** A parsed uplink topic. */
    record Up(String tenant, String deviceId) {}

    /** Parses {@code valley/{tenant}/devices/{deviceId}/up}, or null when the topic is not one. */
    static Up up(String topic) {
        String[] levels = topic.split("/", -1);
        if (levels.length != 5 || !levels[0].equals("valley") || !levels[2].equals("devices") || !levels[4].equals("up")
                || !LEVEL.matcher(levels[1]).matches() || !LEVEL.matcher(levels[3]).matches()) {
            return null;
        }
        return new Up(levels[1], levels[3]);
    }

    static String readings(String tenant, String deviceId) {
        return ROOT + tenant + "/devices/" + deviceId + "/readings";
    }

    /** Where the live state of a space is published: {@code valley/{tenant}/spaces/{spaceId}}. */
    public static String space(String tenant, String spaceId) {
        return ROOT + tenant + "/spaces/" + spaceId;
    }

    /**
     * True when {@code filter} is a valid MQTT topic filter inside {@code valley/{tenant}/}: the
     * first two levels literal, so a client never sees another tenant's topics.
     */
    static boolean allowedFilter(String filter, String tenant) {
        String prefix = ROOT + tenant + "/";
        if (!filter.startsWith(prefix) || filter.length() > 512) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.contains("+") && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    /** MQTT topic matching: {@code +} matches one level, a final {@code #} this level and every one below. */
    static boolean matches(String filter, String topic) {
        int f = 0;
        int t = 0;
        while (f < filter.length()) {
            int fEnd = filter.indexOf('/', f);
            fEnd = fEnd < 0 ? filter.length() : fEnd;
            String level = filter.substring(f, fEnd);
            if (level.equals("#")) {
                return true;
            }
            if (t > topic.length()) {
                return false;
            }
            int tEnd = topic.indexOf('/', t);
            tEnd = tEnd < 0 ? topic.length() : tEnd;
            if (!level.equals("+") && !level.equals(topic.substring(t, tEnd))) {
                return false;
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
        return t > topic.length();
    }
}
