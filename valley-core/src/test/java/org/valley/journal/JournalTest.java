package org.valley.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.valley.journal.JournalFixtures.FAST;
import static org.valley.journal.JournalFixtures.appendAll;
import static org.valley.journal.JournalFixtures.assertSameUplinks;
import static org.valley.journal.JournalFixtures.replayAll;
import static org.valley.journal.JournalFixtures.uplinks;
import static org.valley.journal.JournalFixtures.uplinksOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.valley.frame.Uplink;

class JournalTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "fsync={0}")
    @ValueSource(booleans = {true, false})
    void replay_fromStart_returnsEveryRecordInAppendOrderWithIncreasingPositions(boolean fsync) throws Exception {
        List<Uplink> uplinks = uplinks(500);
        try (Journal journal = Journal.open(dir, new JournalConfig(1024, 64, 64L << 20, fsync))) {
            List<Long> positions = appendAll(journal, uplinks);

            assertThat(positions).first().isEqualTo(0L);
            assertThat(positions).isSorted().doesNotHaveDuplicates();
            List<JournalFixtures.Replayed> replayed = replayAll(journal, journal.startPosition());
            assertSameUplinks(uplinksOf(replayed), uplinks);
            assertThat(replayed).extracting(JournalFixtures.Replayed::position).containsExactlyElementsOf(positions);
            assertThat(journal.endPosition()).isGreaterThan(positions.getLast());
        }
    }

    @Test
    void replay_fromMiddlePosition_startsWithTheRecordAtThatPosition() throws Exception {
        List<Uplink> uplinks = uplinks(100);
        try (Journal journal = Journal.open(dir, FAST)) {
            List<Long> positions = appendAll(journal, uplinks);

            List<JournalFixtures.Replayed> replayed = replayAll(journal, positions.get(37));

            assertSameUplinks(uplinksOf(replayed), uplinks.subList(37, 100));
            assertThat(replayed.getFirst().position()).isEqualTo(positions.get(37));
        }
    }

    @Test
    void replay_fromEndPosition_returnsNothing() throws Exception {
        try (Journal journal = Journal.open(dir, FAST)) {
            appendAll(journal, uplinks(3));

            assertThat(replayAll(journal, journal.endPosition())).isEmpty();
        }
    }

    @Test
    void replay_outsideTheJournal_isRejected() throws Exception {
        try (Journal journal = Journal.open(dir, FAST)) {
            appendAll(journal, uplinks(3));
            long end = journal.endPosition();

            assertThatThrownBy(() -> replayAll(journal, end + 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("holds positions 0 to " + end);
            assertThatThrownBy(() -> replayAll(journal, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void replay_stopsAtTheEndPositionOfTheMomentItStarted() throws Exception {
        try (Journal journal = Journal.open(dir, FAST)) {
            appendAll(journal, uplinks(10));
            List<Long> seen = new ArrayList<>();

            journal.replay(journal.startPosition(), (position, uplink) -> {
                seen.add(position);
                if (seen.size() == 1) {
                    try {
                        appendAll(journal, uplinks(5));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            });

            assertThat(seen).hasSize(10);
            assertThat(replayAll(journal, 0)).hasSize(15);
        }
    }

    @Test
    void reopen_replaysTheSameRecords_andAppendsContinueAfterThem() throws Exception {
        List<Uplink> first = uplinks(200);
        List<Long> firstPositions;
        long end;
        try (Journal journal = Journal.open(dir, FAST)) {
            firstPositions = appendAll(journal, first);
            end = journal.endPosition();
        }

        try (Journal journal = Journal.open(dir, FAST)) {
            assertThat(journal.endPosition()).isEqualTo(end);
            List<JournalFixtures.Replayed> replayed = replayAll(journal, 0);
            assertSameUplinks(uplinksOf(replayed), first);
            assertThat(replayed).extracting(JournalFixtures.Replayed::position).containsExactlyElementsOf(firstPositions);

            List<Long> more = appendAll(journal, uplinks(3));
            assertThat(more.getFirst()).isEqualTo(end);
            assertThat(replayAll(journal, 0)).hasSize(203);
        }
    }

    @Test
    void open_directoryAlreadyOpen_isRefused() throws Exception {
        try (Journal journal = Journal.open(dir, FAST)) {
            assertThatThrownBy(() -> Journal.open(dir, FAST))
                    .hasMessageContaining("is already open");
        }
        Journal.open(dir, FAST).close();
    }

    @Test
    void listener_receivesEachDurableBatchBeforeItsCallbacks() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
        DurableListener listener = batch -> {
            entries.addAll(batch);
            batch.forEach(entry -> events.add("durable " + entry.position()));
        };
        List<Uplink> uplinks = uplinks(300);
        try (Journal journal = Journal.open(dir, new JournalConfig(1024, 64, 64L << 20, true), listener)) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (Uplink uplink : uplinks) {
                CompletableFuture<Long> future = new CompletableFuture<>();
                while (!journal.tryAppend(uplink, (position, error) -> {
                    events.add("done " + position);
                    future.complete(position);
                })) {
                    Thread.sleep(1);
                }
                futures.add(future);
            }
            for (CompletableFuture<Long> future : futures) {
                long position = future.get(10, TimeUnit.SECONDS);
                assertThat(events.indexOf("durable " + position)).isLessThan(events.indexOf("done " + position)).isNotNegative();
            }
        }
        assertSameUplinks(entries.stream().map(Entry::uplink).toList(), uplinks);
    }

    @Test
    void listenerThatThrows_doesNotStopTheJournal() throws Exception {
        try (Journal journal = Journal.open(dir, FAST, batch -> {
            throw new IllegalStateException("projection bug");
        })) {
            assertThat(appendAll(journal, uplinks(20))).hasSize(20);
            assertThat(journal.stats().failed()).isFalse();
        }
    }

    @Test
    void tryAppend_fullQueue_returnsFalseAtOnce() throws Exception {
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DurableListener slow = batch -> {
            writerHeld.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<CompletableFuture<Long>> accepted = new ArrayList<>();
        try (Journal journal = Journal.open(dir, new JournalConfig(4, 4, 1L << 20, false), slow)) {
            accepted.add(JournalFixtures.append(journal, JournalFixtures.uplink(0)));
            assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 4; i++) {
                CompletableFuture<Long> future = new CompletableFuture<>();
                assertThat(journal.tryAppend(JournalFixtures.uplink(i), (position, error) -> future.complete(position))).isTrue();
                accepted.add(future);
            }

            boolean fifth = journal.tryAppend(JournalFixtures.uplink(5), (position, error) -> {
                throw new AssertionError("a refused append must not be called back");
            });

            assertThat(fifth).isFalse();
            assertThat(journal.stats().rejected()).isEqualTo(1);
            assertThat(journal.stats().queueDepth()).isEqualTo(4);
            release.countDown();
        }
        for (CompletableFuture<Long> future : accepted) {
            assertThat(future).isCompleted();
        }
    }

    @Test
    void close_completesPendingAppends_andRefusesLaterOnes() throws Exception {
        Journal journal = Journal.open(dir, new JournalConfig(10_000, 16, 64L << 20, true));
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (Uplink uplink : uplinks(2_000)) {
            futures.add(JournalFixtures.append(journal, uplink));
        }

        journal.close();

        for (CompletableFuture<Long> future : futures) {
            assertThat(future).isCompleted().isNotCompletedExceptionally();
        }
        assertThat(journal.tryAppend(JournalFixtures.uplink(1), (position, error) -> {
            throw new AssertionError("must not be called");
        })).isFalse();
        journal.close(); // idempotent
        try (Journal reopened = Journal.open(dir, FAST)) {
            assertThat(replayAll(reopened, 0)).hasSize(2_000);
        }
    }

    @Test
    void close_fromAnAppendCallback_doesNotDeadlock() throws Exception {
        Journal journal = Journal.open(dir, FAST);
        CompletableFuture<Long> done = new CompletableFuture<>();
        assertThat(journal.tryAppend(JournalFixtures.uplink(0), (position, error) -> {
            journal.close();
            done.complete(position);
        })).isTrue();

        assertThat(done.get(10, TimeUnit.SECONDS)).isZero();
        journal.close();
        Journal.open(dir, FAST).close();
    }

    @Test
    void tryAppend_uplinkOverTheRecordLimit_isRejectedWithTheReason() throws Exception {
        Uplink huge = new Uplink(org.valley.frame.UplinkKind.SIGFOX_DATA, "t", "i", "n", 1, 0, 0,
                new byte[UplinkCodec.MAX_BODY_BYTES + 1], List.of(), false, false, null);
        try (Journal journal = Journal.open(dir, FAST)) {
            assertThatThrownBy(() -> journal.tryAppend(huge, (position, error) -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("record limit");
        }
    }

    @Test
    void stats_countAppendsAndBatches() throws Exception {
        try (Journal journal = Journal.open(dir, new JournalConfig(1024, 64, 64L << 20, true))) {
            appendAll(journal, uplinks(100));

            JournalStats stats = journal.stats();
            assertThat(stats.appended()).isEqualTo(100);
            assertThat(stats.batches()).isBetween(2L, 100L);
            assertThat(stats.fsyncs()).isEqualTo(stats.batches());
            assertThat(stats.averageBatchSize()).isEqualTo(100.0 / stats.batches());
            assertThat(stats.failed()).isFalse();
        }
    }

    @Test
    void config_invalidValues_areRejectedNamingTheKey() {
        assertThatThrownBy(() -> new JournalConfig(0, 1, 1L << 20, true)).hasMessage("journal.queue-capacity must be > 0, got 0");
        assertThatThrownBy(() -> new JournalConfig(1, -2, 1L << 20, true)).hasMessage("journal.max-batch must be > 0, got -2");
        assertThatThrownBy(() -> new JournalConfig(1, 1, 10, true)).hasMessage("journal.segment-bytes must be >= 1024, got 10");
        assertThatThrownBy(() -> new JournalConfig(1, 1, 1L << 20, true, -1))
                .hasMessage("journal.gather-micros must be 0-100000, got -1");
        assertThat(JournalConfig.defaults()).isEqualTo(new JournalConfig(65_536, 4_096, 64L << 20, true, 2_000));
    }

    @Test
    void gather_whileBusy_spacesTheForces_soThatEachCoversMoreRecords() throws Exception {
        // 50 ms from one force to the next while busy: four writers appending one record after another
        // for 400 ms get about one force per 50 ms, plus those right after a force of one record (the
        // first, and a straggler's: more of them when the machine is busy and the writers' threads
        // wait for a core); without the gathering they get one per fsync, as the same writers on a
        // journal that does not gather show on the same disk
        long ungathered;
        try (Journal journal = Journal.open(dir.resolve("ungathered"), new JournalConfig(10_000, 4_096, 64L << 20, true, 0))) {
            appendOneAfterAnother(journal, 4, 400);
            ungathered = journal.stats().fsyncs();
        }
        try (Journal journal = Journal.open(dir.resolve("gathered"), new JournalConfig(10_000, 4_096, 64L << 20, true, 50_000))) {
            appendOneAfterAnother(journal, 4, 400);

            JournalStats stats = journal.stats();
            assertThat(stats.fsyncs()).isEqualTo(stats.batches()).isGreaterThanOrEqualTo(2L)
                    .as("forces while gathering, against %d without", ungathered).isLessThan(ungathered / 2);
            assertThat(stats.appended()).isGreaterThan(stats.fsyncs());
            assertThat(replayAll(journal, 0)).hasSize((int) stats.appended());
        }
    }

    @Test
    void gather_withoutFsync_holdsNothing() throws Exception {
        // no forces to share: the same four writers as above get a batch per turn of the writer, far
        // more than one per 50 ms
        try (Journal journal = Journal.open(dir, new JournalConfig(10_000, 4_096, 64L << 20, false, 50_000))) {
            appendOneAfterAnother(journal, 4, 400);

            assertThat(journal.stats().fsyncs()).isZero();
            assertThat(journal.stats().batches()).isGreaterThan(100);
        }
    }

    @Test
    void gather_doesNotHoldALoneRecord_onAJournalThatIsNotBusy() throws Exception {
        // one writer, one record at a time: each force covers one record, so none waits the 100 ms
        try (Journal journal = Journal.open(dir, new JournalConfig(10_000, 4_096, 64L << 20, true, 100_000))) {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                JournalFixtures.append(journal, JournalFixtures.uplink(i)).get(10, TimeUnit.SECONDS);
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(elapsedMillis).as("ten lone records, each forced at once").isLessThan(600);
            assertThat(journal.stats().fsyncs()).isEqualTo(10);
        }
    }

    /** {@code writers} threads, each appending a record and waiting for it, again and again for {@code millis}. */
    private static void appendOneAfterAnother(Journal journal, int writers, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        JournalFixtures.append(journal, JournalFixtures.uplink(writer * 100_000 + i)).join();
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }
}
