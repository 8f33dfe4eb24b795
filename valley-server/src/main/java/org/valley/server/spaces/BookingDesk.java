package org.valley.server.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.valley.server.auth.Principal;
import org.valley.server.http.Fields;
import org.valley.server.http.Problem;
import org.valley.space.booking.Booking;
import org.valley.space.booking.BookingException;
import org.valley.space.booking.BookingStatus;
import org.valley.space.site.Site;

/**
 * Bookings through the API: made by the operator, a tenant key or an occupant key for a space of
 * its tenant; an occupant cancels only the bookings it made.
 */
public final class BookingDesk {

    private static final Set<String> FIELDS = Set.of("space", "start", "end", "organizer");
    private static final int MAX_ORGANIZER = 200;

    private final Spaces spaces;

    public BookingDesk(Spaces spaces) {
        this.spaces = spaces;
    }

    public Booking create(Principal who, JsonNode body) {
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw Problem.invalid(name, "field '" + name + "' is not known; a booking has " + FIELDS);
            }
        });
        String spaceId = Fields.string(body, "space");
        SpaceDirectory.Entry e = spaces.directory().space(spaceId);
        if (e == null || !(who.isOperator() || e.tenant().equals(who.tenant()))) {
            throw Problem.invalid("space", "field 'space' names no space: '" + spaceId + "'");
        }
        if (!e.space().kind().bookable()) {
            throw Problem.invalid("space", "field 'space' names a space of kind " + e.space().kind().jsonName()
                    + ", which cannot be booked");
        }
        Instant start = instant(body, "start");
        Instant end = instant(body, "end");
        String organizer = Fields.optionalString(body, "organizer");
        if (organizer != null && (organizer.isBlank() || organizer.length() > MAX_ORGANIZER)) {
            throw Problem.invalid("organizer", "field 'organizer' must be 1 to " + MAX_ORGANIZER + " characters");
        }
        try {
            return spaces.bookings().create(spaceId, e.site().id(), start, end, organizer, who.keyId());
        } catch (BookingException x) {
            throw problem(x);
        }
    }

    /** A required time field: an ISO-8601 instant or epoch milliseconds. */
    private static Instant instant(JsonNode body, String field) {
        JsonNode node = body.get(field);
        String rule = "field '" + field + "' is required: an ISO-8601 instant (2026-11-02T09:00:00Z) or epoch milliseconds";
        if (node == null || node.isNull()) {
            throw Problem.invalid(field, rule);
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        if (node.isTextual()) {
            try {
                return Instant.parse(node.asText());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw Problem.invalid(field, rule + ", got " + node);
    }

    private static Problem problem(BookingException x) {
        return switch (x.kind()) {
            case CONFLICT -> Problem.conflict(x.field(), x.getMessage());
            case NOT_FOUND -> Problem.notFound(x.getMessage());
            case INVALID -> Problem.invalid(x.field(), x.getMessage());
        };
    }

    /** A booking the principal may see, or 404. */
    public Booking get(Principal who, String id) {
        Booking b = spaces.bookings().active(id);
        if (b == null) {
            b = spaces.store().booking(id);
        }
        if (b == null || !(who.isOperator() || who.tenant().equals(tenantOf(b)))) {
            throw Problem.notFound("no booking '" + id + "'");
        }
        return b;
    }

    private String tenantOf(Booking b) {
        Site s = spaces.directory().site(b.site());
        if (s != null) {
            return s.tenant();
        }
        // the site is gone: its bookings stay readable by the operator only
        return null;
    }

    /** Cancels a booking (a checked-in one ends now); an occupant cancels only its own. */
    public Booking cancel(Principal who, String id) {
        Booking b = get(who, id);
        if ("occupant".equals(who.role()) && !who.keyId().equals(b.createdBy())) {
            throw Problem.forbidden("an occupant key may cancel only the bookings it made");
        }
        try {
            return spaces.bookings().cancel(id);
        } catch (BookingException x) {
            throw problem(x);
        }
    }

    /** Bookings of the principal's sites overlapping [from, to), of one space and one status when asked. */
    public List<Booking> list(Principal who, String space, Long from, Long to, String status, int limit) {
        BookingStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = BookingStatus.of(status);
            } catch (IllegalArgumentException e) {
                throw Problem.invalid("status", "parameter 'status' must be one of booked, checked-in, released-no-show, "
                        + "ended, cancelled; got '" + status + "'");
            }
        }
        if (space != null) {
            spaces.space(who, space);
        }
        long now = spaces.clock().millis();
        Instant start = Instant.ofEpochMilli(from == null ? now - Duration.ofDays(1).toMillis() : from);
        Instant end = Instant.ofEpochMilli(to == null ? now + Duration.ofDays(30).toMillis() : to);
        if (!start.isBefore(end)) {
            throw Problem.invalid("from", "parameter 'from' must be before 'to'");
        }
        List<String> sites = new ArrayList<>();
        for (Site s : spaces.directory().sites()) {
            if (who.isOperator() || s.tenant().equals(who.tenant())) {
                sites.add(s.id());
            }
        }
        List<Booking> found = spaces.store().bookings(sites, space, start, end, wanted == null ? limit : 100_000);
        if (wanted == null) {
            return found;
        }
        BookingStatus w = wanted;
        return found.stream().filter(b -> b.status() == w).limit(limit).toList();
    }
}
