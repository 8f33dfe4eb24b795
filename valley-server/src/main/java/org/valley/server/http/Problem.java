package org.valley.server.http;

/**
 * An RFC 9457 problem to answer instead of the normal response: the status, a stable type, and a
 * detail naming the field and the rule the request broke.
 */
public final class Problem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final String field;
    private final Integer retryAfterSeconds;

    public Problem(int status, String type, String title, String detail, String field, Integer retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * The same problem about an element of an array body: its field is named under the element's
     * path ({@code [3].network.id}), and so is its detail.
     */
    public Problem at(String element) {
        String path = field == null || field.isEmpty() ? element : element + "." + field;
        return new Problem(status, type, title, element + ": " + getMessage(), path, retryAfterSeconds);
    }

    /** 400: a field breaks a rule; {@code detail} says which rule. */
    public static Problem invalid(String field, String detail) {
        return new Problem(400, "invalid-field", "Invalid field", detail, field, null);
    }

    public static Problem malformed(String detail) {
        return new Problem(400, "malformed-body", "Malformed body", detail, null, null);
    }

    public static Problem unauthorized(String detail) {
        return new Problem(401, "unauthorized", "Unauthorized", detail, null, null);
    }

    public static Problem forbidden(String detail) {
        return new Problem(403, "forbidden", "Forbidden", detail, null, null);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "not-found", "Not found", detail, null, null);
    }

    public static Problem conflict(String field, String detail) {
        return new Problem(409, "conflict", "Conflict", detail, field, null);
    }

    public static Problem tooLarge(long limit) {
        return new Problem(413, "body-too-large", "Body too large",
                "the body must be at most " + limit + " bytes", "body", null);
    }

    public static Problem overloaded(String detail, int retryAfterSeconds) {
        return new Problem(503, "overloaded", "Overloaded", detail, null, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
