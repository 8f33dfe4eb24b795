package org.valley.space.occupancy;

import java.util.ArrayList;
import java.util.List;

/**
 * One unit's estimator with a short past to replay: a checkpoint (a copy of the estimator as it
 * was some readings ago), the readings since then in time order, and the timeline points emitted
 * since then.
 *
 * <p>A reading at or after the unit's time is applied at once. A late one (networks deliver
 * seconds late; a gateway may deliver a backlog) that is still after the checkpoint is inserted
 * in its place and the stretch since the checkpoint is replayed; the points this gives are
 * compared with those emitted before, and only the difference is written back. A reading before
 * the checkpoint is too late for this: the unit must be rebuilt from the stored history.
 *
 * <p>The checkpoint follows the readings: it keeps at most {@link #MAX_LOG} of them, and none
 * older than {@link #LATE_WINDOW} behind the unit's time.
 */
final class UnitTrack {

    static final int MAX_LOG = 64;
    static final long LATE_WINDOW = 3_600_000L;

    /** What became of a reading. */
    enum Outcome { APPLIED, REPLAYED, TOO_LATE }

    UnitEstimator live;
    private UnitEstimator checkpoint;
    private final ArrayList<Observation> log = new ArrayList<>();
    private ArrayList<TimelinePoint> points = new ArrayList<>();

    UnitTrack(UnitEstimator start) {
        this.live = start;
        this.checkpoint = start.copy();
    }

    UnitLayout layout() {
        return live.layout;
    }

    /** Points emitted since the checkpoint, for tests. */
    List<TimelinePoint> recentPoints() {
        return points;
    }

    /**
     * Applies a reading. Store operations go to {@code out}: new points appended, or, after a replay
     * that changed the past, a truncation from the first instant that differs.
     */
    Outcome observe(Observation o, TimelineOut out) {
        for (Observation seen : log) {
            if (seen.frame() == o.frame() && seen.deviceId().equals(o.deviceId())) {
                return Outcome.APPLIED; // the same frame again (decoded twice): nothing new
            }
        }
        if (o.ts() >= live.w) {
            int before = points.size();
            live.apply(o, points);
            log.add(o);
            out.append(points.subList(before, points.size()));
            compact();
            return Outcome.APPLIED;
        }
        if (o.ts() <= checkpoint.w) {
            return Outcome.TOO_LATE;
        }
        int at = log.size();
        while (at > 0 && log.get(at - 1).ts() > o.ts()) {
            at--;
        }
        log.add(at, o);
        replay(out);
        compact();
        return Outcome.REPLAYED;
    }

    /** Applies the time rules due up to {@code now}. */
    void tick(long now, TimelineOut out) {
        int before = points.size();
        live.advance(now, points);
        if (points.size() > before) {
            out.append(points.subList(before, points.size()));
        }
    }

    private void replay(TimelineOut out) {
        UnitEstimator e = checkpoint.copy();
        ArrayList<TimelinePoint> fresh = new ArrayList<>(points.size() + 2);
        for (Observation o : log) {
            e.apply(o, fresh);
        }
        e.advance(live.w, fresh);
        int k = 0;
        while (k < points.size() && k < fresh.size() && points.get(k).equals(fresh.get(k))) {
            k++;
        }
        if (k < points.size() || k < fresh.size()) {
            long from = Math.min(k < points.size() ? points.get(k).at() : Long.MAX_VALUE,
                    k < fresh.size() ? fresh.get(k).at() : Long.MAX_VALUE);
            List<TimelinePoint> rewritten = new ArrayList<>();
            for (TimelinePoint p : fresh) {
                if (p.at() >= from) {
                    rewritten.add(p);
                }
            }
            out.rewrite(live.layout.spaceIds, from, rewritten);
        }
        points = fresh;
        live = e;
    }

    /** Moves the checkpoint forward over the readings it no longer needs to keep. */
    private void compact() {
        int moved = 0;
        while (moved < log.size() && (log.size() - moved > MAX_LOG || live.w - log.get(moved).ts() > LATE_WINDOW)) {
            moved++;
        }
        if (moved == 0) {
            return;
        }
        ArrayList<TimelinePoint> settled = new ArrayList<>();
        for (int i = 0; i < moved; i++) {
            checkpoint.apply(log.get(i), settled);
        }
        log.subList(0, moved).clear();
        // the checkpoint went through the same steps as the live estimator did: its points are the oldest ones
        points.subList(0, Math.min(settled.size(), points.size())).clear();
    }

    /** Readings since the checkpoint, oldest first. */
    List<Observation> log() {
        return log;
    }

    /** Where a unit's timeline changes go. */
    interface TimelineOut {
        void append(List<TimelinePoint> points);

        /** Replaces every point of {@code spaceIds} at or after {@code from} with {@code points}. */
        void rewrite(String[] spaceIds, long from, List<TimelinePoint> points);
    }
}
