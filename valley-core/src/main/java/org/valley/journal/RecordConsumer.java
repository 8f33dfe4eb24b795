package org.valley.journal;

import java.io.IOException;
import org.valley.frame.Uplink;

/** Receives the records of a {@link Journal#replay}, in journal order. */
@FunctionalInterface
public interface RecordConsumer {

    /**
     * @param position the record's journal position
     * @param uplink the decoded record
     * @throws IOException to stop the replay; it propagates out of {@link Journal#replay}
     */
    void accept(long position, Uplink uplink) throws IOException;
}
