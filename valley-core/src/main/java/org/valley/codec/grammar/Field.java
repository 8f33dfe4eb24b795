package org.valley.codec.grammar;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * One compiled field of a grammar: where it is and how to turn its bits into a value. Immutable;
 * positions are resolved at parse time so that reading is a switch and a few shifts.
 */
final class Field {

    static final int BOOL = 0;
    static final int CHAR = 1;
    static final int UINT = 2;
    static final int INT = 3;
    static final int FLOAT = 4;

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    private static final int MAX_EXACT_FLOAT_INT = 1 << 24;

    final String name;
    final int kind;
    final int startByte;
    /** bool: the bit read; uint/int: the bit the field starts at; others: 7. */
    final int startBit;
    /** uint/int/float: bits; char: bytes; bool: 1. */
    final int length;
    final boolean littleEndian;
    /** Whether the config gave an explicit bit offset (it decides where the next field starts). */
    final boolean explicitBitOffset;
    /** The last byte the field covers. */
    final int endByte;

    Field(String name, int kind, int startByte, int startBit, int length, boolean littleEndian,
            boolean explicitBitOffset) {
        this.name = name;
        this.kind = kind;
        this.startByte = startByte;
        this.startBit = startBit;
        this.length = length;
        this.littleEndian = littleEndian;
        this.explicitBitOffset = explicitBitOffset;
        this.endByte = startByte + bytesCovered() - 1;
    }

    private int bytesCovered() {
        return switch (kind) {
            case BOOL -> 1;
            case CHAR -> length;
            default -> Bits.bytesCovered(startBit, length);
        };
    }

    /** Reads the value; the caller checked that the payload reaches {@link #endByte}. */
    Object read(byte[] payload) {
        return switch (kind) {
            case BOOL -> ((payload[startByte] >>> startBit) & 1) != 0 ? Boolean.TRUE : Boolean.FALSE;
            case CHAR -> new String(payload, startByte, length, StandardCharsets.ISO_8859_1);
            case UINT -> unsigned(Bits.read(payload, startByte, startBit, length, littleEndian));
            case INT -> signed(Bits.signExtend(Bits.read(payload, startByte, startBit, length, littleEndian), length));
            default -> floating(Bits.read(payload, startByte, startBit, length, littleEndian));
        };
    }

    private Object unsigned(long raw) {
        if (length <= 31) {
            return (int) raw;
        }
        if (length < 64 || raw >= 0) {
            return raw;
        }
        return BigInteger.valueOf(raw).add(TWO_TO_64);
    }

    private Object signed(long value) {
        return length <= 32 ? (Object) (int) value : (Object) value;
    }

    private Object floating(long raw) {
        if (length == 64) {
            return Double.longBitsToDouble(raw);
        }
        return widen(Float.intBitsToFloat((int) raw));
    }

    /**
     * A float as the double with the same shortest decimal form (1.1f reads 1.1, not
     * 1.100000023841858). Whole numbers below 2^24 take a shortcut: their double is already exact.
     */
    static double widen(float f) {
        if (f == (int) f && Math.abs(f) < MAX_EXACT_FLOAT_INT) {
            return f;
        }
        return Double.parseDouble(Float.toString(f));
    }
}
