package org.valley.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.valley.journal.JournalFixtures.FAST;
import static org.valley.journal.JournalFixtures.appendAll;
import static org.valley.journal.JournalFixtures.assertSameUplinks;
import static org.valley.journal.JournalFixtures.replayAll;
import static org.valley.journal.JournalFixtures.segment;
import static org.valley.journal.JournalFixtures.uplinks;
import static org.valley.journal.JournalFixtures.uplinksOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.valley.frame.Uplink;

class JournalRecoveryTest {

    private static final int RECORDS = 30;

    @TempDir
    Path dir;

    private final List<Uplink> uplinks = uplinks(RECORDS);
    private List<Long> positions;
    private long end;
    private byte[] segmentBytes;

    /** Held strongly: JUL forgets the settings of a logger nobody references. */
    private static final Logger JOURNAL_LOG = Logger.getLogger(Journal.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureTheJournalLog() {
        // Recovery warns on every torn tail; keep those out of the build output and let tests read them.
        JOURNAL_LOG.addHandler(capture);
        JOURNAL_LOG.setUseParentHandlers(false);
    }

    @AfterEach
    void restoreTheJournalLog() {
        JOURNAL_LOG.removeHandler(capture);
        JOURNAL_LOG.setUseParentHandlers(true);
    }

    @BeforeEach
    void writeAJournal() throws Exception {
        try (Journal journal = Journal.open(dir, FAST)) {
            positions = appendAll(journal, uplinks);
            end = journal.endPosition();
        }
        segmentBytes = Files.readAllBytes(segment(dir, 0));
        assertThat(segmentBytes).hasSize((int) end);
    }

    /** Writes {@code bytes} as the only segment of a fresh journal directory. */
    private static Path journalWith(Path dir, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(segment(dir, 0), bytes);
        return dir;
    }

    /** Opens the journal, checks it holds exactly the first {@code complete} records, and appends one more. */
    private void assertRecoversTo(Path journalDir, int complete) throws Exception {
        try (Journal journal = Journal.open(journalDir, FAST)) {
            long expectedEnd = complete == RECORDS ? end : positions.get(complete);
            assertThat(journal.endPosition()).isEqualTo(expectedEnd);
            assertSameUplinks(uplinksOf(replayAll(journal, 0)), uplinks.subList(0, complete));

            assertThat(appendAll(journal, List.of(uplinks.getFirst()))).containsExactly(expectedEnd);
            assertThat(replayAll(journal, 0)).hasSize(complete + 1);
        }
    }

    @Test
    void tornTail_cutAtEveryOffsetInsideTheLastRecord_isTruncatedToTheRecordBefore() throws Exception {
        long lastStart = positions.getLast();
        Path file = segment(dir.resolve("cut"), 0);
        for (int cut = (int) lastStart; cut < segmentBytes.length; cut++) {
            journalWith(file.getParent(), Arrays.copyOf(segmentBytes, cut));

            assertThat(SegmentRecovery.recover(file, 0)).as("cut at %d", cut).isEqualTo(lastStart);
            assertThat(Files.size(file)).isEqualTo(lastStart);
        }
    }

    @ParameterizedTest(name = "cut {0} bytes into the last record")
    @ValueSource(ints = {1, 4, 7, 8, 9, 20, 60, -1})
    void tornTail_reopenKeepsEveryCompleteRecord_andAppendsContinue(int intoLastRecord) throws Exception {
        int lastStart = positions.getLast().intValue();
        int cut = intoLastRecord > 0 ? lastStart + intoLastRecord : segmentBytes.length + intoLastRecord;
        Path copy = journalWith(dir.resolve("cut-" + cut), Arrays.copyOf(segmentBytes, cut));

        assertRecoversTo(copy, RECORDS - 1);
    }

    @Test
    void tornTail_isLoggedWithWhatWasDroppedAndWhy() throws Exception {
        long lastStart = positions.getLast();
        Path copy = journalWith(dir.resolve("logged"), Arrays.copyOf(segmentBytes, (int) lastStart + 5));

        Journal.open(copy, JournalFixtures.FAST).close();

        assertThat(logged).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(new SimpleFormatter().formatMessage(record))
                    .contains(segment(copy, 0).toString())
                    .contains("dropped a torn tail of 5 bytes at position " + lastStart)
                    .contains("only 5 bytes left where a record header needs 8");
        });
    }

    @Test
    void cleanShutdown_recoversWithoutDroppingAnything() throws Exception {
        try (Journal journal = Journal.open(dir, FAST)) {
            assertThat(journal.endPosition()).isEqualTo(end);
        }

        assertThat(logged).isEmpty();
        assertThat(Files.size(segment(dir, 0))).isEqualTo(end);
    }

    @Test
    void tornTail_cutInsideEarlierRecords_keepsEveryCompleteRecord() throws Exception {
        for (int record = 0; record < RECORDS - 1; record += 4) {
            int cut = positions.get(record).intValue() + 1 + record % 9;
            Path copy = journalWith(dir.resolve("cut-" + cut), Arrays.copyOf(segmentBytes, cut));

            assertRecoversTo(copy, record);
        }
    }

    @ParameterizedTest(name = "{0} garbage bytes")
    @ValueSource(ints = {1, 7, 8, 9, 40, 511, 4096, 100_000})
    void garbageAfterTheLastRecord_isDroppedAndAppendsContinue(int length) throws Exception {
        Random random = new Random(length);
        for (int trial = 0; trial < 5; trial++) {
            byte[] garbage = new byte[length];
            random.nextBytes(garbage);
            Path copy = journalWith(dir.resolve("garbage-" + trial), concat(segmentBytes, garbage));

            assertRecoversTo(copy, RECORDS);
        }
    }

    @Test
    void zerosAfterTheLastRecord_areDropped() throws Exception {
        // What a file system shows for a file extended by a write that never reached the disk.
        Path copy = journalWith(dir.resolve("zeros"), concat(segmentBytes, new byte[8192]));

        assertRecoversTo(copy, RECORDS);
    }

    @Test
    void tornLastRecordFollowedByGarbage_isDropped() throws Exception {
        byte[] torn = Arrays.copyOf(segmentBytes, (int) (positions.getLast() + 20));
        byte[] garbage = new byte[300];
        new Random(7).nextBytes(garbage);
        Path copy = journalWith(dir.resolve("torn-garbage"), concat(torn, garbage));

        assertRecoversTo(copy, RECORDS - 1);
    }

    @Test
    void corruptByteInAMiddleRecordOfTheLastSegment_failsOpenNamingSegmentAndPosition() throws Exception {
        long victim = positions.get(RECORDS / 2);
        for (int offsetInRecord : new int[] {0, 3, 5, 8, 9, 30}) {
            byte[] damaged = segmentBytes.clone();
            damaged[(int) victim + offsetInRecord] ^= 0x5A;
            Path copy = journalWith(dir.resolve("damaged-" + offsetInRecord), damaged);

            assertThatThrownBy(() -> Journal.open(copy, FAST))
                    .as("byte %d of the record", offsetInRecord)
                    .isInstanceOf(JournalCorruptException.class)
                    .hasMessageContaining(segment(copy, 0).toString())
                    .hasMessageContaining("record at position " + victim)
                    .hasMessageContaining("a valid record follows at position " + positions.get(RECORDS / 2 + 1));
            // the damage is left for the operator: nothing was truncated
            assertThat(Files.readAllBytes(segment(copy, 0))).isEqualTo(damaged);
        }
    }

    @Test
    void corruptByteInAnOlderSegment_failsReplayNamingSegmentAndPosition() throws Exception {
        Path rolled = dir.resolve("rolled");
        JournalConfig smallSegments = new JournalConfig(1024, 16, 1024, false);
        List<Long> rolledPositions;
        try (Journal journal = Journal.open(rolled, smallSegments)) {
            rolledPositions = appendAll(journal, uplinks(60));
        }
        List<Path> files = new ArrayList<>(Segments.list(rolled).values());
        assertThat(files).hasSizeGreaterThan(2);
        long secondBase = Segments.list(rolled).keySet().stream().skip(1).findFirst().orElseThrow();
        int victimIndex = rolledPositions.indexOf(secondBase) + 2;
        long victim = rolledPositions.get(victimIndex);
        byte[] bytes = Files.readAllBytes(files.get(1));
        bytes[(int) (victim - secondBase) + 20] ^= 0x01;
        Files.write(files.get(1), bytes);

        try (Journal journal = Journal.open(rolled, smallSegments)) {
            List<Long> seen = new ArrayList<>();
            assertThatThrownBy(() -> journal.replay(0, (position, uplink) -> seen.add(position)))
                    .isInstanceOf(JournalCorruptException.class)
                    .hasMessageContaining(files.get(1).toString())
                    .hasMessageContaining("record at position " + victim)
                    .hasMessageContaining("CRC32C mismatch");
            assertThat(seen).containsExactlyElementsOf(rolledPositions.subList(0, victimIndex));
        }
    }

    @Test
    void replay_fromAPositionInsideARecord_failsAsCorrupt() throws Exception {
        try (Journal journal = Journal.open(dir, FAST)) {
            assertThatThrownBy(() -> replayAll(journal, positions.get(3) + 5))
                    .isInstanceOf(JournalCorruptException.class)
                    .hasMessageContaining("record at position " + (positions.get(3) + 5));
        }
    }

    @Test
    void emptyLastSegment_opensAndAppends() throws Exception {
        Files.createFile(segment(dir, end));

        try (Journal journal = Journal.open(dir, FAST)) {
            assertThat(journal.endPosition()).isEqualTo(end);
            assertThat(appendAll(journal, List.of(uplinks.getFirst()))).containsExactly(end);
            assertThat(replayAll(journal, 0)).hasSize(RECORDS + 1);
        }
    }

    @Test
    void unrelatedFilesInTheDirectory_areIgnored() throws Exception {
        Files.writeString(dir.resolve("README.txt"), "hello");
        Files.writeString(dir.resolve("123.journal"), "not a segment name");

        try (Journal journal = Journal.open(dir, FAST)) {
            assertThat(replayAll(journal, 0)).hasSize(RECORDS);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
