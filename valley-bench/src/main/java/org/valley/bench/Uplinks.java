package org.valley.bench;

import java.util.BitSet;

/**
 * What the HTTP load generator sends (one request body after another, each with a tag) and the book
 * of what the server acknowledged, which the durability check reads afterwards. One implementation
 * per network's body shape: {@link Traffic} (Sigfox callbacks), {@link LorawanTraffic} (The Things
 * Stack webhooks, ChirpStack events). Single-threaded: the load generator's thread.
 */
interface Uplinks {

    /** Writes the next request's body; returns its tag. */
    long next(long epochSeconds);

    /**
     * The request target of the body just written (its path names the device, as in
     * {@code /ingest/http/{deviceId}}), or null when every request goes to the phase's target.
     * Only the raw-NIO generator ({@link HttpLoad}) sends to such targets.
     */
    default String target() {
        return null;
    }

    /** The last body written: its bytes are {@code bodyArray()[0, bodyLength())}. */
    byte[] bodyArray();

    int bodyLength();

    /** Books a 2xx for the request tagged {@code tag}; true when it is the frame's first. */
    boolean acknowledged(long tag);

    int devices();

    /** Distinct frames acknowledged, all devices. */
    long ackedFrames();

    /** Distinct frames of device {@code d} acknowledged. */
    int ackedFrames(int d);

    /** The acknowledged frames of device {@code d}, by the sequence number the frames API shows. */
    BitSet ackedSeqs(int d);

    /** Receptions (one per station or gateway that heard it) the store must hold for device {@code d}. */
    long ackedReceptions(int d);

    /** Fails when the frames sent can no longer be told apart by their sequence numbers. */
    void checkIdentifiable();
}
