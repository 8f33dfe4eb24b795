package org.valley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * The shared test vectors ({@code shared/vectors/*.json}) and JSON comparison for tests.
 *
 * <p>The shared directory is {@code $VALLEY_SHARED_DIR} (Surefire sets it to
 * {@code <project root>/../shared}); when that is unset or wrong, the first {@code shared}
 * directory holding {@code vectors/} found walking up from the working directory.
 */
public final class Vectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {}

    /** The shared directory; fails with what was tried when none is found. */
    public static Path sharedDir() {
        String env = System.getenv("VALLEY_SHARED_DIR");
        if (env != null && !env.isBlank() && Files.isDirectory(Path.of(env).resolve("vectors"))) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared");
            if (Files.isDirectory(candidate.resolve("vectors"))) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("shared test vectors not found: VALLEY_SHARED_DIR is "
                + (env == null ? "unset" : "'" + env + "' (no vectors/ there)")
                + " and no shared/vectors/ directory exists at or above " + start
                + "; set VALLEY_SHARED_DIR to the directory holding vectors/");
    }

    /** Reads {@code shared/vectors/<fileName>} as a JSON tree. */
    public static JsonNode read(String fileName) {
        Path file = sharedDir().resolve("vectors").resolve(fileName);
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test vectors " + file, e);
        }
    }

    /** Parses hex (either case) into bytes. */
    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** Any value (maps, lists, numbers...) as a JSON tree. */
    public static JsonNode toTree(Object value) {
        return JSON.valueToTree(value);
    }

    /**
     * Whether two JSON trees are equal, numbers compared by value (21.5 equals 21.50, 18 equals
     * 18.0), everything else exactly.
     */
    public static boolean jsonEquals(JsonNode expected, JsonNode actual) {
        return expected.equals(NUMERIC_VALUE, actual);
    }

    private static final Comparator<JsonNode> NUMERIC_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            if (!Double.isFinite(a.doubleValue()) || !Double.isFinite(b.doubleValue())) {
                return Double.compare(a.doubleValue(), b.doubleValue());
            }
            return toDecimal(a).compareTo(toDecimal(b));
        }
        return a.equals(b) ? 0 : 1;
    };

    private static BigDecimal toDecimal(JsonNode number) {
        if (number.isDouble() || number.isFloat()) {
            return new BigDecimal(Double.toString(number.doubleValue()));
        }
        return number.decimalValue();
    }
}
