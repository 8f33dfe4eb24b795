package org.valley.space.occupancy;

import java.util.Arrays;
import java.util.List;
import org.valley.space.Role;

/**
 * The occupancy estimator of one unit (a space and its places), advanced in reading time.
 *
 * <p><b>Evidence.</b> Each bound device is a slot holding the times and values its readings gave:
 * <ul>
 *   <li>motion (PIR): the last motion; the space is occupied while the last motion is younger than
 *       the space's hold-off (5 min for a meeting room, 10 for a desk, 15 for a nap pod by default);
 *   <li>door: its state and its last change. A change is activity like motion (someone used the
 *       door). With a PIR in the same space, the "wasp in a box" rule applies: motion seen after
 *       every door of the space closed keeps the space occupied, whatever the hold-off, until a
 *       door opens again (nobody can have left a shut room);
 *   <li>desk and seat: occupied or free, as reported;
 *   <li>counter: people present now ({@code count}), or entries minus exits since the last message
 *       added to a running count that never goes below zero (the exits it refuses are counted as
 *       clamped). At the site's daily empty hour the count resets to 0 and the day's drift (the
 *       residual count and the clamped exits) is reported;
 *   <li>CO2: supporting evidence only. It moves the confidence, never the state: a high level
 *       contradicts "free", a low level weakens "occupied" when only presence is sensed.
 * </ul>
 * A slot is stale when its device has been silent for three reporting intervals; a space whose
 * presence sensors are all stale or never reported is unknown.
 *
 * <p><b>Count and confidence.</b> The count is the largest of the counted people, the occupied
 * seats and desks, and 1 when presence is only sensed (METRICS.md: n(t) is 1 while occupied). The
 * confidence starts from how direct the evidence is (a count or a seat 0.9, motion with a shut door
 * 0.9, recent motion 0.85, no motion for the hold-off 0.75 since people sitting still are missed,
 * a door alone 0.5), is moved by CO2, and is scaled by the share of the space's presence sensors
 * that are fresh.
 *
 * <p><b>A bounded past.</b> Every value is forgotten 24 hours after it was read, and counters reset
 * daily, so the state at any instant depends only on the readings of the 48 hours before it (stale
 * needs three intervals of at most 16 hours). An estimator started empty 48 hours before an instant
 * therefore agrees, from that instant on, with one that saw the whole history: this is what lets a
 * late or imported reading be applied by replaying a bounded stretch, and makes the timeline a
 * function of the readings' own timestamps only, whenever they arrive.
 *
 * <p>Every change of a space's state, count or free places is emitted as a {@link TimelinePoint}
 * at the reading time that caused it, or at the instant a time rule fired (a hold-off ending, a
 * sensor going stale, the daily reset). Not thread-safe: the engine serialises access.
 */
final class UnitEstimator {

    static final long NONE = Long.MIN_VALUE;
    static final long NEVER = Long.MAX_VALUE;
    /** How long a value read is remembered. */
    static final long VALIDITY = 24 * 3_600_000L;
    /** How far before an instant an empty estimator must start to agree with the full history there. */
    static final long LEAD = 48 * 3_600_000L;

    final UnitLayout layout;
    /** The reading time reached: every reading and time rule up to it is applied. */
    long w;
    private final long[] lastReport;
    private final long[] valueAt;
    private final double[] value;
    /** Motion: the last motion; door: the last change of state. */
    private final long[] lastEvent;
    /** Door: the last closing. */
    private final long[] lastClose;
    private final int[] clamped;
    private final byte[] emittedState;
    private final int[] emittedCount;
    private final int[] emittedFree;
    private final long[] since;
    private final Drift[] drift;
    private long nextReset;

    UnitEstimator(UnitLayout layout, long start) {
        this.layout = layout;
        this.w = start;
        int n = layout.slots();
        lastReport = filled(n);
        valueAt = filled(n);
        lastEvent = filled(n);
        lastClose = filled(n);
        value = new double[n];
        clamped = new int[n];
        int spaces = layout.spaceIds.length;
        emittedState = new byte[spaces];
        Arrays.fill(emittedState, (byte) -1);
        emittedCount = new int[spaces];
        emittedFree = new int[spaces];
        since = new long[spaces];
        drift = new Drift[spaces];
        nextReset = layout.hasCounter ? layout.nextReset(start) : NEVER;
    }

    private UnitEstimator(UnitEstimator o) {
        layout = o.layout;
        w = o.w;
        lastReport = o.lastReport.clone();
        valueAt = o.valueAt.clone();
        lastEvent = o.lastEvent.clone();
        lastClose = o.lastClose.clone();
        value = o.value.clone();
        clamped = o.clamped.clone();
        emittedState = o.emittedState.clone();
        emittedCount = o.emittedCount.clone();
        emittedFree = o.emittedFree.clone();
        since = o.since.clone();
        drift = o.drift.clone();
        nextReset = o.nextReset;
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, NONE);
        return a;
    }

    UnitEstimator copy() {
        return new UnitEstimator(this);
    }

    /** Applies every time rule due at or before {@code t}; {@link #w} moves to the last one applied. */
    void advance(long t, List<TimelinePoint> sink) {
        while (true) {
            long due = nextDue();
            if (due > t) {
                return;
            }
            w = due;
            if (due == nextReset) {
                reset(due);
            }
            emit(due, sink, false);
        }
    }

    /** Applies a reading at or after {@link #w}, first applying the time rules due before it. */
    void apply(Observation o, List<TimelinePoint> sink) {
        if (o.ts() < w) {
            throw new IllegalArgumentException("reading at " + o.ts() + " is before the estimator's time " + w);
        }
        advance(o.ts(), sink);
        w = o.ts();
        int s = layout.slot(o.deviceId());
        if (s < 0) {
            return;
        }
        long t = o.ts();
        lastReport[s] = t;
        double a = o.a();
        switch (layout.slotRole[s]) {
            case MOTION -> {
                if (a > 0) {
                    lastEvent[s] = t;
                }
            }
            case DOOR -> {
                if (!Double.isNaN(a)) {
                    boolean known = recent(valueAt[s], t);
                    if (!known || value[s] != a) {
                        lastEvent[s] = t;
                        if (a == 0) {
                            lastClose[s] = t;
                        }
                    }
                    value[s] = a;
                    valueAt[s] = t;
                }
            }
            case COUNTER -> {
                if (!Double.isNaN(a)) {
                    value[s] = Math.max(0, Math.rint(a));
                    valueAt[s] = t;
                } else if (!Double.isNaN(o.b())) {
                    double n = (recent(valueAt[s], t) ? value[s] : 0) + Math.rint(o.b());
                    if (n < 0) {
                        clamped[s] += (int) -n;
                        n = 0;
                    }
                    value[s] = n;
                    valueAt[s] = t;
                }
            }
            case DESK, SEAT, CO2 -> {
                if (!Double.isNaN(a)) {
                    value[s] = a;
                    valueAt[s] = t;
                }
            }
            case TEMPERATURE, OTHER -> {
                // liveness only
            }
        }
        emit(t, sink, false);
    }

    /** Emits every space's state at {@link #w}, changed or not: the first points of a rewritten stretch. */
    void emitAll(List<TimelinePoint> sink) {
        emit(w, sink, true);
    }

    private static boolean recent(long at, long t) {
        return at != NONE && t - at < VALIDITY;
    }

    /** The daily reset: counters to 0, recording the day's drift per space. */
    private void reset(long at) {
        int[] residual = new int[layout.spaceIds.length];
        int[] clampedBySpace = new int[layout.spaceIds.length];
        boolean[] has = new boolean[layout.spaceIds.length];
        for (int s = 0; s < layout.slots(); s++) {
            if (layout.slotRole[s] != Role.COUNTER) {
                continue;
            }
            int space = layout.slotSpace[s];
            has[space] |= recent(lastReport[s], at);
            residual[space] += recent(valueAt[s], at) ? (int) value[s] : 0;
            clampedBySpace[space] += clamped[s];
            value[s] = 0;
            clamped[s] = 0;
            valueAt[s] = at;
        }
        for (int i = 0; i < has.length; i++) {
            if (has[i]) {
                drift[i] = new Drift(at, residual[i], clampedBySpace[i]);
            }
        }
        nextReset = layout.nextReset(at);
    }

    /** The earliest instant after {@link #w} at which a time rule may change a state, or {@link #NEVER}. */
    long nextDue() {
        long due = nextReset;
        for (int s = 0; s < layout.slots(); s++) {
            due = after(due, lastReport[s], layout.slotStale[s]);
            due = after(due, valueAt[s], VALIDITY);
            Role role = layout.slotRole[s];
            if (role == Role.MOTION || role == Role.DOOR) {
                due = after(due, lastEvent[s], layout.holdOff[layout.slotSpace[s]]);
                due = after(due, lastEvent[s], VALIDITY);
            }
        }
        return due;
    }

    private long after(long due, long at, long delay) {
        if (at == NONE) {
            return due;
        }
        long t = at + delay;
        return t > w && t < due ? t : due;
    }

    private void emit(long at, List<TimelinePoint> sink, boolean force) {
        for (int i = 0; i < layout.spaceIds.length; i++) {
            Estimate e = estimate(i);
            byte state = (byte) e.state().ordinal();
            if (force || state != emittedState[i] || e.count() != emittedCount[i] || e.freePlaces() != emittedFree[i]) {
                if (state != emittedState[i]) {
                    since[i] = at;
                }
                emittedState[i] = state;
                emittedCount[i] = e.count();
                emittedFree[i] = e.freePlaces();
                sink.add(new TimelinePoint(layout.spaceIds[i], at, e.state(), e.count(), e.confidence(), e.freePlaces()));
            }
        }
    }

    /** When space {@code i} entered its current state, or 0 when it never had one. */
    long since(int i) {
        return since[i];
    }

    Drift drift(int i) {
        return drift[i];
    }

    /** The estimate of space {@code i} (0 the unit's space, then its places) at {@link #w}. */
    Estimate estimate(int i) {
        if (i > 0 || !layout.container()) {
            return own(i);
        }
        Estimate own = own(0);
        int count = own.state() == State.UNKNOWN ? 0 : own.count();
        int placesCount = 0;
        int free = 0;
        int known = own.state() == State.UNKNOWN ? 0 : 1;
        double confidence = own.state() == State.UNKNOWN ? 0 : own.confidence();
        boolean inferred = own.state() == State.UNKNOWN || own.countInferred();
        for (int p = 1; p < layout.spaceIds.length; p++) {
            Estimate e = own(p);
            if (e.state() == State.UNKNOWN) {
                continue;
            }
            known++;
            confidence += e.confidence();
            placesCount += e.count();
            inferred &= e.countInferred();
            if (e.state() == State.FREE) {
                free++;
            }
        }
        count = Math.max(count, placesCount);
        State state = count > 0 ? State.OCCUPIED
                : free > 0 || own.state() == State.FREE ? State.FREE : State.UNKNOWN;
        double c = state == State.UNKNOWN ? 0 : round(confidence / Math.max(1, known));
        return new Estimate(state, count, c, inferred, free);
    }

    /** Space {@code i} from its own sensors only. */
    private Estimate own(int i) {
        long t = w;
        int presence = 0;
        int fresh = 0;
        boolean motionFresh = false;
        boolean motionActive = false;
        boolean doorActive = false;
        boolean doorFresh = false;
        boolean allDoorsShut = true;
        long shutSince = NONE;
        long lastMotion = NONE;
        boolean hasCounter = false;
        boolean hasSeat = false;
        int seats = 0;
        int counted = 0;
        double co2 = Double.NaN;
        for (int s = 0; s < layout.slots(); s++) {
            if (layout.slotSpace[s] != i) {
                continue;
            }
            Role role = layout.slotRole[s];
            boolean isFresh = lastReport[s] != NONE && t - lastReport[s] < layout.slotStale[s]
                    && t - lastReport[s] < LEAD;
            if (role == Role.CO2) {
                if (isFresh && recent(valueAt[s], t)) {
                    co2 = value[s];
                }
                continue;
            }
            if (!role.presence()) {
                continue;
            }
            presence++;
            if (!isFresh) {
                continue;
            }
            fresh++;
            switch (role) {
                case MOTION -> {
                    motionFresh = true;
                    if (lastEvent[s] != NONE && t - lastEvent[s] < layout.holdOff[i]) {
                        motionActive = true;
                    }
                    if (recent(lastEvent[s], t)) {
                        lastMotion = Math.max(lastMotion, lastEvent[s]);
                    }
                }
                case DOOR -> {
                    doorFresh = true;
                    if (lastEvent[s] != NONE && t - lastEvent[s] < layout.holdOff[i]) {
                        doorActive = true;
                    }
                    if (recent(valueAt[s], t) && value[s] == 0) {
                        shutSince = Math.max(shutSince, lastClose[s]);
                    } else {
                        allDoorsShut = false;
                    }
                }
                case DESK, SEAT -> {
                    hasSeat = true;
                    if (recent(valueAt[s], t) && value[s] > 0) {
                        seats++;
                    }
                }
                case COUNTER -> {
                    hasCounter = true;
                    if (recent(valueAt[s], t)) {
                        counted += (int) value[s];
                    }
                }
                default -> throw new IllegalStateException("not a presence role: " + role);
            }
        }
        int freePlaces = layout.container() && i == 0 ? 0 : -1;
        if (fresh == 0) {
            return new Estimate(State.UNKNOWN, 0, 0, true, freePlaces);
        }
        boolean latched = doorFresh && allDoorsShut && lastMotion != NONE && lastMotion > shutSince;
        boolean presenceSensed = motionActive || doorActive || latched;
        int count = Math.max(counted, Math.max(seats, presenceSensed ? 1 : 0));
        State state = count > 0 ? State.OCCUPIED : State.FREE;
        boolean direct = hasCounter || hasSeat;
        double confidence;
        if (direct) {
            confidence = 0.9;
        } else if (latched) {
            confidence = 0.9;
        } else if (motionActive) {
            confidence = 0.85;
        } else if (motionFresh) {
            confidence = 0.75;
        } else {
            confidence = 0.5;
        }
        if (!Double.isNaN(co2)) {
            if (state == State.OCCUPIED) {
                confidence += co2 >= 800 ? 0.05 : co2 < 500 && !direct ? -0.1 : 0;
            } else {
                confidence += co2 >= 1000 ? -0.25 : co2 < 600 ? 0.05 : 0;
            }
        }
        confidence *= 0.5 + 0.5 * fresh / presence;
        return new Estimate(state, count, round(Math.max(0.05, Math.min(0.99, confidence))), !direct, freePlaces);
    }

    private static double round(double c) {
        return Math.round(c * 100) / 100.0;
    }

    /** An estimate of one space at one instant. */
    record Estimate(State state, int count, double confidence, boolean countInferred, int freePlaces) {}
}
