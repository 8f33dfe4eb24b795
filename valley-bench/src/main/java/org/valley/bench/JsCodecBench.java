package org.valley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.valley.codec.Codec;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
import org.valley.js.JsRuntime;

/**
 * JavaScript codecs: decodes per second of a typical vendor codec (the Elsys TLV decoder of
 * {@code examples/codecs/elsys.js}, an 11-byte desk-sensor payload), and what the sandbox costs per
 * call: a codec that returns a constant through Valley's runtime ({@link #sandboxedTrivial}) against
 * the same function called directly on a bare GraalJS context ({@link #bareTrivial}).
 *
 * <p>GraalJS interprets on a stock JDK unless the Graal compiler is on the upgrade module path.
 * Run both ways from the repository root (after {@code ./mvnw -q -B package -DskipTests}):
 *
 * <pre>{@code
 * java -jar valley-bench/target/benchmarks.jar JsCodecBench                       # interpreter only
 * java -jar valley-bench/target/benchmarks.jar JsCodecBench -jvmArgsAppend \
 *   "-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=valley-server/target/graal"
 * }</pre>
 *
 * The engine's mode is printed at set-up ({@code JsRuntime.mode()}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow"})
public class JsCodecBench {

    private static final String TRIVIAL = "function decodeUplink(input) { return {data: {n: input.bytes.length}}; }";

    @Param("examples/codecs/elsys.js")
    public String codecFile;

    private JsRuntime runtime;
    private Codec elsys;
    private Codec trivial;
    private Context bare;
    private Value bareFn;
    private final byte[] desk = HexFormat.of().parseHex("0100E20229030127051102");

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        runtime = new JsRuntime();
        System.out.println("\nGraalJS " + runtime.version() + " mode: " + runtime.mode());
        elsys = runtime.compile(new CodecDefinition("elsys", null, "javascript", Files.readString(Path.of(codecFile)), 1,
                null));
        trivial = runtime.compile(new CodecDefinition("trivial", null, "javascript", TRIVIAL, 1, null));
        bare = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
        bare.eval("js", TRIVIAL);
        bareFn = bare.eval("js", "(function (n) { return decodeUplink({bytes: new Array(n)}).data.n; })");
        if (!(elsys.decode(desk, 1, 0L) instanceof DecodeResult.Decoded)) {
            throw new IllegalStateException("the Elsys codec does not decode the desk payload");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        elsys.close();
        trivial.close();
        bare.close();
        runtime.close();
    }

    /** One decode of an 11-byte Elsys desk payload: temperature, humidity, acceleration, occupancy. */
    @Benchmark
    public DecodeResult elsysDesk() {
        return elsys.decode(desk, 1, 0L);
    }

    /** A codec returning one value, through the sandbox: entry, limits, JSON result, parsing. */
    @Benchmark
    public DecodeResult sandboxedTrivial() {
        return trivial.decode(desk, 1, 0L);
    }

    /** The same codec called directly on an unrestricted context, returning a number. */
    @Benchmark
    public int bareTrivial() {
        return bareFn.execute(desk.length).asInt();
    }
}
