/**
 * The frame journal: every {@link org.valley.frame.Uplink} is appended here, durably and in order,
 * before its network is answered, and every projection (de-duplication, readings, device health,
 * spaces) is rebuilt from it.
 *
 * <p>{@link org.valley.journal.Journal} is the entry point; {@link
 * org.valley.journal.JournalConfig} its settings. The record format is described in {@code
 * UplinkCodec}, the group commit in {@code JournalWriter}, and torn-tail recovery in {@code
 * SegmentRecovery}.
 */
package org.valley.journal;
