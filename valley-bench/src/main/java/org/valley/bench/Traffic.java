package org.valley.bench;

import java.util.BitSet;

/**
 * The stream of Sigfox callbacks the load harness sends, and what the server acknowledged of it.
 *
 * <p>Devices take turns, one frame each; a frame is delivered by 1 to 3 base stations in a row (the
 * extra deliveries flagged {@code duplicate=true}); each device's sequence number advances by one
 * per frame from a random start. A request carries a tag naming its device and the device's frame
 * index, so that a 2xx can be booked against the frame: a frame counts as acknowledged, hence
 * durable, once any of its deliveries got a 2xx. Single-threaded (the load generator's thread).
 */
final class Traffic implements Uplinks {

    private final Fleet fleet;
    private final CallbackBodies writer = new CallbackBodies();
    private final int[] firstSeq;
    private final int[] framesSent;
    private final BitSet[] acked;
    private final int[] ackedCallbacks;
    private long ackedFrames;
    private int cursor;
    private int device;
    private int frame;
    private int seq;
    private int deliveries;
    private int station;
    private byte[] payload;

    Traffic(int devices, long seed) {
        this.fleet = new Fleet(devices, seed);
        this.firstSeq = new int[devices];
        this.framesSent = new int[devices];
        this.acked = new BitSet[devices];
        this.ackedCallbacks = new int[devices];
        for (int d = 0; d < devices; d++) {
            firstSeq[d] = fleet.random().nextInt(Fleet.SEQ_MODULUS);
            acked[d] = new BitSet();
        }
    }

    /** Writes the next callback's body; returns the request's tag. */
    @Override
    public long next(long epochSeconds) {
        if (station == deliveries) {
            device = cursor;
            cursor = cursor + 1 == fleet.size() ? 0 : cursor + 1;
            frame = framesSent[device]++;
            seq = (firstSeq[device] + frame) % Fleet.SEQ_MODULUS;
            payload = fleet.payload(device);
            deliveries = fleet.deliveries();
            station = 0;
        }
        fleet.body(writer, device, epochSeconds, payload, seq, station++);
        return (long) device << 32 | frame;
    }

    @Override
    public byte[] bodyArray() {
        return writer.array();
    }

    @Override
    public int bodyLength() {
        return writer.length();
    }

    @Override
    public boolean acknowledged(long tag) {
        int d = (int) (tag >>> 32);
        int k = (int) tag;
        ackedCallbacks[d]++;
        if (acked[d].get(k)) {
            return false;
        }
        acked[d].set(k);
        ackedFrames++;
        return true;
    }

    @Override
    public long ackedFrames() {
        return ackedFrames;
    }

    @Override
    public int devices() {
        return fleet.size();
    }

    @Override
    public int ackedFrames(int d) {
        return acked[d].cardinality();
    }

    /** 2xx answers to callbacks of device {@code d}: each is one stored reception. */
    @Override
    public long ackedReceptions(int d) {
        return ackedCallbacks[d];
    }

    @Override
    public BitSet ackedSeqs(int d) {
        BitSet seqs = new BitSet(Fleet.SEQ_MODULUS);
        for (int k = acked[d].nextSetBit(0); k >= 0; k = acked[d].nextSetBit(k + 1)) {
            seqs.set((firstSeq[d] + k) % Fleet.SEQ_MODULUS);
        }
        return seqs;
    }

    /** Below 4096 frames per device, Sigfox sequence numbers identify frames. */
    @Override
    public void checkIdentifiable() {
        for (int n : framesSent) {
            if (n >= Fleet.SEQ_MODULUS) {
                throw new IllegalStateException("a device sent 4096 frames or more: sequence numbers no longer identify frames");
            }
        }
    }
}
