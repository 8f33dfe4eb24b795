package org.valley.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.valley.journal.JournalFixtures.appendAll;
import static org.valley.journal.JournalFixtures.assertSameUplinks;
import static org.valley.journal.JournalFixtures.replayAll;
import static org.valley.journal.JournalFixtures.uplinks;
import static org.valley.journal.JournalFixtures.uplinksOf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.frame.Uplink;

class JournalSegmentTest {

    /** 2 KiB segments hold about twenty records each. */
    private static final JournalConfig SMALL_SEGMENTS = new JournalConfig(1024, 16, 2048, true);

    @TempDir
    Path dir;

    @Test
    void appends_rollIntoSegmentsNamedByTheirStartPosition() throws Exception {
        List<Uplink> uplinks = uplinks(300);
        try (Journal journal = Journal.open(dir, SMALL_SEGMENTS)) {
            List<Long> positions = appendAll(journal, uplinks);

            NavigableMap<Long, Path> segments = Segments.list(dir);
            assertThat(segments).hasSizeGreaterThan(5);
            long expectedBase = 0;
            for (var segment : segments.entrySet()) {
                assertThat(segment.getKey()).isEqualTo(expectedBase);
                assertThat(segment.getValue().getFileName().toString()).matches("\\d{20}\\.journal");
                assertThat(positions).contains(segment.getKey());
                long size = Files.size(segment.getValue());
                if (!segment.getKey().equals(segments.lastKey())) {
                    // rolled once full: at least segmentBytes, and over by less than one record
                    assertThat(size).isBetween(2048L, 2048L + 200);
                }
                expectedBase += size;
            }
            assertThat(expectedBase).isEqualTo(journal.endPosition());
            assertSameUplinks(uplinksOf(replayAll(journal, 0)), uplinks);
            assertThat(journal.stats().fsyncs()).isGreaterThan(journal.stats().batches());
        }
    }

    @Test
    void replay_acrossSegments_fromAnyRecordPosition() throws Exception {
        List<Uplink> uplinks = uplinks(120);
        try (Journal journal = Journal.open(dir, SMALL_SEGMENTS)) {
            List<Long> positions = appendAll(journal, uplinks);

            for (int i = 0; i < uplinks.size(); i += 7) {
                assertSameUplinks(uplinksOf(replayAll(journal, positions.get(i))), uplinks.subList(i, uplinks.size()));
            }
        }
    }

    @Test
    void releaseBefore_deletesOnlySegmentsWhollyBeforeThePosition() throws Exception {
        List<Uplink> uplinks = uplinks(300);
        try (Journal journal = Journal.open(dir, SMALL_SEGMENTS)) {
            List<Long> positions = appendAll(journal, uplinks);
            List<Long> bases = new ArrayList<>(Segments.list(dir).keySet());
            int consumed = 150;
            long position = positions.get(consumed);

            journal.releaseBefore(position);

            long holding = bases.stream().filter(base -> base <= position).max(Long::compare).orElseThrow();
            assertThat(Segments.list(dir).keySet()).containsExactlyElementsOf(bases.stream().filter(base -> base >= holding).toList());
            assertThat(journal.startPosition()).isEqualTo(holding).isLessThanOrEqualTo(position);
            List<JournalFixtures.Replayed> rest = replayAll(journal, journal.startPosition());
            int firstKept = positions.indexOf(holding);
            assertSameUplinks(uplinksOf(rest), uplinks.subList(firstKept, uplinks.size()));
            assertThatThrownBy(() -> replayAll(journal, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("holds positions " + holding);
        }
        try (Journal reopened = Journal.open(dir, SMALL_SEGMENTS)) {
            assertThat(reopened.startPosition()).isGreaterThan(0);
            assertThat(replayAll(reopened, reopened.startPosition()).getLast().uplink().tenant())
                    .isEqualTo(uplinks.getLast().tenant());
        }
    }

    @Test
    void releaseBefore_endPosition_keepsTheActiveSegment() throws Exception {
        try (Journal journal = Journal.open(dir, SMALL_SEGMENTS)) {
            appendAll(journal, uplinks(100));
            long end = journal.endPosition();

            journal.releaseBefore(end);

            assertThat(Segments.list(dir)).hasSize(1);
            assertThat(journal.startPosition()).isLessThanOrEqualTo(end);
            assertThat(appendAll(journal, uplinks(1))).containsExactly(end);
            assertThat(replayAll(journal, journal.startPosition())).isNotEmpty();
        }
    }

    @Test
    void releaseBefore_beyondTheEnd_isRejected() throws Exception {
        try (Journal journal = Journal.open(dir, SMALL_SEGMENTS)) {
            appendAll(journal, uplinks(3));

            assertThatThrownBy(() -> journal.releaseBefore(journal.endPosition() + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void open_withAMissingMiddleSegment_failsNamingTheGap() throws Exception {
        try (Journal journal = Journal.open(dir, SMALL_SEGMENTS)) {
            appendAll(journal, uplinks(100));
        }
        List<Path> files = new ArrayList<>(Segments.list(dir).values());
        Files.delete(files.get(2));

        assertThatThrownBy(() -> Journal.open(dir, SMALL_SEGMENTS))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining(files.get(1).toString())
                .hasMessageContaining("a segment is missing");
    }
}
