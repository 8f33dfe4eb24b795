package org.valley.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;

/*
 * The journal's record format, version 1.
 *
 * A segment file is a plain sequence of records, each laid out as
 *
 *   offset 0   int32   body length in bytes (MIN_BODY_BYTES .. MAX_BODY_BYTES)
 *   offset 4   int32   CRC32C of the body bytes
 *   offset 8   body:
 *     varint   version (1)
 *     varint   UplinkKind.code()
 *     u8       flags: bit 0 duplicate, bit 1 ack, bit 2 meta present, bit 3 fPort present,
 *              bit 4 session present, bit 5 dedupKey present, bit 6 labels present; other bits
 *              must be 0
 *     varlong  zigzag(seq)                 -1 ("no seq") takes one byte
 *     int64    time, epoch ms
 *     varlong  zigzag(receivedAt - time)   usually one to three bytes
 *     string   tenant
 *     string   integration
 *     string   networkId
 *     varint   payload length, then the payload bytes
 *     varint   reception count, then per reception:
 *                string station
 *                u8     presence: bit 0 rssi, bit 1 snr; other bits must be 0
 *                float64 rssi (only when present)
 *                float64 snr  (only when present)
 *     string   meta (only when flag bit 2 is set)
 *     u8       fPort (only when flag bit 3 is set)
 *     string   session (only when flag bit 4 is set)
 *     string   dedupKey (only when flag bit 5 is set)
 *     string   labels (only when flag bit 6 is set)
 *
 * Fixed-width integers are big-endian (ByteBuffer's default). A varint is unsigned LEB128: seven
 * bits per byte, least significant group first, high bit set on every byte but the last; at most
 * 5 bytes for 32-bit values and 10 for 64-bit ones. A string is a varint byte length followed by
 * the UTF-8 bytes; an unpaired surrogate is written as '?', as String.getBytes(UTF_8) does.
 *
 * Why this shape: the length prefix lets a reader skip or bound a record before looking inside
 * it, and the CRC over the body detects torn writes and bit rot. The version is inside the body
 * (and so covered by the CRC) so a future layout can coexist with old segments. Times stay
 * fixed-width because they are large, while receivedAt is stored as a small delta from time.
 * Nulls only exist where the domain allows them (rssi, snr, meta, session, dedupKey, labels), each behind a
 * presence bit.
 *
 * Growth without a new version: the LoRaWAN fields (fPort, session, dedupKey, labels) came after the first
 * records were written. They sit behind flag bits that older records never set, after every field
 * of the first layout, so a record written before them decodes unchanged. The sequence number
 * became a varlong for the 32-bit LoRaWAN frame counter: LEB128 and zigzag give the same bytes for
 * a value whether it is read as 32 or 64 bits, so old records read the same.
 *
 * Decoding trusts nothing: every length is checked against the bytes left in the body and against
 * MAX_BODY_BYTES before it is used, unknown versions, kinds and flag bits are rejected, and a body
 * with bytes left over after the last field is corrupt. Every failure is a JournalCorruptException
 * naming the field.
 */

/**
 * Encodes {@link Uplink}s into journal records and decodes them back. An instance holds a reusable
 * CRC32C and is not thread-safe: use one per thread. The size methods are static and thread-safe.
 */
final class UplinkCodec {

    /** The length and CRC fields in front of every body. */
    static final int HEADER_BYTES = 8;
    /** The record layout this build writes and reads. */
    static final int VERSION = 1;
    /** The smallest possible body: every field present at its shortest. */
    static final int MIN_BODY_BYTES = 18;
    /** The largest body accepted; an uplink that would encode larger is refused at append time. */
    static final int MAX_BODY_BYTES = 1 << 20;
    /** The largest record, header included. */
    static final int MAX_RECORD_BYTES = HEADER_BYTES + MAX_BODY_BYTES;

    private static final int FLAG_DUPLICATE = 1;
    private static final int FLAG_ACK = 2;
    private static final int FLAG_META = 4;
    private static final int FLAG_PORT = 8;
    private static final int FLAG_SESSION = 16;
    private static final int FLAG_DEDUP = 32;
    private static final int FLAG_LABELS = 64;
    private static final int KNOWN_FLAGS =
            FLAG_DUPLICATE | FLAG_ACK | FLAG_META | FLAG_PORT | FLAG_SESSION | FLAG_DEDUP | FLAG_LABELS;
    private static final int HAS_RSSI = 1;
    private static final int HAS_SNR = 2;
    private static final int KNOWN_PRESENCE = HAS_RSSI | HAS_SNR;

    private static final UplinkKind[] KINDS_BY_CODE = kindsByCode();

    private final CRC32C crc = new CRC32C();

    // ---------------------------------------------------------------- sizes

    /**
     * An upper bound of the record size of {@code uplink}, header included, computed without
     * scanning strings (three UTF-8 bytes per char at most).
     */
    static long maxEncodedSize(Uplink uplink) {
        long size = HEADER_BYTES + 5 + 5 + 1 + 5 + 8 + 10;
        size += maxStringSize(uplink.tenant()) + maxStringSize(uplink.integration()) + maxStringSize(uplink.networkId());
        size += 5 + uplink.payload().length + 5;
        List<Reception> receptions = uplink.receptions();
        for (int i = 0, n = receptions.size(); i < n; i++) {
            size += maxStringSize(receptions.get(i).station()) + 1 + 16;
        }
        size += maxOptionalSize(uplink.meta()) + 1 + maxOptionalSize(uplink.session()) + maxOptionalSize(uplink.dedupKey());
        size += maxOptionalSize(uplink.labels());
        return size;
    }

    private static long maxOptionalSize(String s) {
        return s == null ? 0 : maxStringSize(s);
    }

    private static long optionalSize(String s) {
        return s == null ? 0 : stringSize(s);
    }

    /** The exact record size of {@code uplink}, header included. */
    static long encodedSize(Uplink uplink) {
        long size = HEADER_BYTES;
        size += varintSize(VERSION) + varintSize(uplink.kind().code()) + 1 + varlongSize(zigzag(uplink.seq())) + 8;
        size += varlongSize(zigzag(uplink.receivedAt() - uplink.time()));
        size += stringSize(uplink.tenant()) + stringSize(uplink.integration()) + stringSize(uplink.networkId());
        size += varintSize(uplink.payload().length) + uplink.payload().length;
        List<Reception> receptions = uplink.receptions();
        size += varintSize(receptions.size());
        for (int i = 0, n = receptions.size(); i < n; i++) {
            Reception reception = receptions.get(i);
            size += stringSize(reception.station()) + 1;
            size += reception.rssi() != null ? 8 : 0;
            size += reception.snr() != null ? 8 : 0;
        }
        size += optionalSize(uplink.meta()) + (uplink.fPort() >= 0 ? 1 : 0);
        size += optionalSize(uplink.session()) + optionalSize(uplink.dedupKey()) + optionalSize(uplink.labels());
        return size;
    }

    /** Whether {@code uplink} fits in one record. */
    static boolean fits(Uplink uplink) {
        return maxEncodedSize(uplink) <= MAX_RECORD_BYTES || encodedSize(uplink) <= MAX_RECORD_BYTES;
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Writes the record of {@code uplink} at {@code out}'s position and advances it.
     *
     * @return the record size, header included
     * @throws java.nio.BufferOverflowException when {@code out} has less room than
     *     {@link #encodedSize}; {@code out}'s position is then undefined
     * @throws IllegalArgumentException when the body would exceed {@link #MAX_BODY_BYTES}; the
     *     position is restored
     */
    int encode(Uplink uplink, ByteBuffer out) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        putVarint(out, VERSION);
        putVarint(out, uplink.kind().code());
        int flags = (uplink.duplicate() ? FLAG_DUPLICATE : 0)
                | (uplink.ack() ? FLAG_ACK : 0)
                | (uplink.meta() != null ? FLAG_META : 0)
                | (uplink.fPort() >= 0 ? FLAG_PORT : 0)
                | (uplink.session() != null ? FLAG_SESSION : 0)
                | (uplink.dedupKey() != null ? FLAG_DEDUP : 0)
                | (uplink.labels() != null ? FLAG_LABELS : 0);
        out.put((byte) flags);
        putVarlong(out, zigzag(uplink.seq()));
        out.putLong(uplink.time());
        putVarlong(out, zigzag(uplink.receivedAt() - uplink.time()));
        putString(out, uplink.tenant());
        putString(out, uplink.integration());
        putString(out, uplink.networkId());
        byte[] payload = uplink.payload();
        putVarint(out, payload.length);
        out.put(payload);
        List<Reception> receptions = uplink.receptions();
        putVarint(out, receptions.size());
        for (int i = 0, n = receptions.size(); i < n; i++) {
            Reception reception = receptions.get(i);
            putString(out, reception.station());
            Double rssi = reception.rssi();
            Double snr = reception.snr();
            out.put((byte) ((rssi != null ? HAS_RSSI : 0) | (snr != null ? HAS_SNR : 0)));
            if (rssi != null) {
                out.putDouble(rssi);
            }
            if (snr != null) {
                out.putDouble(snr);
            }
        }
        if (uplink.meta() != null) {
            putString(out, uplink.meta());
        }
        if (uplink.fPort() >= 0) {
            out.put((byte) uplink.fPort());
        }
        if (uplink.session() != null) {
            putString(out, uplink.session());
        }
        if (uplink.dedupKey() != null) {
            putString(out, uplink.dedupKey());
        }
        if (uplink.labels() != null) {
            putString(out, uplink.labels());
        }
        int end = out.position();
        int bodyLength = end - start - HEADER_BYTES;
        if (bodyLength > MAX_BODY_BYTES) {
            out.position(start);
            throw new IllegalArgumentException("uplink encodes to " + bodyLength
                    + " bytes, more than the journal's record limit of " + MAX_BODY_BYTES);
        }
        out.putInt(start, bodyLength);
        out.putInt(start + 4, crc(out, start + HEADER_BYTES, end));
        return end - start;
    }

    /** CRC32C of {@code buffer}'s bytes in [from, to); position and limit are left as they were. */
    int crc(ByteBuffer buffer, int from, int to) {
        int position = buffer.position();
        int limit = buffer.limit();
        buffer.limit(to).position(from);
        crc.reset();
        crc.update(buffer);
        buffer.limit(limit).position(position);
        return (int) crc.getValue();
    }

    /**
     * A string as its UTF-8 length (a varint) and bytes; an unpaired surrogate becomes '?', as
     * {@link #utf8Length} counts it. The JDK's encoder copies a Latin-1 string of ASCII characters in
     * one block, several times faster than writing it a character at a time.
     */
    private static void putString(ByteBuffer out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        putVarint(out, bytes.length);
        out.put(bytes);
    }

    static void putVarint(ByteBuffer out, int value) {
        while ((value & ~0x7F) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    static void putVarlong(ByteBuffer out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes one body: {@code in}'s bytes from its position to its limit, which must be exactly
     * one body (no header). Advances the position to the limit on success.
     *
     * @throws JournalCorruptException naming the field when the bytes are not a valid body
     */
    Uplink decodeBody(ByteBuffer in) throws JournalCorruptException {
        int version = getVarint(in, "version");
        if (version != VERSION) {
            throw new JournalCorruptException("unsupported record version " + version + " (this build reads version " + VERSION + ")");
        }
        int code = getVarint(in, "kind");
        UplinkKind kind = code >= 0 && code < KINDS_BY_CODE.length ? KINDS_BY_CODE[code] : null;
        if (kind == null) {
            throw new JournalCorruptException("unknown uplink kind code " + (code & 0xFFFFFFFFL));
        }
        int flags = getU8(in, "flags");
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new JournalCorruptException("flags byte 0x" + Integer.toHexString(flags) + " has unknown bits");
        }
        long seq = unzigzag(getVarlong(in, "seq"));
        long time = getLong(in, "time");
        long receivedAt = time + unzigzag(getVarlong(in, "receivedAt"));
        String tenant = getString(in, "tenant");
        String integration = getString(in, "integration");
        String networkId = getString(in, "networkId");
        byte[] payload = new byte[getLength(in, "payload", 1)];
        in.get(payload);
        List<Reception> receptions = getReceptions(in);
        String meta = (flags & FLAG_META) != 0 ? getString(in, "meta") : null;
        int fPort = (flags & FLAG_PORT) != 0 ? getU8(in, "fPort") : Uplink.NO_PORT;
        String session = (flags & FLAG_SESSION) != 0 ? getString(in, "session") : null;
        String dedupKey = (flags & FLAG_DEDUP) != 0 ? getString(in, "dedupKey") : null;
        String labels = (flags & FLAG_LABELS) != 0 ? getString(in, "labels") : null;
        if (in.hasRemaining()) {
            throw new JournalCorruptException(in.remaining() + " bytes left over after the last field");
        }
        return new Uplink(kind, tenant, integration, networkId, seq, time, receivedAt, payload, receptions,
                (flags & FLAG_DUPLICATE) != 0, (flags & FLAG_ACK) != 0, meta, fPort, session, dedupKey, labels);
    }

    private static List<Reception> getReceptions(ByteBuffer in) throws JournalCorruptException {
        // A reception takes at least two bytes (an empty station and the presence byte).
        int count = getLength(in, "receptions", 2);
        if (count == 0) {
            return List.of();
        }
        Reception[] receptions = new Reception[count];
        for (int i = 0; i < count; i++) {
            String station = getString(in, "receptions[" + i + "].station");
            int presence = getU8(in, "receptions[" + i + "].presence");
            if ((presence & ~KNOWN_PRESENCE) != 0) {
                throw new JournalCorruptException("receptions[" + i + "].presence byte 0x"
                        + Integer.toHexString(presence) + " has unknown bits");
            }
            Double rssi = (presence & HAS_RSSI) != 0 ? getDouble(in, "receptions[" + i + "].rssi") : null;
            Double snr = (presence & HAS_SNR) != 0 ? getDouble(in, "receptions[" + i + "].snr") : null;
            receptions[i] = new Reception(station, rssi, snr);
        }
        return List.of(receptions);
    }

    private static String getString(ByteBuffer in, String field) throws JournalCorruptException {
        int length = getLength(in, field, 1);
        String s;
        if (in.hasArray()) {
            s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
        } else {
            byte[] bytes = new byte[length];
            in.get(bytes);
            s = new String(bytes, StandardCharsets.UTF_8);
        }
        return s;
    }

    /** Reads a varint count of items that take at least {@code itemBytes} each and checks it fits. */
    private static int getLength(ByteBuffer in, String field, int itemBytes) throws JournalCorruptException {
        int length = getVarint(in, field + " length");
        if (length < 0 || length > in.remaining() / itemBytes) {
            throw new JournalCorruptException(field + " length " + (length & 0xFFFFFFFFL) + " exceeds the "
                    + in.remaining() + " bytes left in the record");
        }
        return length;
    }

    private static int getU8(ByteBuffer in, String field) throws JournalCorruptException {
        require(in, 1, field);
        return in.get() & 0xFF;
    }

    private static long getLong(ByteBuffer in, String field) throws JournalCorruptException {
        require(in, 8, field);
        return in.getLong();
    }

    private static double getDouble(ByteBuffer in, String field) throws JournalCorruptException {
        require(in, 8, field);
        return in.getDouble();
    }

    private static int getVarint(ByteBuffer in, String field) throws JournalCorruptException {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            require(in, 1, field);
            int b = in.get();
            if (shift == 28 && (b & 0xF0) != 0) {
                throw new JournalCorruptException(field + " varint overflows 32 bits");
            }
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new AssertionError("unreachable: the fifth byte ends the varint or fails the overflow check");
    }

    private static long getVarlong(ByteBuffer in, String field) throws JournalCorruptException {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            require(in, 1, field);
            int b = in.get();
            if (shift == 63 && (b & 0xFE) != 0) {
                throw new JournalCorruptException(field + " varint overflows 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new AssertionError("unreachable: the tenth byte ends the varint or fails the overflow check");
    }

    private static void require(ByteBuffer in, int bytes, String field) throws JournalCorruptException {
        if (in.remaining() < bytes) {
            throw new JournalCorruptException(field + " needs " + bytes + " bytes but the record has "
                    + in.remaining() + " left");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static long maxStringSize(String s) {
        return 5 + 3L * s.length();
    }

    private static long stringSize(String s) {
        int length = utf8Length(s);
        return varintSize(length) + length;
    }

    /** The UTF-8 length of {@code s} as {@link #putString} writes it. */
    static int utf8Length(String s) {
        int n = s.length();
        int length = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                } else if (!Character.isSurrogate(c)) {
                    length += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    length += 2; // four bytes for the two chars of the pair
                    i++;
                }
                // an unpaired surrogate becomes '?': one byte, already counted
            }
        }
        return length;
    }

    static int varintSize(int value) {
        return value == 0 ? 1 : (38 - Integer.numberOfLeadingZeros(value)) / 7;
    }

    static int varlongSize(long value) {
        return value == 0 ? 1 : (70 - Long.numberOfLeadingZeros(value)) / 7;
    }

    private static long zigzag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private static long unzigzag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    private static UplinkKind[] kindsByCode() {
        int max = 0;
        for (UplinkKind kind : UplinkKind.values()) {
            if (kind.code() < 0) {
                throw new IllegalStateException("UplinkKind " + kind + " has a negative code");
            }
            max = Math.max(max, kind.code());
        }
        UplinkKind[] byCode = new UplinkKind[max + 1];
        for (UplinkKind kind : UplinkKind.values()) {
            byCode[kind.code()] = kind;
        }
        return byCode;
    }
}
