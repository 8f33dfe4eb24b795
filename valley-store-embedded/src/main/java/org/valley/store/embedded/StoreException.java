package org.valley.store.embedded;

import java.sql.SQLException;

/** A store operation that failed; the message says which. */
public final class StoreException extends RuntimeException {
    StoreException(String what, SQLException cause) {
        super(what + " failed: " + cause.getMessage(), cause);
    }
}
