package org.valley.journal;

import java.io.IOException;

/**
 * The journal holds bytes that are not a valid record where one is expected: a CRC mismatch, an
 * impossible length or an undecodable field, anywhere but in a torn tail that recovery can drop.
 * The message names the segment file, the record's position and the rule that failed.
 */
public final class JournalCorruptException extends IOException {

    public JournalCorruptException(String message) {
        super(message);
    }

    public JournalCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
