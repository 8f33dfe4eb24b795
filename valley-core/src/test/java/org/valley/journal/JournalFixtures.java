package org.valley.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;

/** Uplinks and helpers shared by the journal tests. */
final class JournalFixtures {

    /** Small segments, no fsync: fast tests that still roll. */
    static final JournalConfig FAST = new JournalConfig(1024, 64, 64L << 20, false);

    private JournalFixtures() {}

    /** A realistic Sigfox uplink, varied by {@code i}. */
    static Uplink uplink(int i) {
        return new Uplink(
                i % 5 == 0 ? UplinkKind.SIGFOX_ADVANCED : UplinkKind.SIGFOX_DATA,
                "tenant-" + (i % 3),
                "sigfox-main",
                String.format("%08X", 0x1A2B000 + i % 1000),
                i % 4096,
                1_700_000_000_000L + i * 1000L,
                1_700_000_000_000L + i * 1000L + 350,
                new byte[] {(byte) i, (byte) (i >> 8), 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88, (byte) 0x99, 0x00},
                List.of(new Reception("0A1B", -120.5, 7.25), new Reception("1C2D", -131.0, null)),
                i % 7 == 0,
                i % 11 == 0,
                i % 2 == 0 ? null : "{\"lqi\":\"Good\",\"i\":" + i + "}");
    }

    static List<Uplink> uplinks(int count) {
        List<Uplink> uplinks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            uplinks.add(uplink(i));
        }
        return uplinks;
    }

    /** Appends every uplink (retrying while the queue is full) and waits until all are durable. */
    static List<Long> appendAll(Journal journal, List<Uplink> uplinks) throws Exception {
        List<CompletableFuture<Long>> futures = new ArrayList<>(uplinks.size());
        for (Uplink uplink : uplinks) {
            futures.add(append(journal, uplink));
        }
        List<Long> positions = new ArrayList<>(uplinks.size());
        for (CompletableFuture<Long> future : futures) {
            positions.add(future.get(30, TimeUnit.SECONDS));
        }
        return positions;
    }

    /** Appends one uplink, retrying while the queue is full; the future completes with its position. */
    static CompletableFuture<Long> append(Journal journal, Uplink uplink) throws InterruptedException {
        CompletableFuture<Long> future = new CompletableFuture<>();
        AppendCallback callback = (position, error) -> {
            if (error == null) {
                future.complete(position);
            } else {
                future.completeExceptionally(error);
            }
        };
        while (!journal.tryAppend(uplink, callback)) {
            Thread.sleep(1);
        }
        return future;
    }

    /** A record read back by replay. */
    record Replayed(long position, Uplink uplink) {}

    static List<Replayed> replayAll(Journal journal, long from) throws IOException {
        List<Replayed> records = new ArrayList<>();
        journal.replay(from, (position, uplink) -> records.add(new Replayed(position, uplink)));
        return records;
    }

    static List<Uplink> uplinksOf(List<Replayed> records) {
        return records.stream().map(Replayed::uplink).toList();
    }

    /**
     * Field by field, payload bytes included (Uplink.equals compares arrays by identity), and doubles
     * exactly (AssertJ's default tolerates 1e-15 and finds NaN unequal to itself).
     */
    private static final RecursiveComparisonConfiguration EXACT = RecursiveComparisonConfiguration.builder()
            .withComparatorForType(Comparator.nullsFirst(Double::compare), Double.class)
            .build();

    static void assertSameUplinks(List<Uplink> actual, List<Uplink> expected) {
        assertThat(actual).usingRecursiveFieldByFieldElementComparator(EXACT).containsExactlyElementsOf(expected);
    }

    static void assertSameUplink(Uplink actual, Uplink expected) {
        assertThat(actual).usingRecursiveComparison(EXACT).isEqualTo(expected);
    }

    static Path segment(Path dir, long base) {
        return dir.resolve(Segments.fileName(base));
    }
}
