package org.valley.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.valley.journal.JournalFixtures.FAST;
import static org.valley.journal.JournalFixtures.appendAll;
import static org.valley.journal.JournalFixtures.replayAll;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;

class JournalConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 20_000;

    @TempDir
    Path dir;

    private static Uplink uplinkOf(int thread, int seq) {
        return new Uplink(UplinkKind.SIGFOX_DATA, "tenant", "sigfox", "DEV" + thread, seq, 1_700_000_000_000L + seq,
                1_700_000_000_100L + seq, new byte[] {(byte) thread, (byte) seq, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                List.of(new Reception("0A1B", -120.0, 8.5)), false, false, null);
    }

    @Test
    void eightProducers_everyCallbackOnceWithADistinctPosition_andGroupCommit() throws Exception {
        AtomicIntegerArray calls = new AtomicIntegerArray(THREADS * PER_THREAD);
        long[][] positions = new long[THREADS][PER_THREAD];
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(THREADS * PER_THREAD);
        JournalConfig config = new JournalConfig(65_536, 4_096, 4L << 20, true);
        try (Journal journal = Journal.open(dir, config)) {
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                producers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                        int seq = i;
                        AppendCallback callback = (position, error) -> {
                            calls.incrementAndGet(thread * PER_THREAD + seq);
                            positions[thread][seq] = position;
                            if (error != null) {
                                errors.add(error);
                            }
                            done.countDown();
                        };
                        while (!journal.tryAppend(uplinkOf(thread, seq), callback)) {
                            Thread.onSpinWait();
                            Thread.yield();
                        }
                    }
                }));
            }
            for (Thread producer : producers) {
                producer.join();
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();

            assertThat(errors).isEmpty();
            for (int i = 0; i < calls.length(); i++) {
                assertThat(calls.get(i)).as("calls of append %d", i).isEqualTo(1);
            }
            long[] all = Arrays.stream(positions).flatMapToLong(Arrays::stream).sorted().toArray();
            for (int i = 1; i < all.length; i++) {
                assertThat(all[i]).isGreaterThan(all[i - 1]);
            }
            for (long[] ofThread : positions) {
                assertThat(ofThread).as("one producer's appends keep their order").isSorted();
            }
            JournalStats stats = journal.stats();
            assertThat(stats.appended()).isEqualTo(THREADS * PER_THREAD);
            assertThat(stats.averageBatchSize()).isGreaterThan(1.0);

            List<JournalFixtures.Replayed> replayed = replayAll(journal, journal.startPosition());
            assertThat(replayed).hasSize(THREADS * PER_THREAD);
            assertThat(replayed).extracting(JournalFixtures.Replayed::position).containsExactly(boxed(all));
            for (JournalFixtures.Replayed record : replayed) {
                int thread = Integer.parseInt(record.uplink().networkId().substring(3));
                assertThat(positions[thread][(int) record.uplink().seq()]).isEqualTo(record.position());
            }
        }
    }

    @Test
    void closeWhileProducersAppend_everyAcceptedAppendIsCalledBackOnce() throws Exception {
        Journal journal = Journal.open(dir, new JournalConfig(256, 32, 1L << 20, false));
        AtomicLong accepted = new AtomicLong();
        AtomicLong succeeded = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong calledTwice = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            producers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    AtomicBoolean once = new AtomicBoolean();
                    boolean ok = journal.tryAppend(uplinkOf(thread, i), (position, error) -> {
                        if (!once.compareAndSet(false, true)) {
                            calledTwice.incrementAndGet();
                        }
                        (error == null ? succeeded : failed).incrementAndGet();
                    });
                    if (ok) {
                        accepted.incrementAndGet();
                    } else {
                        Thread.yield();
                    }
                }
            }));
        }
        while (accepted.get() < 5_000) {
            Thread.sleep(1);
        }

        journal.close();
        long acceptedAtClose = accepted.get();
        Thread.sleep(20);
        stop.set(true);
        for (Thread producer : producers) {
            producer.join();
        }

        assertThat(accepted.get()).as("nothing is accepted after close").isEqualTo(acceptedAtClose);
        assertThat(succeeded.get() + failed.get()).isEqualTo(accepted.get());
        assertThat(failed.get()).isZero();
        assertThat(calledTwice.get()).isZero();
        try (Journal reopened = Journal.open(dir, FAST)) {
            assertThat(replayAll(reopened, 0)).hasSize((int) accepted.get());
        }
    }

    @Test
    void diskFailure_failsTheBatch_andTheJournalRefusesFurtherAppends() throws Exception {
        JournalConfig config = new JournalConfig(1024, 64, 1024, true);
        Journal journal = Journal.open(dir, config);
        int stored = 0;
        while (journal.endPosition() < config.segmentBytes()) {
            appendAll(journal, List.of(uplinkOf(0, stored++)));
        }
        long end = journal.endPosition();
        // The next append must start a segment named after `end`; a directory in its way makes
        // creating it fail, as a full or failing disk would.
        Files.createDirectory(dir.resolve(Segments.fileName(end)));

        CompletableFuture<Long> failing = JournalFixtures.append(journal, uplinkOf(0, stored));

        assertThat(failing).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(FileAlreadyExistsException.class);
        assertThat(journal.stats().failed()).isTrue();
        assertThat(journal.endPosition()).isEqualTo(end);
        assertThat(journal.tryAppend(uplinkOf(0, 0), (position, error) -> {
            throw new AssertionError("a refused append must not be called back");
        })).isFalse();
        journal.close();

        Files.delete(dir.resolve(Segments.fileName(end)));
        try (Journal reopened = Journal.open(dir, config)) {
            assertThat(replayAll(reopened, 0)).hasSize(stored);
            assertThat(appendAll(reopened, List.of(uplinkOf(0, 0)))).containsExactly(end);
        }
    }

    private static Long[] boxed(long[] values) {
        return Arrays.stream(values).boxed().toArray(Long[]::new);
    }
}
