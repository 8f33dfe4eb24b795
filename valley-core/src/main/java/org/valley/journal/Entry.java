package org.valley.journal;

import org.valley.frame.Uplink;

/**
 * One durable record as a {@link DurableListener} sees it.
 *
 * @param position the record's journal position
 * @param uplink the record
 */
public record Entry(long position, Uplink uplink) {}
