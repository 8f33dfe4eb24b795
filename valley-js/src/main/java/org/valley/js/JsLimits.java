package org.valley.js;

import java.time.Duration;

/**
 * What one JavaScript codec may use.
 *
 * @param cpuTime CPU time of one call (decode or encode); past it the call fails
 * @param setupTime CPU time to create a context and evaluate the codec's top-level code (the first
 *     context of a cold engine initialises the JavaScript realm, which takes far longer than a call)
 * @param allocatedBytes bytes one call may allocate on the heap; past it the call fails
 * @param sourceBytes the largest codec source accepted (UTF-8)
 * @param outputChars the largest result of one call, as JSON text
 * @param maxStringLength the longest string a codec may build
 * @param maxTypedArrayLength the longest typed array a codec may create (allocated in one piece)
 * @param contextsPerCodec how many calls of one codec may run at once (each in its own context)
 */
public record JsLimits(
        Duration cpuTime,
        Duration setupTime,
        long allocatedBytes,
        int sourceBytes,
        int outputChars,
        int maxStringLength,
        int maxTypedArrayLength,
        int contextsPerCodec) {

    public static final JsLimits DEFAULTS =
            new JsLimits(Duration.ofMillis(50), Duration.ofSeconds(5), 64L << 20, 512 * 1024, 64 * 1024, 1 << 20, 1 << 20, 4);

    public JsLimits {
        if (cpuTime.isNegative() || cpuTime.isZero() || setupTime.compareTo(cpuTime) < 0) {
            throw new IllegalArgumentException("cpuTime must be positive and setupTime at least cpuTime, got "
                    + cpuTime + " and " + setupTime);
        }
        if (allocatedBytes < 1 << 20 || sourceBytes < 1024 || outputChars < 1024 || maxStringLength < outputChars
                || maxTypedArrayLength < 256 || contextsPerCodec < 1) {
            throw new IllegalArgumentException("JavaScript limits too small: " + this);
        }
    }

    /** The same limits with another CPU time per call. */
    public JsLimits withCpuTime(Duration cpu) {
        return new JsLimits(cpu, setupTime.compareTo(cpu) < 0 ? cpu : setupTime, allocatedBytes, sourceBytes, outputChars, maxStringLength, maxTypedArrayLength,
                contextsPerCodec);
    }
}
