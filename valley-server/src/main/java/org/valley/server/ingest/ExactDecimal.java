package org.valley.server.ingest;

/**
 * A plain decimal of at most {@value #MAX_DIGITS} digits as a double, without parsing its text: its
 * digits m (below 2^53) and 10^k (k at most 22) are both exact doubles, so m / 10^k, one correctly
 * rounded division, is the double nearest the decimal, which is what {@link Double#parseDouble} gives.
 */
public final class ExactDecimal {

    /** The most digits a decimal may have for {@link #of} to be exact. */
    public static final int MAX_DIGITS = 15;
    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15};

    private ExactDecimal() {}

    /** The decimal {@code digits} / 10^{@code scale}, for at most {@link #MAX_DIGITS} digits and {@code scale} ≤ 15. */
    public static double of(long digits, int scale) {
        return scale == 0 ? digits : digits / POWERS_OF_TEN[scale];
    }
}
