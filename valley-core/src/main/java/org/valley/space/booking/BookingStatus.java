package org.valley.space.booking;

/** Where a booking is in its life. */
public enum BookingStatus {
    BOOKED("booked"),
    CHECKED_IN("checked-in"),
    RELEASED_NO_SHOW("released-no-show"),
    ENDED("ended"),
    CANCELLED("cancelled");

    private final String jsonName;

    BookingStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** Whether the booking still holds its space (booked or checked in). */
    public boolean active() {
        return this == BOOKED || this == CHECKED_IN;
    }

    public static BookingStatus of(String name) {
        for (BookingStatus s : values()) {
            if (s.jsonName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no booking status '" + name + "'");
    }
}
