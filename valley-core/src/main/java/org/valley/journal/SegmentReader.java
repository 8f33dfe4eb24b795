package org.valley.journal;

import static org.valley.journal.UplinkCodec.HEADER_BYTES;
import static org.valley.journal.UplinkCodec.MAX_BODY_BYTES;
import static org.valley.journal.UplinkCodec.MAX_RECORD_BYTES;
import static org.valley.journal.UplinkCodec.MIN_BODY_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.valley.frame.Uplink;

/**
 * Walks the records of one segment file in order, from a start offset up to a stop offset, checking
 * each record's length and CRC. Reads through a heap buffer that grows to the largest record seen.
 * Never reads at or beyond the stop offset, so it can follow a segment the writer is still
 * appending to. Not thread-safe.
 */
final class SegmentReader implements AutoCloseable {

    /** What {@link #next} found. */
    enum Step {
        /** A record with a valid length and CRC; see {@link #position} and {@link #decode}. */
        RECORD,
        /** The stop offset, exactly at a record boundary. */
        END,
        /** Bytes that are not a valid record; see {@link #position} and {@link #problem}. */
        INVALID
    }

    private static final int INITIAL_BUFFER_BYTES = 256 * 1024;

    private final Path file;
    private final long base;
    private final long stop;
    private final FileChannel channel;
    private final UplinkCodec codec;
    private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES).flip();
    /** File offset of the byte after the last one read into the buffer. */
    private long readOffset;
    /** File offset of the current record (after RECORD or INVALID). */
    private long recordOffset;
    private int bodyStart;
    private int bodyEnd;
    private String problem;

    /**
     * @param file the segment file
     * @param base the segment's base position
     * @param start the file offset of the first record to read
     * @param stop the file offset to stop at
     * @param codec the codec to check CRCs and decode with (owned by the calling thread)
     */
    SegmentReader(Path file, long base, long start, long stop, UplinkCodec codec) throws IOException {
        this.file = file;
        this.base = base;
        this.stop = stop;
        this.codec = codec;
        this.readOffset = start;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    Step next() throws IOException {
        recordOffset = readOffset - buffer.remaining();
        problem = null;
        if (recordOffset == stop) {
            return Step.END;
        }
        if (!fill(HEADER_BYTES)) {
            return invalid("only " + (available()) + " bytes left where a record header needs " + HEADER_BYTES);
        }
        int at = buffer.position();
        int length = buffer.getInt(at);
        if (length < MIN_BODY_BYTES || length > MAX_BODY_BYTES) {
            return invalid("body length " + length + " is outside " + MIN_BODY_BYTES + ".." + MAX_BODY_BYTES);
        }
        long left = stop - recordOffset - HEADER_BYTES;
        if (length > left) {
            return invalid("body length " + length + " exceeds the " + left + " bytes left in the segment");
        }
        if (!fill(HEADER_BYTES + length)) {
            return invalid("the file ends " + available() + " bytes into a " + (HEADER_BYTES + length) + "-byte record");
        }
        at = buffer.position();
        int stored = buffer.getInt(at + 4);
        int computed = codec.crc(buffer, at + HEADER_BYTES, at + HEADER_BYTES + length);
        if (stored != computed) {
            return invalid("CRC32C mismatch (stored " + Integer.toHexString(stored) + ", computed "
                    + Integer.toHexString(computed) + ") over a body of " + length + " bytes");
        }
        bodyStart = at + HEADER_BYTES;
        bodyEnd = bodyStart + length;
        buffer.position(bodyEnd);
        return Step.RECORD;
    }

    /** The journal position of the record {@link #next} last looked at. */
    long position() {
        return base + recordOffset;
    }

    /** The file offset of the record {@link #next} last looked at. */
    long offset() {
        return recordOffset;
    }

    /** Why the last {@link #next} returned INVALID. */
    String problem() {
        return problem;
    }

    /** Decodes the record the last {@link #next} returned. */
    Uplink decode() throws JournalCorruptException {
        int position = buffer.position();
        int limit = buffer.limit();
        buffer.limit(bodyEnd).position(bodyStart);
        try {
            return codec.decodeBody(buffer);
        } catch (JournalCorruptException e) {
            throw corrupt(e.getMessage(), e);
        } finally {
            buffer.limit(limit).position(position);
        }
    }

    /** An exception naming this segment and the current record. */
    JournalCorruptException corrupt(String what, Throwable cause) {
        return new JournalCorruptException("journal segment " + file + ": record at position " + position()
                + " (file offset " + recordOffset + ") is corrupt: " + what, cause);
    }

    private Step invalid(String why) {
        problem = why;
        return Step.INVALID;
    }

    private long available() {
        return buffer.remaining();
    }

    /** Makes at least {@code bytes} unread bytes available; false when the file or stop comes first. */
    private boolean fill(int bytes) throws IOException {
        if (buffer.remaining() >= bytes) {
            return true;
        }
        if (buffer.capacity() < bytes) {
            ByteBuffer larger = ByteBuffer.allocate(Math.min(Math.max(bytes, buffer.capacity() * 2), MAX_RECORD_BYTES));
            larger.put(buffer).flip();
            buffer = larger;
        }
        buffer.compact();
        try {
            while (buffer.position() < bytes && readOffset < stop) {
                int room = (int) Math.min(buffer.remaining(), stop - readOffset);
                int read = channel.read(buffer.limit(buffer.position() + room), readOffset);
                buffer.limit(buffer.capacity());
                if (read < 0) {
                    break;
                }
                readOffset += read;
            }
        } finally {
            buffer.flip();
        }
        return buffer.remaining() >= bytes;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
