package org.valley.server.spaces.brick;

/**
 * A Brick file Valley cannot read as a site: Turtle that does not parse (with the line and column
 * where the parser stopped), or a model that does not make a site (a floor outside any building, a
 * room on no floor, a field that breaks a rule of the site document).
 */
public final class BrickException extends RuntimeException {

    private final String field;
    private final long line;
    private final long column;

    BrickException(String field, String message, long line, long column) {
        super(message, null, false, false);
        this.field = field;
        this.line = line;
        this.column = column;
    }

    BrickException(String field, String message) {
        this(field, message, -1, -1);
    }

    /**
     * What is wrong: {@code body} for a syntax error, else the entity at fault as it is named in
     * the file (a prefixed name such as {@code ex:room12}, or a full IRI).
     */
    public String field() {
        return field;
    }

    /** The line of a syntax error (from 1), or -1. */
    public long line() {
        return line;
    }

    /** The column of a syntax error (from 1), or -1. */
    public long column() {
        return column;
    }
}
