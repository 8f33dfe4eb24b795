package org.valley.codec;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.valley.codec.sensit.SensitV3;

/**
 * The codecs Valley ships, by name: what a codec of kind {@code builtin} refers to. Built-ins are
 * stateless, so each name maps to one shared instance.
 *
 * <ul>
 *   <li>{@code sensit-v3} (alias {@code sensit}): Sigfox's Sens'it, v3 frames and the older v2.
 * </ul>
 */
public final class BuiltinCodecs {

    private static final Codec SENSIT = new SensitV3();

    /** Canonical names. */
    private static final Map<String, Codec> CODECS = Map.of("sensit-v3", SENSIT);

    /** Other names accepted for the same codecs. */
    private static final Map<String, Codec> ALIASES = Map.of("sensit", SENSIT);

    private BuiltinCodecs() {}

    /**
     * Finds a built-in codec.
     *
     * @param name a canonical name or an alias, case-insensitive, surrounding spaces ignored
     * @return the codec, or empty when no built-in has that name (or the name is null)
     */
    public static Optional<Codec> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.strip().toLowerCase(Locale.ROOT);
        Codec codec = CODECS.get(key);
        return Optional.ofNullable(codec != null ? codec : ALIASES.get(key));
    }

    /**
     * The canonical names of the built-in codecs (aliases left out).
     *
     * @return an unmodifiable set
     */
    public static Set<String> names() {
        return CODECS.keySet();
    }
}
