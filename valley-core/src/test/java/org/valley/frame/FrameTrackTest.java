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
}
