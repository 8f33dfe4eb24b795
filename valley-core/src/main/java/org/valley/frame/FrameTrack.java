package org.valley.frame;

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
 * <p>Lost frames are the gaps between consecutive extended numbers seen, except gaps that end at a
 * counter restart: a late frame closes one gap, or opens one when it lies below every number seen.
 */
public final class FrameTrack {

    /** {@link #observe} result: the frame is new. */
    public static final int NEW = 0;
    /** {@link #observe} result: the frame was already seen; this delivery is a duplicate. */
    public static final int DUPLICATE = 1;
    /** {@link #observe} result: the device restarted its counter; the frame is new. */
    public static final int RESTART = 2;
    /** {@link #observe} result: a frame older than the window; only the store knows whether it is new. */
    public static final int UNKNOWN = 3;

    private static final int WINDOW = 64;

    private final long modulus;
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

    /** @param modulus the width of the network's counter (4096 for Sigfox, 2^32 for LoRaWAN) */
    public FrameTrack(long modulus) {
        if (modulus < 2 * WINDOW) {
            throw new IllegalArgumentException("modulus must be at least " + 2 * WINDOW + ", got " + modulus);
        }
        this.modulus = modulus;
    }

    /**
     * Places one delivery of sequence number {@code seq} received at network time {@code time}.
     *
     * @return {@link #NEW}, {@link #RESTART}, {@link #DUPLICATE} or {@link #UNKNOWN}; {@link #lastExtended()}
     *     then holds the frame's extended sequence number
     */
    public int observe(long seq, long time) {
        if (seq < 0 || seq >= modulus) {
            throw new IllegalArgumentException("seq must be in 0.." + (modulus - 1) + ", got " + seq);
        }
        if (high == Long.MIN_VALUE) {
            high = seq;
            low = seq;
            highTime = time;
            window = 1;
            frames = 1;
            lastExtended = seq;
            return NEW;
        }
        long delta = Math.floorMod(seq - Math.floorMod(high, modulus), modulus);
        if (delta == 0) {
            return duplicate(high);
        }
        if (delta <= modulus / 2) {
            advance(delta, time);
            lost += (int) Math.min(Integer.MAX_VALUE, delta - 1);
            return NEW;
        }
        long back = modulus - delta;
        long extended = high - back;
        if (back < WINDOW) {
            long bit = 1L << back;
            if ((window & bit) != 0) {
                return duplicate(extended);
            }
            window |= bit;
            lastExtended = extended;
            settleLate();
            return NEW;
        }
        if (time > highTime) {
            advance(delta, time);
            return RESTART;
        }
        lastExtended = extended;
        return UNKNOWN;
    }

    /** Settles an {@link #UNKNOWN} frame the store does not hold: a late frame, new. */
    public void settleLate() {
        frames++;
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
    }

    public long lastExtended() {
        return lastExtended;
    }

    public void seen(long at) {
        if (at > lastSeen) {
            lastSeen = at;
        }
    }

    public void battery(float value) {
        battery = value;
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
