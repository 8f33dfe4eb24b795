package org.valley.space.occupancy;

/**
 * The live occupancy of a space.
 *
 * @param spaceId the space
 * @param siteId its site
 * @param state occupied, free or unknown
 * @param count estimated head count (1 while occupied when only presence is sensed)
 * @param confidence 0 to 1: how much the sensors support the state
 * @param since when the space entered its state (reading time, epoch ms), or 0 when never known
 * @param freePlaces free places of a space made of places (a nap room's pods), else -1
 * @param countInferred true when the count is inferred from presence rather than counted
 * @param drift the last daily reset of its people counters, or null
 */
public record SpaceStatus(String spaceId, String siteId, State state, int count, double confidence, long since,
        int freePlaces, boolean countInferred, Drift drift) {}
