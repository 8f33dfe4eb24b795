package org.valley.codec;

/** A codec definition that cannot be compiled; the message names the field and the rule. */
public class InvalidCodecException extends RuntimeException {
    private final String field;

    public InvalidCodecException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The definition's field at fault: {@code kind}, {@code config}, {@code builtin} or {@code source}. */
    public String field() {
        return field;
    }
}
