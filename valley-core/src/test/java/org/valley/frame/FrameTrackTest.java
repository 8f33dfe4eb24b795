package org.valley.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FrameTrackTest {

    private final FrameTrack track = new FrameTrack(4096);

    @Test
    void observe_firstFrame_isNew() {
        assertThat(track.observe(100, 1_000)).isEqualTo(FrameTrack.NEW);
        assertThat(track.lastExtended()).isEqualTo(100);
        assertThat(track.frames()).isEqualTo(1);
    }

    @Test
    void observe_sameSeqFromAnotherStation_isDuplicate() {
        track.observe(7, 1_000);
        assertThat(track.observe(7, 1_000)).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(track.observe(7, 1_000)).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(track.frames()).isEqualTo(1);
        assertThat(track.duplicates()).isEqualTo(2);
        assertThat(track.lost()).isZero();
    }

    @Test
    void observe_wrapFrom4095To0_isNextFrameNotDuplicate() {
        track.observe(4094, 1_000);
        track.observe(4095, 2_000);
        assertThat(track.observe(0, 3_000)).isEqualTo(FrameTrack.NEW);
        assertThat(track.lastExtended()).isEqualTo(4096);
        assertThat(track.observe(1, 4_000)).isEqualTo(FrameTrack.NEW);
        assertThat(track.lastExtended()).isEqualTo(4097);
        assertThat(track.lost()).isZero();
        assertThat(track.frames()).isEqualTo(4);
    }

    @Test
    void observe_gapAcrossWrap_countsLostFrames() {
        track.observe(4090, 1_000);
        track.observe(3, 2_000);
        assertThat(track.lastExtended()).isEqualTo(4096 + 3);
        assertThat(track.lost()).isEqualTo(8);
    }

    @Test
    void observe_lateFrameInsideWindow_fillsGap() {
        track.observe(10, 1_000);
        track.observe(13, 3_000);
        assertThat(track.lost()).isEqualTo(2);
        assertThat(track.observe(11, 2_000)).isEqualTo(FrameTrack.NEW);
        assertThat(track.lastExtended()).isEqualTo(11);
        assertThat(track.lost()).isEqualTo(1);
        assertThat(track.observe(11, 2_000)).isEqualTo(FrameTrack.DUPLICATE);
    }

    @Test
    void observe_duplicateOfOlderFrameInsideWindow_isDuplicate() {
        track.observe(10, 1_000);
        track.observe(11, 2_000);
        track.observe(12, 3_000);
        assertThat(track.observe(10, 1_000)).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(track.lastExtended()).isEqualTo(10);
    }

    @Test
    void observe_counterRestartWithLaterTime_isNewRunWithoutLostFrames() {
        track.observe(1500, 1_000);
        assertThat(track.observe(0, 90_000_000)).isEqualTo(FrameTrack.RESTART);
        assertThat(track.lost()).isZero();
        assertThat(track.observe(1, 90_600_000)).isEqualTo(FrameTrack.NEW);
        assertThat(track.frames()).isEqualTo(3);
    }

    @Test
    void observe_frameFarBehindWithOlderTime_isUnknownUntilSettled() {
        track.observe(1000, 5_000);
        track.observe(1500, 10_000);
        assertThat(track.lost()).isEqualTo(499);
        assertThat(track.observe(1200, 7_000)).isEqualTo(FrameTrack.UNKNOWN);
        assertThat(track.lastExtended()).isEqualTo(1200);
        track.settleLate();
        assertThat(track.frames()).isEqualTo(3);
        assertThat(track.lost()).isEqualTo(498);
        assertThat(track.observe(1200, 7_000)).isEqualTo(FrameTrack.UNKNOWN);
        track.settleDuplicate();
        assertThat(track.duplicates()).isEqualTo(1);
        assertThat(track.frames()).isEqualTo(3);
    }

    @Test
    void observe_seqOutOfRange_isRefused() {
        assertThatThrownBy(() -> track.observe(4096, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..4095");
    }

    @Test
    void restore_continuesWhereTheSavedStateStopped() {
        FrameTrack restored = new FrameTrack(4096);
        restored.restore(4096 + 5, 5_000, 0b1, 10, 3, 2, 6_000, 3.7f);
        assertThat(restored.observe(5, 6_000)).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(restored.observe(6, 7_000)).isEqualTo(FrameTrack.NEW);
        assertThat(restored.lastExtended()).isEqualTo(4096 + 6);
        assertThat(restored.battery()).isEqualTo(3.7f);
    }

    /**
     * Reference model: a device sends frames 0, 1, 2, ... (extended numbers); the network delivers
     * each zero to three times, sometimes out of order by a few places. The track must count every
     * delivered frame once, flag every other delivery as a duplicate, and count as lost exactly the
     * frames never delivered between the first and the last delivered one.
     */
    @Property(tries = 300)
    void observe_anyDeliveryPattern_matchesReferenceModel(
            @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 3) Integer> copies,
            @ForAll @IntRange(min = 0, max = 4095) int start,
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 5) Integer> shuffles) {
        List<Long> deliveries = new ArrayList<>();
        for (int i = 0; i < copies.size(); i++) {
            for (int c = 0; c < copies.get(i); c++) {
                deliveries.add(start + (long) i);
            }
        }
        for (int i = 0; i < shuffles.size() && i + 1 < deliveries.size(); i++) {
            int j = Math.min(deliveries.size() - 1, i + shuffles.get(i));
            long a = deliveries.get(i);
            deliveries.set(i, deliveries.get(j));
            deliveries.set(j, a);
        }
        FrameTrack t = new FrameTrack(4096);
        Set<Long> seen = new HashSet<>();
        int duplicates = 0;
        long offset = Long.MIN_VALUE;
        for (long ext : deliveries) {
            int outcome = t.observe((int) (ext % 4096), ext * 1000);
            if (offset == Long.MIN_VALUE) {
                offset = t.lastExtended() - ext;
            }
            assertThat(t.lastExtended() - offset).as("extended number of delivery %d", ext).isEqualTo(ext);
            if (seen.add(ext)) {
                assertThat(outcome).isEqualTo(FrameTrack.NEW);
            } else {
                duplicates++;
                assertThat(outcome).isEqualTo(FrameTrack.DUPLICATE);
            }
        }
        assertThat(t.frames()).isEqualTo(seen.size());
        assertThat(t.duplicates()).isEqualTo(duplicates);
        if (!seen.isEmpty()) {
            long lo = seen.stream().mapToLong(Long::longValue).min().orElseThrow();
            long hi = seen.stream().mapToLong(Long::longValue).max().orElseThrow();
            long firstDelivered = deliveries.get(0);
            long counted = hi - Math.min(lo, firstDelivered) + 1 - seen.size();
            assertThat(t.lost()).isEqualTo((int) counted);
        }
    }

    // ---------------------------------------------------------------- LoRaWAN: runs, sessions, keys

    private static final long S1 = FrameTrack.tag("session-1");
    private static final long S2 = FrameTrack.tag("session-2");

    @Test
    void lorawan_fCntAcross16Bits_isOneRunWithoutLoss() {
        FrameTrack t = FrameTrack.lorawan();
        assertThat(t.observe(65_535, 1_000, S1, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.observe(65_536, 2_000, S1, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(65_536);
        assertThat(t.observe(0xFFFF_FFFFL - 1, 500, S1, 0)).isEqualTo(FrameTrack.UNKNOWN);
        assertThat(t.lost()).isZero();
    }

    @Test
    void lorawan_joinThenFCntAgain_isANewRunNotADuplicateNorALoss() {
        FrameTrack t = FrameTrack.lorawan();
        t.observe(0, 1_000, S1, 0);
        t.observe(1, 2_000, S1, 0);
        assertThat(t.join(S2, true)).isTrue();
        assertThat(t.observe(1, 3_000, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN + 1);
        assertThat(t.observe(0, 2_900, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN);
        assertThat(t.observe(1, 3_000, S2, 0)).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(t.frames()).isEqualTo(4);
        assertThat(t.duplicates()).isEqualTo(1);
        assertThat(t.lost()).isZero();
    }

    @Test
    void lorawan_joinDeliveredTwice_opensOneRun() {
        FrameTrack t = FrameTrack.lorawan();
        t.observe(5, 1_000, S1, 0);
        assertThat(t.join(S2, true)).isTrue();
        assertThat(t.takeRunChange()).isTrue();
        t.observe(0, 2_000, S2, 0);
        assertThat(t.join(S2, true)).isFalse();
        assertThat(t.takeRunChange()).isFalse();
        assertThat(t.observe(1, 3_000, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN + 1);
    }

    @Test
    void lorawan_uplinkOfANewSessionBeforeItsJoin_opensTheRun_andTheJoinChangesNothing() {
        FrameTrack t = FrameTrack.lorawan();
        t.observe(9, 1_000, S1, 0);
        assertThat(t.observe(0, 2_000, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN);
        assertThat(t.join(S2, true)).isFalse();
        assertThat(t.observe(1, 3_000, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN + 1);
    }

    @Test
    void lorawan_joinNamingNoSession_andTheFirstUplinkAfterIt_areOneRun() {
        FrameTrack t = FrameTrack.lorawan();
        t.observe(3, 1_000, S1, 0);
        assertThat(t.join(FrameTrack.tag("join@2000"), false)).isTrue();
        assertThat(t.join(FrameTrack.tag("join@2000"), false)).isFalse();
        assertThat(t.observe(0, 3_000, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN);
        assertThat(t.session()).isEqualTo(S2);
    }

    @Test
    void lorawan_uplinkOfTheRunAfterANamedJoinWithoutFrames_opensARunOfItsOwn() {
        long s3 = FrameTrack.tag("session-3");
        FrameTrack t = FrameTrack.lorawan();
        t.observe(0, 1_000, S1, 0);
        t.join(S2, true);
        assertThat(t.observe(0, 3_000, s3, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(2 * FrameTrack.RUN);
        assertThat(t.observe(0, 2_000, S2, 0)).isEqualTo(FrameTrack.UNKNOWN);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN);
        t.settleLate();
        assertThat(t.lost()).isZero();
        assertThat(t.frames()).isEqualTo(3);
    }

    @Test
    void lorawan_lateDeliveryOfThePreviousSession_keepsItsOwnNumber() {
        FrameTrack t = FrameTrack.lorawan();
        t.observe(7, 1_000, S1, 0);
        t.join(S2, true);
        t.observe(0, 3_000, S2, 0);
        assertThat(t.observe(7, 1_000, S1, 0)).isEqualTo(FrameTrack.UNKNOWN);
        assertThat(t.lastExtended()).isEqualTo(7);
        t.settleDuplicate();
        assertThat(t.observe(8, 1_500, S1, 0)).isEqualTo(FrameTrack.UNKNOWN);
        assertThat(t.lastExtended()).isEqualTo(8);
        t.settleLate();
        assertThat(t.frames()).isEqualTo(3);
        assertThat(t.duplicates()).isEqualTo(1);
        assertThat(t.lost()).isZero();
    }

    @Test
    void lorawan_sameKey_isADuplicateWhateverItsCounterSays() {
        FrameTrack t = FrameTrack.lorawan();
        long k = FrameTrack.tag("3ac7e3c4-4401-4b8d-9386-a5c902f9202d");
        t.observe(4, 1_000, S1, k);
        t.join(S2, true);
        t.observe(0, 2_000, S2, FrameTrack.tag("other"));
        assertThat(t.observe(4, 1_000, S1, k)).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(t.lastExtended()).isEqualTo(4);
    }

    @Test
    void lorawan_repeatedCounterWithAnotherKey_isACounterResetWithoutJoin() {
        FrameTrack t = FrameTrack.lorawan();
        t.observe(0, 1_000, S1, FrameTrack.tag("a"));
        t.observe(1, 2_000, S1, FrameTrack.tag("b"));
        assertThat(t.observe(0, 3_000, S1, FrameTrack.tag("c"))).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN);
        assertThat(t.takeRunChange()).isTrue();
        assertThat(t.observe(1, 4_000, S1, FrameTrack.tag("d"))).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN + 1);
        assertThat(t.observe(1, 2_000, S1, FrameTrack.tag("b"))).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(t.lastExtended()).isEqualTo(1);
        assertThat(t.frames()).isEqualTo(4);
        assertThat(t.lost()).isZero();
    }

    @Test
    void lorawan_repeatedCounterWithAKeyNoLongerRemembered_asksTheStore() {
        FrameTrack t = FrameTrack.lorawan();
        for (int f = 0; f < 20; f++) {
            t.observe(f, f * 1_000L, S1, FrameTrack.tag("k" + f));
        }
        assertThat(t.observe(3, 30_000, S1, FrameTrack.tag("other"))).isEqualTo(FrameTrack.UNKNOWN);
        assertThat(t.lastExtended()).isEqualTo(3);
        t.settleReset();
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN + 3);
        assertThat(t.frames()).isEqualTo(21);
    }

    @Test
    void lorawan_counterFarBackWithLaterTime_startsANewRunWithoutJoin() {
        FrameTrack t = FrameTrack.lorawan();
        t.observe(500, 1_000);
        assertThat(t.observe(0, 9_000)).isEqualTo(FrameTrack.NEW);
        assertThat(t.lastExtended()).isEqualTo(FrameTrack.RUN);
        assertThat(t.lost()).isZero();
    }

    @Test
    void lorawan_restore_continuesTheSavedRunAndItsKeys() {
        FrameTrack saved = FrameTrack.lorawan();
        saved.restore(FrameTrack.RUN + 5, 5_000, 0b11, 10, 0, 0, 5_000, Float.NaN);
        saved.restoreRun(FrameTrack.RUN, S2, S1);
        saved.restoreKey(FrameTrack.tag("k5"), FrameTrack.RUN + 5);
        assertThat(saved.observe(5, 5_000, S2, FrameTrack.tag("k5"))).isEqualTo(FrameTrack.DUPLICATE);
        assertThat(saved.observe(6, 6_000, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(saved.lastExtended()).isEqualTo(FrameTrack.RUN + 6);
        assertThat(saved.observe(2, 1_000, S1, 0)).isEqualTo(FrameTrack.UNKNOWN);
        assertThat(saved.lastExtended()).isEqualTo(2);

        FrameTrack joinedLast = FrameTrack.lorawan();
        joinedLast.restore(7, 5_000, 1, 1, 0, 0, 5_000, Float.NaN);
        joinedLast.restoreRun(FrameTrack.RUN, S2, S1);
        assertThat(joinedLast.observe(0, 6_000, S2, 0)).isEqualTo(FrameTrack.NEW);
        assertThat(joinedLast.lastExtended()).isEqualTo(FrameTrack.RUN);
        assertThat(joinedLast.lost()).isZero();
    }

    /**
     * Reference model of a LoRaWAN device: runs of frames 0, 1, 2, ... each opened by a join
     * (delivered once or twice), each run with a session of its own, every frame delivered zero to
     * three times, with or without a deduplication key, sometimes out of order by a few places, a
     * frame or a join straying at most into the next run. The track, settled the way the projection
     * settles it (a store of the frames kept), must give each frame one extended number of its own,
     * count every delivered frame once, flag every other delivery as a duplicate, and count as lost
     * exactly the frames never delivered between the lowest and the highest delivered of each run.
     */
    @Property(tries = 400)
    void lorawan_anyDeliveryPattern_matchesReferenceModel(
            @ForAll @Size(min = 1, max = 6) List<@Size(min = 1, max = 40) List<@IntRange(min = 0, max = 3) Integer>> runs,
            @ForAll @IntRange(min = 0, max = 70_000) int start,
            @ForAll boolean keyed,
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 5) Integer> shuffles) {
        // deliveries: {run, fCnt} for frames, {run, -1} for joins
        List<long[]> deliveries = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            int first = r == 0 ? start : 0;
            if (r > 0) {
                deliveries.add(new long[] {r, -1});
            }
            List<Integer> copies = runs.get(r);
            for (int i = 0; i < copies.size(); i++) {
                for (int c = 0; c < copies.get(i); c++) {
                    deliveries.add(new long[] {r, first + i});
                }
            }
            if (r > 0 && copies.size() % 2 == 0) {
                deliveries.add(new long[] {r, -1});
            }
        }
        for (int i = 0; i < shuffles.size() && i + 1 < deliveries.size(); i++) {
            int j = Math.min(deliveries.size() - 1, i + shuffles.get(i));
            java.util.Collections.swap(deliveries, i, j);
            if (!strayAtMostIntoTheNextRun(deliveries)) {
                java.util.Collections.swap(deliveries, i, j);
            }
        }
        FrameTrack t = FrameTrack.lorawan();
        java.util.Map<Long, Long> stored = new java.util.HashMap<>(); // extended -> key, as the projection stores them
        java.util.Map<String, Long> numberOf = new java.util.HashMap<>();
        int duplicates = 0;
        long time = 0;
        for (long[] d : deliveries) {
            int run = (int) d[0];
            long session = FrameTrack.tag("session-" + run);
            if (d[1] < 0) {
                t.join(session, true);
                continue;
            }
            String frame = run + "/" + d[1];
            long key = keyed ? FrameTrack.tag("key-" + frame) : 0;
            int outcome = t.observe(d[1], ++time, session, key);
            if (outcome == FrameTrack.UNKNOWN) {
                Long storedKey = stored.get(t.lastExtended());
                if (!stored.containsKey(t.lastExtended())) {
                    t.settleLate();
                    outcome = FrameTrack.NEW;
                } else if (storedKey != null && storedKey != 0 && storedKey != key) {
                    t.settleReset();
                    outcome = FrameTrack.NEW;
                } else {
                    t.settleDuplicate();
                    outcome = FrameTrack.DUPLICATE;
                }
            }
            if (numberOf.containsKey(frame)) {
                duplicates++;
                assertThat(outcome).as("delivery of %s again", frame).isEqualTo(FrameTrack.DUPLICATE);
                assertThat(t.lastExtended()).as("number of %s", frame).isEqualTo(numberOf.get(frame));
            } else {
                assertThat(outcome).as("first delivery of %s", frame).isEqualTo(FrameTrack.NEW);
                assertThat(stored).as("number of %s is its own", frame).doesNotContainKey(t.lastExtended());
                numberOf.put(frame, t.lastExtended());
                stored.put(t.lastExtended(), key);
            }
        }
        assertThat(t.frames()).isEqualTo(numberOf.size());
        assertThat(t.duplicates()).isEqualTo(duplicates);
        long lost = 0;
        for (int r = 0; r < runs.size(); r++) {
            final int run = r;
            List<Long> counters = numberOf.keySet().stream().filter(f -> f.startsWith(run + "/"))
                    .map(f -> Long.parseLong(f.substring(f.indexOf('/') + 1))).toList();
            if (!counters.isEmpty()) {
                long lo = counters.stream().mapToLong(Long::longValue).min().orElseThrow();
                long hi = counters.stream().mapToLong(Long::longValue).max().orElseThrow();
                lost += hi - lo + 1 - counters.size();
            }
        }
        assertThat(t.lost()).isEqualTo((int) lost);
        // within a run, numbers follow the counter; runs follow each other
        for (var e : numberOf.entrySet()) {
            long fCnt = Long.parseLong(e.getKey().substring(e.getKey().indexOf('/') + 1));
            assertThat(e.getValue() % FrameTrack.RUN).isEqualTo(fCnt);
        }
    }

    /**
     * What a network can do: a run starts after the one before it started, and no delivery of a
     * run comes once the run after the next one has started.
     */
    private static boolean strayAtMostIntoTheNextRun(List<long[]> deliveries) {
        int started = -1;
        for (long[] d : deliveries) {
            int run = (int) d[0];
            if (run > started + 1 || run < started - 1) {
                return false;
            }
            started = Math.max(started, run);
        }
        return true;
    }

    @Test
    void link_keepsTheStrongestReceptionOfTheNewestFrame_andAFreshFrameStartsOver() {
        assertThat(track.rssi()).isNaN();
        track.link(true, -120.0, 3.0);
        track.link(false, -95.5, 11.0);
        track.link(false, -130.0, 20.0);
        assertThat(track.rssi()).isEqualTo(-95.5f);
        assertThat(track.snr()).isEqualTo(11.0f);
        track.link(true, -128.0, null);
        assertThat(track.rssi()).isEqualTo(-128.0f);
        assertThat(track.snr()).isNaN();
        track.link(false, null, 5.0);
        assertThat(track.rssi()).as("a reception without RSSI says nothing").isEqualTo(-128.0f);
    }
}
