package org.valley.js;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Source;
import org.valley.codec.Codec;
import org.valley.codec.DecodeResult;
import org.valley.codec.EncodeResult;

/**
 * A JavaScript codec: its source, and a small pool of sandboxes that evaluated it. A GraalJS
 * context runs one thread at a time, so concurrent callers (the projection, API tests, a
 * re-decode) each take a sandbox; at most {@link JsLimits#contextsPerCodec()} exist at once. A
 * sandbox that hit a limit is thrown away and the next call evaluates the source afresh.
 */
final class JsCodec implements Codec {

    private static final int DECODE_UPLINK = 0;
    private static final int ENCODE_DOWNLINK = 1;
    private static final int DECODE_DOWNLINK = 2;
    static final int FUNCTIONS = 3;

    private final JsRuntime runtime;
    private final Source source;
    private final ConcurrentLinkedDeque<Sandbox> idle = new ConcurrentLinkedDeque<>();
    private final Semaphore permits;
    private final int outputChars;
    private volatile boolean closed;
    /**
     * Set once the watchdog has stopped a call of this codec. Until then the first {@value
     * #WARM_UP_CALLS} calls of each context run under the setup limit, since they specialise the
     * engine's code for the codec, which on a cold engine costs far more than a call. A codec that
     * has already run into a limit gets no such allowance again: otherwise every fresh context that
     * replaces a stopped one would let a hostile codec spend the setup limit once more, on every frame.
     */
    private volatile boolean limitReached;

    static final int WARM_UP_CALLS = 2;

    JsCodec(JsRuntime runtime, Source source, Sandbox first, JsLimits limits) {
        this.runtime = runtime;
        this.source = source;
        this.permits = new Semaphore(limits.contextsPerCodec());
        this.outputChars = limits.outputChars();
        idle.push(first);
    }

    @Override
    public DecodeResult decode(byte[] payload, int fPort) {
        return decode(payload, fPort, System.currentTimeMillis());
    }

    @Override
    public DecodeResult decode(byte[] payload, int fPort, long recvTime) {
        return decodeWith(DECODE_UPLINK, "decodeUplink", payload, fPort, recvTime);
    }

    /** Decodes a downlink payload with the codec's {@code decodeDownlink}. */
    @Override
    public DecodeResult decodeDownlink(byte[] payload, int fPort) {
        return decodeWith(DECODE_DOWNLINK, "decodeDownlink", payload, fPort, System.currentTimeMillis());
    }

    private DecodeResult decodeWith(int op, String function, byte[] payload, int fPort, long recvTime) {
        try {
            String bytes = runtime.latin1Payloads() ? new String(payload, StandardCharsets.ISO_8859_1) : jsonArray(payload);
            return Results.decoded(function, call(op, bytes, fPort, recvTime, null));
        } catch (Sandbox.CallFailed e) {
            return new DecodeResult.Rejected(List.of(e.getMessage()));
        }
    }

    @Override
    public EncodeResult encodeDownlink(Map<String, Object> data) {
        try {
            return Results.encoded(call(ENCODE_DOWNLINK, "[]", -1, 0, Results.toJson(data)));
        } catch (Sandbox.CallFailed | IllegalArgumentException e) {
            return new EncodeResult.Rejected(List.of(e.getMessage()));
        }
    }

    /** The names of the TS013 functions the source defines, comma-separated. */
    String functions() throws Sandbox.CallFailed {
        String names = call(FUNCTIONS, "[]", -1, 0, null);
        return names == null ? "" : names;
    }

    /** The payload as a JSON array of integers 0-255, for an interpreting engine. */
    private static String jsonArray(byte[] payload) {
        StringBuilder b = new StringBuilder(2 + payload.length * 4).append('[');
        for (int i = 0; i < payload.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(payload[i] & 0xff);
        }
        return b.append(']').toString();
    }

    private String call(int op, String bytes, int fPort, long recvTime, String dataJson) throws Sandbox.CallFailed {
        if (closed) {
            throw new Sandbox.CallFailed("the codec version was replaced while this call waited");
        }
        try {
            if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new Sandbox.CallFailed("every context of the codec stayed busy for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Sandbox.CallFailed("interrupted while waiting for a context of the codec");
        }
        Sandbox sandbox = idle.poll();
        try {
            if (sandbox == null) {
                sandbox = runtime.newSandbox(source);
            }
            boolean warmingUp = !limitReached && sandbox.calls() < WARM_UP_CALLS;
            String out = sandbox.call(warmingUp, op, bytes, runtime.latin1Payloads(), fPort, recvTime, dataJson);
            if (out != null && out.length() > outputChars) {
                throw new Sandbox.CallFailed("the codec's result is " + out.length() + " characters of JSON; the limit is "
                        + outputChars);
            }
            return out;
        } finally {
            if (sandbox != null) {
                if (sandbox.stoppedByLimit()) {
                    limitReached = true;
                }
                if (sandbox.broken() || closed) {
                    sandbox.close();
                } else {
                    idle.push(sandbox);
                }
            }
            permits.release();
        }
    }

    /** Closes idle sandboxes now and busy ones when their call returns. */
    @Override
    public void close() {
        closed = true;
        for (Sandbox s; (s = idle.poll()) != null; ) {
            s.close();
        }
    }
}
