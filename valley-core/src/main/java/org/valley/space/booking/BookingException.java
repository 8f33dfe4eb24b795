package org.valley.space.booking;

/** A booking request that cannot be honoured; {@link #field()} names the field at fault. */
public final class BookingException extends RuntimeException {

    /** Why: the request breaks a rule, or it conflicts with another booking. */
    public enum Kind { INVALID, CONFLICT, NOT_FOUND }

    private final Kind kind;
    private final String field;

    public BookingException(Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
