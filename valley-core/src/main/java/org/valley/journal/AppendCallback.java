package org.valley.journal;

/**
 * Learns the outcome of one {@link Journal#tryAppend}. Runs on the journal's writer thread, so it
 * must be cheap and must not block: hand the result to the caller's own executor or event loop.
 */
@FunctionalInterface
public interface AppendCallback {

    /**
     * Called exactly once per accepted append.
     *
     * @param position the record's journal position when it is durable, or -1 on error
     * @param error null when the record is durable; otherwise why it is not (an {@link
     *     java.io.IOException} from the disk, or the failure that stopped the journal earlier)
     */
    void done(long position, Throwable error);
}
