package org.valley.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Naming and listing of segment files. A segment is named by the journal position of its first
 * byte, zero-padded to 20 digits so that names sort like positions: {@code
 * 00000000000067108864.journal}.
 */
final class Segments {

    static final String SUFFIX = ".journal";
    private static final int DIGITS = 20;

    private Segments() {}

    static String fileName(long base) {
        String digits = Long.toString(base);
        return "0".repeat(DIGITS - digits.length()) + digits + SUFFIX;
    }

    /** The base position in a segment file name, or -1 when the name is not a segment's. */
    static long parseBase(String fileName) {
        if (fileName.length() != DIGITS + SUFFIX.length() || !fileName.endsWith(SUFFIX)) {
            return -1;
        }
        long base = 0;
        for (int i = 0; i < DIGITS; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9' || base > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            base = base * 10 + (c - '0');
        }
        return base;
    }

    /** The segment files in {@code dir} by base position; other files are ignored. */
    static NavigableMap<Long, Path> list(Path dir) throws IOException {
        NavigableMap<Long, Path> segments = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                long base = parseBase(file.getFileName().toString());
                if (base >= 0 && Files.isRegularFile(file)) {
                    segments.put(base, file);
                }
            }
        }
        return segments;
    }

    /**
     * Makes a file creation or deletion in {@code dir} durable. POSIX needs an fsync of the
     * directory for that; platforms that cannot open a directory (Windows) persist it with the
     * file itself, so the failure to open is ignored there.
     */
    static void forceDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }
}
