package org.valley.space.site;

/** A site document breaks a rule; {@link #field()} is the path of the offending field. */
public final class SiteException extends RuntimeException {

    private final String field;

    public SiteException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    /** The path of the field, such as {@code buildings[0].floors[1].spaces[3].kind}. */
    public String field() {
        return field;
    }
}
