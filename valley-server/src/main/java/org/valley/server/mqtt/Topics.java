package org.valley.server.mqtt;

/**
 * Valley's MQTT topics: devices publish on {@code valley/{tenant}/devices/{deviceId}/up}, and
 * Valley publishes what it decodes on {@code valley/{tenant}/devices/{deviceId}/readings}; a client
 * subscribes with filters inside its own tenant's tree.
 */
public final class Topics {

    static final String ROOT = "valley/";
    private static final String DEVICES = "/devices/";
    private static final String UP = "/up";
    /** The longest tenant or device id in a topic level. */
    private static final int MAX_LEVEL = 64;

    private Topics() {}

    /** A parsed uplink topic. */
    record Up(String tenant, String deviceId) {}

    /**
     * Parses {@code valley/{tenant}/devices/{deviceId}/up}, or null when the topic is not one; both
     * ids are 1 to 64 of {@code [A-Za-z0-9._:-]}, starting with a letter or digit. Runs for every
     * PUBLISH, so it scans the topic once without a regular expression.
     */
    static Up up(String topic) {
        if (!topic.startsWith(ROOT) || !topic.endsWith(UP)) {
            return null;
        }
        int tenantEnd = levelEnd(topic, ROOT.length());
        if (tenantEnd < 0 || !topic.startsWith(DEVICES, tenantEnd)) {
            return null;
        }
        int deviceStart = tenantEnd + DEVICES.length();
        int deviceEnd = levelEnd(topic, deviceStart);
        if (deviceEnd != topic.length() - UP.length()) {
            return null;
        }
        return new Up(topic.substring(ROOT.length(), tenantEnd), topic.substring(deviceStart, deviceEnd));
    }

    /** Where the id level starting at {@code from} ends (at a '/' or the end), or -1 when it is not an id. */
    private static int levelEnd(String topic, int from) {
        int i = from;
        while (i < topic.length() && topic.charAt(i) != '/') {
            char c = topic.charAt(i);
            boolean alphanumeric = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alphanumeric && (i == from || c != '.' && c != '_' && c != ':' && c != '-')) {
                return -1;
            }
            i++;
        }
        return i == from || i - from > MAX_LEVEL ? -1 : i;
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
