package org.valley.device;

import java.util.Locale;
import java.util.Set;

/**
 * A device's identity on its network.
 *
 * @param kind {@code sigfox}, {@code lorawan}, {@code mqtt} or {@code http}
 * @param id the Sigfox id or devEUI, normalised to upper case
 */
public record NetworkRef(String kind, String id) {

    public static final Set<String> KINDS = Set.of("sigfox", "lorawan", "mqtt", "http");

    public NetworkRef {
        if (kind == null || !KINDS.contains(kind)) {
            throw new IllegalArgumentException("network.kind must be one of " + KINDS + ", got " + kind);
        }
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("network.id is required");
        }
        id = id.toUpperCase(Locale.ROOT);
    }
}
