/**
 * Bookings of spaces: made ahead (refused when they overlap another), checked in by presence
 * sensed in the space, released when nobody came within the site's no-show grace, ended or
 * cancelled.
 */
package org.valley.space.booking;
