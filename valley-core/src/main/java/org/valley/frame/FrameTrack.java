package org.valley.frame;

import org.valley.device.Device;

/**
 * What Valley knows of one network id's frames: which sequence numbers it has seen, how many frames
 * were lost, the last time it was heard. Used by one thread at a time (the projection).
 *
 * <p>Frame identity. A network numbers the frames of a device with a counter of limited width
 * (Sigfox: 12 bits, so it wraps from 4095 to 0 after about a month at 140 frames a day). The
 * identity of a frame is (device, sequence number), but a raw number repeats after each wrap, so
 * the track extends it to a 64-bit <em>extended sequence number</em> that keeps growing: a new
 * number is placed at the nearest point to the highest one seen, forward when the distance modulo
 * the counter's width is at most half of it, backward otherwise (the serial-number arithmetic of
 * RFC 1982). Frames within 64 of the highest are remembered in a bit window, as in the anti-replay
 * window of IPsec (RFC 4303 §3.4.3): a number seen in the window is a duplicate delivery (another
 * base station, a network retry), never a new reading; an unseen one is a late frame that fills a
 * gap.
 *
 * <p>A number further back than the window cannot be told apart by the counter alone. When its
 * network time is later than that of the highest frame, the device restarted its counter (battery
 * change, firmware update): the frame starts a new run without counting the jump as lost frames.
 * Otherwise the track answers {@link #UNKNOWN} and the caller asks the store whether that frame
 * is already kept, then settles it with {@link #settleLate} or {@link #settleDuplicate}.
 *
 * <p>Runs (LoRaWAN, {@link #lorawan()}). The LoRaWAN frame counter is 32 bits wide (the network
 * server tracks all 32; 16 go over the air) and the device resets it to 0 at every join, so the
 * identity of a frame is (device, run, FCnt), a run being the frames between two joins. Run
 * {@code r} owns the extended numbers {@code r·2^32 + FCnt}: runs never overlap, so a late frame
 * of an earlier run keeps its own number. A run starts at a join ({@link #join}), at an uplink of a
 * session not seen before, or at a counter reset (a number far back with a later time, or a
 * repeated FCnt with another deduplication key). The network's session (The Things Stack's
 * session key id, ChirpStack's DevAddr: both change at every join) tells which run an uplink
 * belongs to, so a delivery of the previous run that arrives after the join (a webhook and an MQTT
 * bridge need not agree on the order) is still recognised; a join seen again (the same session) is
 * no new run. Lost frames are counted within each run; the jump between runs is not a loss.
 *
 * <p>Deduplication keys. Where the network gives every uplink an id of its own, the same on every
 * delivery (ChirpStack's deduplicationId), the track remembers the keys of the last {@value #KEYS}
 * frames: a delivery with a known key is a duplicate whatever its counter says, and one that
 * repeats a counter with another key is a new frame (a device whose counter restarted without a
 * join). A key older than that is checked against the store ({@link #UNKNOWN}, then
 * {@link #settleReset} when the stored frame has another key).
 *
 * <p>Lost frames are the gaps between consecutive extended numbers seen, except gaps that end at a
 * counter restart and gaps between runs: a late frame closes one gap, or opens one when it lies
 * below every number seen in its run.
 */
public final class FrameTrack {

    /** {@link #observe} result: the frame is new. */
    public static final int NEW = 0;
    /** {@link #observe} result: the frame was already seen; this delivery is a duplicate. */
    public static final int DUPLICATE = 1;
    /** {@link #observe} result: the device restarted its counter; the frame is new. */
    public static final int RESTART = 2;
    /** {@link #observe} result: only the store knows whether the frame is new. */
    public static final int UNKNOWN = 3;

    /** The extended numbers of one LoRaWAN run. */
    public static final long RUN = 1L << 32;

    private static final int WINDOW = 64;
    private static final int KEYS = 8;

    private final long modulus;
    private final Runs runs;
    private long high = Long.MIN_VALUE;
    private long low;
    private long highTime;
    private long window;
    private long lastExtended;
    private int frames;
    private int duplicates;
    private int lost;
    private long lastSeen;
    private float battery = Float.NaN;
    // Link quality of the newest frame: its best reception. In memory only: unknown after a restart
    // until the device's next frame.
    private float rssi = Float.NaN;
    private float snr = Float.NaN;
    // The device registered for this network id when last looked up (null: none), and the directory's
    // change count then: saves the projection a second lookup by network id for each new frame.
    private Device device;
    private int deviceAt = -1;

    /**
     * The run state of a LoRaWAN track, apart so that a Sigfox track stays small (a million
     * devices are held in memory).
     */
    private static final class Runs {
        /** The extended number of FCnt 0 in the current run. */
        long base;
        /** The current run has no frame yet (a join opened it); the initial state too. */
        boolean open = true;
        /** The session of the current run, of the previous one; 0 when unknown. */
        long session;
        /**
         * The current run's session is the network's: an uplink of another session belongs to
         * another run. Otherwise it stands for a join that named no session, and the first
         * uplink's session is taken as the run's.
         */
        boolean named;
        long previousSession;
        /** The range of frames seen in the previous run, for the lost frames of its late deliveries. */
        long previousLow = Long.MIN_VALUE;
        long previousHigh = Long.MIN_VALUE;
        /** Set when a run opened or got its session; the caller persists it and clears it. */
        boolean changed;
        /** The delivery being placed: its counter, key and time, for a settlement after the store answered. */
        long seq;
        long key;
        long time;
        /** Ring of recent keys: key hashes in [0, KEYS), their extended numbers in [KEYS, 2 KEYS). */
        long[] keys;
        int nextKey;
        /** The tag of the device's labels last stored; 0 before any. */
        long labels;
    }

    /** @param modulus the width of the network's counter (4096 for Sigfox) */
    public FrameTrack(long modulus) {
        this(modulus, false);
    }

    private FrameTrack(long modulus, boolean withRuns) {
        if (modulus < 2 * WINDOW) {
            throw new IllegalArgumentException("modulus must be at least " + 2 * WINDOW + ", got " + modulus);
        }
        this.modulus = modulus;
        this.runs = withRuns ? new Runs() : null;
    }

    /** A track of a LoRaWAN device: a 32-bit counter that restarts at every join. */
    public static FrameTrack lorawan() {
        return new FrameTrack(RUN, true);
    }

    /** A 64-bit tag of a session or key text for {@link #observe(long, long, long, long)} and {@link #join}; never 0. */
    public static long tag(String text) {
        if (text == null) {
            return 0;
        }
        long hash = 0xcbf29ce484222325L; // FNV-1a, 64 bits
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash == 0 ? 1 : hash;
    }

    /**
     * Whether the device's labels, given as their {@link #tag}, differ from those of the last call,
     * which this one replaces. A track without runs (Sigfox) remembers none and always answers true.
     * A track restored after a restart starts with none, so the first labels after it are stored
     * again.
     */
    public boolean labelsChanged(long tag) {
        if (runs == null) {
            return true;
        }
        if (runs.labels == tag) {
            return false;
        }
        runs.labels = tag;
        return true;
    }

    /** Places a delivery without session or key: {@link #observe(long, long, long, long)} with both unknown. */
    public int observe(long seq, long time) {
        return observe(seq, time, 0, 0);
    }

    /**
     * Places one delivery of sequence number {@code seq} received at network time {@code time}.
     *
     * @param session the {@link #tag} of the network's session of the device, or 0 when unknown
     *     (ignored without runs)
     * @param key the {@link #tag} of the network's own id of this frame, or 0 when none (ignored
     *     without runs)
     * @return {@link #NEW}, {@link #RESTART}, {@link #DUPLICATE} or {@link #UNKNOWN}; {@link #lastExtended()}
     *     then holds the frame's extended sequence number
     */
    public int observe(long seq, long time, long session, long key) {
        if (seq < 0 || seq >= modulus) {
            throw new IllegalArgumentException("seq must be in 0.." + (modulus - 1) + ", got " + seq);
        }
        if (runs != null) {
            runs.seq = seq;
            runs.key = key;
            runs.time = time;
            if (key != 0) {
                for (int i = 0; runs.keys != null && i < KEYS; i++) {
                    if (runs.keys[i] == key) {
                        return duplicate(runs.keys[KEYS + i]);
                    }
                }
            }
            if (session != 0 && session != runs.session) {
                if (session == runs.previousSession) {
                    // a late delivery of the run before the last join: its number is known, whether it is new is not
                    lastExtended = runs.base - RUN + seq;
                    return UNKNOWN;
                }
                openRun(session, true);
            }
            if (runs.open) {
                return first(runs.base + seq, time);
            }
        } else if (high == Long.MIN_VALUE) {
            return first(seq, time);
        }
        long base = runs == null ? 0 : runs.base;
        long delta = Math.floorMod(seq - Math.floorMod(high - base, modulus), modulus);
        if (delta == 0) {
            return counterSeen(high);
        }
        if (delta <= modulus / 2) {
            advance(delta, time);
            lost += (int) Math.min(Integer.MAX_VALUE, delta - 1);
            remember(high);
            return NEW;
        }
        long back = modulus - delta;
        long extended = high - back;
        if (back < WINDOW) {
            long bit = 1L << back;
            if ((window & bit) != 0) {
                return counterSeen(extended);
            }
            window |= bit;
            lastExtended = extended;
            settleLate();
            return NEW;
        }
        if (time > highTime) {
            if (runs != null) {
                openRun(runs.session, runs.named);
                return first(runs.base + seq, time);
            }
            advance(delta, time);
            return RESTART;
        }
        lastExtended = extended;
        return UNKNOWN;
    }

    /**
     * The device joined the network (again): its counter restarts, and the next frames belong to a
     * new run. A join of the current or the previous session was seen already (another delivery of
     * it) and changes nothing.
     *
     * @param session the {@link #tag} of the session the join opened, or of the join itself when the
     *     network names no session
     * @param named true when {@code session} is the network's session (the uplinks of the run will
     *     carry it), false when it only identifies the join
     * @return true when a run opened or took this session
     */
    public boolean join(long session, boolean named) {
        if (runs == null) {
            throw new IllegalStateException("a join needs a track with runs (LoRaWAN)");
        }
        if (session == 0 || session == runs.session || session == runs.previousSession) {
            return false;
        }
        openRun(session, named);
        return true;
    }

    /**
     * Starts a new run with {@code session}. A run that has no frame yet and whose session is not
     * the network's takes this one instead: a join that named no session and the first uplink after
     * it make one run. A run without frames whose session was named by the network is closed like
     * any other: its uplinks may still come.
     */
    private void openRun(long session, boolean named) {
        if (runs.open && !runs.named) {
            if (session != runs.session) {
                runs.session = session;
                runs.named = named;
                runs.changed = true;
            }
            return;
        }
        runs.previousSession = runs.session;
        runs.previousLow = runs.open ? Long.MIN_VALUE : low;
        runs.previousHigh = runs.open ? Long.MIN_VALUE : high;
        runs.session = session;
        runs.named = named;
        runs.base += RUN;
        runs.open = true;
        runs.changed = true;
    }

    /** The first frame of the track, or of a run: nothing before it in its run, so no loss. */
    private int first(long extended, long time) {
        if (high == Long.MIN_VALUE) {
            window = 1;
        } else {
            long shift = extended - high;
            window = shift >= WINDOW ? 1 : (window << shift) | 1;
        }
        high = extended;
        low = extended;
        highTime = time;
        frames++;
        lastExtended = extended;
        if (runs != null) {
            runs.open = false;
        }
        remember(extended);
        return NEW;
    }

    /**
     * A delivery whose counter was seen: a duplicate, unless its key says it is another frame (the
     * counter restarted without a join), or the key of the frame seen is no longer remembered.
     */
    private int counterSeen(long extended) {
        if (runs != null && runs.key != 0) {
            for (int i = 0; runs.keys != null && i < KEYS; i++) {
                if (runs.keys[KEYS + i] == extended && runs.keys[i] != 0) {
                    settleReset();
                    return NEW;
                }
            }
            lastExtended = extended;
            return UNKNOWN;
        }
        return duplicate(extended);
    }

    /** Remembers the key of the delivery being placed as the key of frame {@code extended}. */
    private void remember(long extended) {
        if (runs == null || runs.key == 0) {
            return;
        }
        if (runs.keys == null) {
            runs.keys = new long[2 * KEYS];
        }
        runs.keys[runs.nextKey] = runs.key;
        runs.keys[KEYS + runs.nextKey] = extended;
        runs.nextKey = (runs.nextKey + 1) % KEYS;
    }

    /** Settles an {@link #UNKNOWN} frame the store does not hold: a late frame, new. */
    public void settleLate() {
        frames++;
        remember(lastExtended);
        if (runs != null && lastExtended < runs.base) {
            // a late frame of the previous run: its losses count against that run's range
            if (runs.previousHigh == Long.MIN_VALUE) {
                runs.previousLow = lastExtended;
                runs.previousHigh = lastExtended;
            } else if (lastExtended > runs.previousHigh) {
                lost += (int) (lastExtended - runs.previousHigh - 1);
                runs.previousHigh = lastExtended;
            } else if (lastExtended < runs.previousLow) {
                lost += (int) (runs.previousLow - lastExtended - 1);
                runs.previousLow = lastExtended;
            } else {
                lost = Math.max(0, lost - 1);
            }
            return;
        }
        if (lastExtended < low) {
            lost += (int) (low - lastExtended - 1);
            low = lastExtended;
        } else {
            lost = Math.max(0, lost - 1);
        }
    }

    /** Settles an {@link #UNKNOWN} frame the store already holds: a duplicate delivery. */
    public void settleDuplicate() {
        duplicates++;
    }

    /**
     * Settles an {@link #UNKNOWN} frame the store holds with another deduplication key: a new frame
     * that repeats a counter already used in this run, so the counter restarted without a join. The
     * frame opens a new run; {@link #lastExtended()} then holds its number.
     */
    public void settleReset() {
        openRun(runs.session, runs.named);
        first(runs.base + runs.seq, runs.time);
    }

    private void advance(long delta, long time) {
        window = delta >= WINDOW ? 1 : (window << delta) | 1;
        high += delta;
        highTime = time;
        frames++;
        lastExtended = high;
    }

    private int duplicate(long extended) {
        duplicates++;
        lastExtended = extended;
        return DUPLICATE;
    }

    /**
     * Takes back the duplicate counted by the last {@link #observe}: a DATA_ADVANCED callback
     * enriches a frame already received and is not a second delivery of it.
     */
    public void notADuplicate() {
        duplicates--;
    }

    /** Counts a delivery that carried no sequence number: always a new frame. */
    public void countUnsequenced() {
        frames++;
    }

    /** Restores the state saved by the store: the highest extended number and counters. */
    public void restore(long highest, long highestTime, long seenWindow, int frameCount, int duplicateCount,
            int lostCount, long lastSeenAt, float lastBattery) {
        this.high = highest;
        this.highTime = highestTime;
        this.window = seenWindow;
        this.low = highest - (63 - Long.numberOfLeadingZeros(seenWindow));
        this.frames = frameCount;
        this.duplicates = duplicateCount;
        this.lost = lostCount;
        this.lastSeen = lastSeenAt;
        this.battery = lastBattery;
        if (runs != null && highest != Long.MIN_VALUE) {
            runs.base = Math.floorDiv(highest, RUN) * RUN;
            runs.open = false;
        }
    }

    /**
     * Restores the run state saved by the store, after {@link #restore}: the base and session of
     * the last run opened, and the session of the one before.
     */
    public void restoreRun(long base, long session, long previousSession) {
        if (base >= runs.base || runs.open) {
            runs.open = high == Long.MIN_VALUE || base > high;
            runs.base = base;
            runs.session = session;
            runs.named = session != 0;
            runs.previousSession = previousSession;
            if (!runs.open) {
                low = Math.max(low, base);
            }
        }
    }

    /** Restores the deduplication key of a recent frame; call oldest first. */
    public void restoreKey(long key, long extended) {
        runs.key = key;
        remember(extended);
        runs.key = 0;
    }

    /** True once after a run opened or took its session: the caller saves {@link #runBase} and {@link #session}. */
    public boolean takeRunChange() {
        if (runs == null || !runs.changed) {
            return false;
        }
        runs.changed = false;
        return true;
    }

    /** The extended number of counter value 0 in the current run (0 without runs). */
    public long runBase() {
        return runs == null ? 0 : runs.base;
    }

    /** The session tag of the current run, 0 when unknown. */
    public long session() {
        return runs == null ? 0 : runs.session;
    }

    /** True for a track with runs (LoRaWAN). */
    public boolean hasRuns() {
        return runs != null;
    }

    public long lastExtended() {
        return lastExtended;
    }

    public void seen(long at) {
        if (at > lastSeen) {
            lastSeen = at;
        }
    }

    /** The device last remembered by {@link #device(Device, int)}; check {@link #knowsDevice} first. */
    public Device device() {
        return device;
    }

    /** Whether a device was remembered at the directory's change count {@code changes}. */
    public boolean knowsDevice(int changes) {
        return deviceAt == changes;
    }

    /** Remembers the device (or null) found for this network id at the directory's change count {@code changes}. */
    public void device(Device found, int changes) {
        device = found;
        deviceAt = changes;
    }

    public void battery(float value) {
        battery = value;
    }

    /**
     * A reception of the newest frame: the link quality becomes the best (strongest RSSI) of its
     * receptions. {@code fresh} starts a new frame, forgetting the previous frame's receptions.
     */
    public void link(boolean fresh, Double receptionRssi, Double receptionSnr) {
        if (fresh) {
            rssi = Float.NaN;
            snr = Float.NaN;
        }
        if (receptionRssi != null && (Float.isNaN(rssi) || receptionRssi > rssi)) {
            rssi = receptionRssi.floatValue();
            snr = receptionSnr == null ? Float.NaN : receptionSnr.floatValue();
        }
    }

    /** The RSSI (dBm) of the newest frame's best reception, or NaN when unknown. */
    public float rssi() {
        return rssi;
    }

    /** The SNR (dB) of the newest frame's best reception, or NaN when unknown. */
    public float snr() {
        return snr;
    }

    /** The highest extended number seen, or {@link Long#MIN_VALUE} before any frame. */
    public long highest() {
        return high;
    }

    public int frames() {
        return frames;
    }

    public int duplicates() {
        return duplicates;
    }

    public int lost() {
        return lost;
    }

    public long lastSeen() {
        return lastSeen;
    }

    /** The last decoded battery value, or NaN when none was decoded. */
    public float battery() {
        return battery;
    }

    public long modulus() {
        return modulus;
    }
}
