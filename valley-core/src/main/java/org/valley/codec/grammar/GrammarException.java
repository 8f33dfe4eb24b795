package org.valley.codec.grammar;

/**
 * A Sigfox custom payload grammar config that cannot be compiled. The message names the field and
 * the rule it breaks, e.g. {@code field 'temp': uint length must be 1..64 bits, got 80}, so that it
 * can be shown as is to the person who wrote the config.
 */
public class GrammarException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    GrammarException(String message) {
        super(message);
    }
}
