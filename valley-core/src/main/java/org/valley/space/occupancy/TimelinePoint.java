package org.valley.space.occupancy;

/**
 * A change point of a space's occupancy timeline: from {@code at} (reading time, epoch ms) until
 * the space's next point, the space was in {@code state} with {@code count} people.
 *
 * @param freePlaces free places of a space made of places, or -1
 */
public record TimelinePoint(String spaceId, long at, State state, int count, double confidence, int freePlaces) {}
