package org.valley.js;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;
import org.valley.codec.Codec;
import org.valley.codec.CodecCompiler;
import org.valley.codec.CodecDefinition;
import org.valley.codec.InvalidCodecException;

/**
 * Runs JavaScript payload formatters (LoRa Alliance TS013: {@code decodeUplink},
 * {@code encodeDownlink}, {@code decodeDownlink}) on GraalJS, each codec version in contexts of its
 * own. One engine is shared by every context so that parsed and compiled code is reused.
 *
 * <p>Isolation: contexts get no host access, no host class lookup, no I/O, no environment, no
 * threads, no native access and no polyglot access, and the engine's non-standard globals
 * ({@code load}, {@code print}, {@code Graal}, {@code Polyglot}, {@code Java}, {@code java}) are
 * off; a codec exchanges only strings and numbers with Valley. (GraalVM's {@code CONSTRAINED}
 * sandbox policy would check the same denials but refuses the length-limit options, which matter
 * more: one typed array of 2 GiB is allocated in one piece, before any watchdog could step in.) Limits: CPU time and allocated
 * bytes per call (enforced by a {@link Watchdog}, because the Community edition has no resource
 * limits of its own), string and typed-array lengths (engine options) and source size.
 *
 * <p>Speed: on a stock JDK GraalJS interprets unless the Graal compiler is present; see
 * {@link #mode()} and the README for the flags that enable it.
 */
public final class JsRuntime implements CodecCompiler, AutoCloseable {

    /** The codec kind this runtime compiles. */
    public static final String KIND = "javascript";

    private final JsLimits limits;
    private final Engine engine;
    private final Watchdog watchdog;
    private final Source entry;
    private final boolean latin1Payloads;

    public JsRuntime(JsLimits limits) {
        this(limits, null);
    }

    /**
     * @param latin1Payloads whether payloads reach the codecs as Latin-1 text turned into bytes by a
     *     loop in JavaScript (true) or as JSON parsed by the engine (false); null picks by the mode:
     *     the loop when the engine compiles, JSON when it interprets. Either way a codec sees the same
     *     array of integers 0-255.
     */
    JsRuntime(JsLimits limits, Boolean latin1Payloads) {
        this.limits = limits;
        this.engine = Engine.newBuilder("js")
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        this.watchdog = new Watchdog(limits);
        try (InputStream in = JsRuntime.class.getResourceAsStream("entry.js")) {
            this.entry = Source.newBuilder("js", new String(in.readAllBytes(), StandardCharsets.UTF_8), Sandbox.ENTRY_NAME)
                    .cached(true)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.latin1Payloads = latin1Payloads != null ? latin1Payloads : mode().equals("optimizing");
    }

    public JsRuntime() {
        this(JsLimits.DEFAULTS);
    }

    /**
     * How the engine runs code: {@code "optimizing"} when the Graal compiler compiles hot codecs to
     * machine code, {@code "interpreter"} otherwise (a stock JDK without the compiler on the module path).
     */
    public String mode() {
        return "Interpreted".equalsIgnoreCase(engine.getImplementationName()) ? "interpreter" : "optimizing";
    }

    /** The GraalJS version in use (from the polyglot jar when the engine calls itself a development build). */
    public String version() {
        String v = engine.getVersion();
        String jar = Engine.class.getPackage().getImplementationVersion();
        return v.toLowerCase(java.util.Locale.ROOT).contains("development") && jar != null ? jar : v;
    }

    /** Whether payloads reach the codecs as Latin-1 text rather than JSON (see the constructor). */
    boolean latin1Payloads() {
        return latin1Payloads;
    }

    public JsLimits limits() {
        return limits;
    }

    /**
     * Compiles a {@code javascript} codec: evaluates its source in a first sandbox and checks that it
     * defines {@code decodeUplink}.
     *
     * @throws InvalidCodecException naming {@code source} when it is too large, does not parse, fails
     *     or exceeds a limit while evaluated, or defines no {@code decodeUplink}
     */
    @Override
    public Codec compile(CodecDefinition definition) {
        String text = definition.body();
        if (text == null || text.isBlank()) {
            throw new InvalidCodecException("source", "field 'source' must hold the codec's JavaScript");
        }
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > limits.sourceBytes()) {
            throw new InvalidCodecException("source", "field 'source' is " + size + " bytes; the limit is "
                    + limits.sourceBytes());
        }
        Source source = Source.newBuilder("js", text, definition.id() + "-v" + definition.version() + ".js")
                .cached(true)
                .buildLiteral();
        Sandbox first;
        String functions;
        try {
            first = newSandbox(source);
        } catch (Sandbox.CallFailed e) {
            throw new InvalidCodecException("source", "field 'source' cannot be evaluated: " + e.getMessage());
        }
        JsCodec codec = new JsCodec(this, source, first, limits);
        try {
            functions = codec.functions();
        } catch (Sandbox.CallFailed e) {
            codec.close();
            throw new InvalidCodecException("source", "field 'source' cannot be evaluated: " + e.getMessage());
        }
        if (!functions.contains("decodeUplink")) {
            codec.close();
            throw new InvalidCodecException("source", "field 'source' must define function decodeUplink(input)");
        }
        // One call on an empty payload specialises the entry path while nothing waits on it; the
        // result (often an error: an empty payload) does not matter.
        codec.decode(new byte[0], 1, 0L);
        return codec;
    }

    Sandbox newSandbox(Source source) throws Sandbox.CallFailed {
        return new Sandbox(newContext(), watchdog, limits, entry, source);
    }

    private Context newContext() {
        return Context.newBuilder("js")
                .engine(engine)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .in(InputStream.nullInputStream())
                .allowHostAccess(HostAccess.NONE)
                .allowHostClassLookup(className -> false)
                .allowHostClassLoading(false)
                .allowIO(IOAccess.NONE)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowExperimentalOptions(true)
                .option("js.string-length-limit", Integer.toString(limits.maxStringLength()))
                .option("js.max-typed-array-length", Integer.toString(limits.maxTypedArrayLength()))
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.graal-builtin", "false")
                .option("js.polyglot-builtin", "false")
                .option("js.java-package-globals", "false")
                .build();
    }

    @Override
    public void close() {
        watchdog.close();
        engine.close(true);
    }
}
