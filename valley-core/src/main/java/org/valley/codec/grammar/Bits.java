package org.valley.codec.grammar;

/*
 * How a uint/int field is read: bit offsets, sub-byte lengths and endianness.
 *
 * Sigfox documents the pieces but not how they combine, so this is our definition, chosen so that
 * every documented example decodes as its author intended.
 *
 * 1. Bits are numbered inside a byte from 7 (most significant) to 0. The payload is read as one
 *    stream of bits, byte 0 first, each byte from bit 7 down to bit 0.
 *
 * 2. A field starts at bit `bitOffset` of its start byte; without an explicit offset it starts at
 *    bit 7. It takes N consecutive bits of the stream: bits offset..0 of the start byte, then as
 *    many following bytes as it needs, each from bit 7 down. So the field covers
 *    (7 - offset + N + 7) / 8 bytes, and a 4-bit field at offset 3 covers bits 3..0.
 *
 *    Why the offset is the bit the field starts at (its most significant bit), counted from 7: the
 *    documented fix for the pitfall is `Speed::uint:8 Direction::uint:4 Status:1:uint:4::3`. Its
 *    intended packing is Speed in byte 0, Direction in the high nibble of byte 1 and Status in
 *    the low nibble of byte 1. Direction has no offset and its documented reading is "the first
 *    4 bits of the next byte" (bits 7..4), which is the default offset 7. Status must then be bits
 *    3..0, and the only offset that gives exactly that with length 4 is 3, read as "starts at bit
 *    3 and goes down". Reading the offset as the field's lowest bit, or as a count of bits to skip,
 *    would put Status on bits 6..3 or 4..1 and overlap Direction.
 *
 * 3. Endianness never changes which bits a field covers; it only orders their significance. The
 *    covered run is cut at byte boundaries into chunks (the first chunk is the offset..0 part of the
 *    start byte, the last may be the top bits of its byte). Big-endian: the first chunk holds the
 *    most significant bits. Little-endian: the first chunk holds the least significant bits, the
 *    next chunk the bits above them, and so on.
 *
 *    Why: (a) for byte-aligned whole-byte fields, the classic form, this is exactly the usual byte
 *    order reversal (`i1:1:uint:16:little-endian` on 12 34 gives 0x3412), (b) a field that fits in
 *    one byte reads the same in both orders, as it does in every byte-oriented format, and (c)
 *    the layout of the payload, and so the chaining rule for an omitted byte index, does not
 *    depend on the endianness of the fields.
 *
 * Signed fields are the same N bits read as two's complement (sign-extended from bit N-1).
 *
 * The loop below walks the covered bytes once; each step takes `take` bits from the current byte
 * (all its remaining bits, or fewer at the end of the field) and appends them above (little-endian)
 * or below (big-endian) what was read so far. At most 64 bits are kept, so the value fits a long
 * even when a 64-bit field at a non-7 offset covers nine bytes.
 */
final class Bits {

    private Bits() {}

    /**
     * Reads an unsigned field of {@code length} bits (1..64); the caller checked that the payload
     * holds every covered byte.
     *
     * @param payload the frame
     * @param startByte the byte the field starts in
     * @param startBit the bit of {@code startByte} the field starts at, 7 = most significant
     * @param length the field's length in bits, 1..64
     * @param littleEndian whether the first chunk holds the least significant bits
     * @return the raw bits as an unsigned value (a 64-bit value may come back negative)
     */
    static long read(byte[] payload, int startByte, int startBit, int length, boolean littleEndian) {
        long value = 0;
        int remaining = length;
        int index = startByte;
        int available = startBit + 1; // bits of the current byte still to read, from the top
        int done = 0;
        while (remaining > 0) {
            int take = Math.min(remaining, available);
            int chunk = ((payload[index] & 0xFF) >>> (available - take)) & ((1 << take) - 1);
            if (littleEndian) {
                value |= (long) chunk << done;
            } else {
                value = (value << take) | chunk;
            }
            done += take;
            remaining -= take;
            index++;
            available = 8;
        }
        return value;
    }

    /** Sign-extends the low {@code length} bits of {@code raw} (two's complement). */
    static long signExtend(long raw, int length) {
        int shift = 64 - length;
        return (raw << shift) >> shift;
    }

    /** The number of bytes a field of {@code length} bits starting at bit {@code startBit} covers. */
    static int bytesCovered(int startBit, int length) {
        return (7 - startBit + length + 7) / 8;
    }
}
