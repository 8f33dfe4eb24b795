/**
 * Spaces: the building model ({@code site}), occupancy inferred from bound sensors
 * ({@code occupancy}), bookings ({@code booking}) and the live availability index
 * ({@code availability}). This package holds the small vocabulary they share: space kinds and
 * sensor roles.
 */
package org.valley.space;
