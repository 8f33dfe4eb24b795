package org.valley.journal;

import static org.valley.journal.UplinkCodec.HEADER_BYTES;
import static org.valley.journal.UplinkCodec.MAX_BODY_BYTES;
import static org.valley.journal.UplinkCodec.MIN_BODY_BYTES;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/*
 * Recovery of the last segment at open.
 *
 * Only the last segment can hold a torn write: the writer forces a segment before it starts the
 * next one, and it acknowledges a record only after the force that covers it. So whatever follows
 * the last valid record of the last segment was never acknowledged, and dropping it loses nothing
 * a client was told is stored.
 *
 * The scan walks the segment record by record, checking each length and CRC. At the first invalid
 * record it must tell a torn tail (drop it) from damage in the middle (refuse: dropping would lose
 * acknowledged records). The test is whether any valid record (plausible length, version byte and
 * matching CRC) starts anywhere after the bad one. A torn tail is a prefix of the last write, ending
 * in a partial record, zeros or garbage, so nothing valid follows it. Damage in the middle (a flipped
 * bit, a bad sector) leaves the records after it intact, and one of them is found. The search reads
 * the rest of the segment once; it only runs after a crash or damage.
 *
 * One case errs on the side of refusing: a filesystem that exposes a zero-filled hole inside the
 * last, unforced write (possible on XFS after a power cut) leaves valid, never-acknowledged records
 * after the hole. Open then fails with the position, and the operator truncates the segment there.
 */

/** Finds where the valid records of the last segment end, and truncates what follows. */
final class SegmentRecovery {

    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    private static final int SCAN_CHUNK_BYTES = 64 * 1024;
    /** A candidate record needs its header and the version byte to be judged. */
    private static final int PEEK_BYTES = HEADER_BYTES + 1;

    private SegmentRecovery() {}

    /**
     * Scans {@code file} and truncates a torn tail.
     *
     * @return the segment's valid length, after any truncation
     * @throws JournalCorruptException when an invalid record is followed by valid ones
     */
    static long recover(Path file, long base) throws IOException {
        UplinkCodec codec = new UplinkCodec();
        long size;
        long validEnd;
        String problem;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            size = channel.size();
            try (SegmentReader reader = new SegmentReader(file, base, 0, size, codec)) {
                SegmentReader.Step step;
                while ((step = reader.next()) == SegmentReader.Step.RECORD) {
                    // only lengths and CRCs are checked here; replay decodes
                }
                if (step == SegmentReader.Step.END) {
                    return size;
                }
                validEnd = reader.offset();
                problem = reader.problem();
                long next = findValidRecord(channel, validEnd + 1, size, codec);
                if (next >= 0) {
                    throw reader.corrupt(problem + "; a valid record follows at position " + (base + next)
                            + ", so this is damage inside the segment, not a torn tail. Restore the segment from a"
                            + " copy, or, if the damage is the unacknowledged tail of a crash, truncate the file to "
                            + validEnd + " bytes", null);
                }
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(validEnd);
            channel.force(true);
        }
        LOG.log(Level.WARNING, "Journal segment " + file + ": dropped a torn tail of " + (size - validEnd)
                + " bytes at position " + (base + validEnd) + " (" + problem + "); it was never acknowledged."
                + " Appends continue from position " + (base + validEnd) + ".");
        return validEnd;
    }

    /**
     * The file offset of the first valid record starting in [from, size), or -1. Candidates are
     * filtered on the cheap header checks first, so garbage and zeros cost one pass of reading.
     */
    static long findValidRecord(FileChannel channel, long from, long size, UplinkCodec codec) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(SCAN_CHUNK_BYTES);
        long chunkStart = from;
        while (size - chunkStart >= HEADER_BYTES + MIN_BODY_BYTES) {
            chunk.clear().limit((int) Math.min(SCAN_CHUNK_BYTES, size - chunkStart));
            readFully(channel, chunk, chunkStart);
            chunk.flip();
            int candidates = chunk.limit() - PEEK_BYTES + 1;
            for (int i = 0; i < candidates; i++) {
                int length = chunk.getInt(i);
                long offset = chunkStart + i;
                if (length >= MIN_BODY_BYTES && length <= MAX_BODY_BYTES
                        && offset + HEADER_BYTES + length <= size
                        && chunk.get(i + HEADER_BYTES) == UplinkCodec.VERSION
                        && crcMatches(channel, offset, length, chunk.getInt(i + 4), codec)) {
                    return offset;
                }
            }
            if (candidates <= 0 || chunkStart + chunk.limit() >= size) {
                return -1;
            }
            chunkStart += candidates;
        }
        return -1;
    }

    private static boolean crcMatches(FileChannel channel, long offset, int length, int stored, UplinkCodec codec)
            throws IOException {
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, offset + HEADER_BYTES);
        return codec.crc(body, 0, length) == stored;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at offset " + at);
            }
            at += read;
        }
    }
}
