package org.valley.space.booking;

import java.time.Instant;

/**
 * A booking of a space for [start, end).
 *
 * @param site the site of the space (its tenant owns the booking)
 * @param organizer who booked, as they gave it
 * @param checkedInAt when presence checked it in, or null
 * @param closedAt when it was released, ended or cancelled, or null
 * @param createdBy who made it, as the caller identifies them (an API key's id), or null
 */
public record Booking(String id, String space, String site, Instant start, Instant end, String organizer,
        BookingStatus status, Instant createdAt, Instant checkedInAt, Instant closedAt, String createdBy) {

    /** A booking whose maker is not recorded. */
    public Booking(String id, String space, String site, Instant start, Instant end, String organizer,
            BookingStatus status, Instant createdAt, Instant checkedInAt, Instant closedAt) {
        this(id, space, site, start, end, organizer, status, createdAt, checkedInAt, closedAt, null);
    }

    Booking with(BookingStatus status, Instant end, Instant checkedInAt, Instant closedAt) {
        return new Booking(id, space, site, start, end, organizer, status, createdAt, checkedInAt, closedAt, createdBy);
    }
}
