package org.valley.space.occupancy;

/**
 * What a people counter's daily reset found: the day's drift.
 *
 * @param at the reset (the site's empty hour), epoch ms
 * @param residual the count the reset set back to 0: entries whose exit was never counted
 * @param clampedExits exits ignored since the previous reset because they would have made the
 *     count negative: exits whose entry was never counted
 */
public record Drift(long at, int residual, int clampedExits) {}
