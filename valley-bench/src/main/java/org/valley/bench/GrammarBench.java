package org.valley.bench;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.valley.codec.DecodeResult;
import org.valley.codec.grammar.SigfoxGrammar;
import org.valley.codec.sensit.SensitV3;
import org.valley.json.Json;

/**
 * Decoding one payload: a typical Sigfox custom payload grammar of six fields, and the built-in
 * Sens'it v3 codec in its two commonest modes. Each operation is one decode into the map of values
 * the projection then flattens into readings; {@link #sensitV3TemperatureAsJson} adds the JSON text
 * the projection stores with each decode.
 *
 * <p>Run (after {@code ./mvnw -q -B install -DskipTests}):
 *
 * <pre>{@code
 * java -jar valley-bench/target/benchmarks.jar GrammarBench
 * java -jar valley-bench/target/benchmarks.jar GrammarBench -prof gc     # allocation per decode
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GrammarBench {

    /**
     * A counter byte, a little-endian signed temperature in centi-degrees, two flag bits, humidity,
     * and an IEEE 754 pressure: the kinds of field a typical custom config mixes.
     */
    static final String CONFIG = "counter::uint:8 temperature::int:16:little-endian door:3:bool:7 alarm:3:bool:6 "
            + "humidity:4:uint:8 pressure:5:float:32";

    private SigfoxGrammar grammar;
    private SensitV3 sensit;
    private byte[] grammarPayload;
    private byte[] sensitTemperature;
    private byte[] sensitDoor;

    @Setup
    public void setUp() {
        grammar = SigfoxGrammar.parse(CONFIG);
        sensit = new SensitV3();
        // counter 42, 21.37 °C (0x0859 little-endian), door open, no alarm, 55 %, 1013.25 hPa
        grammarPayload = HexFormat.of().parseHex("2a590880" + "37" + "447d5000");
        sensitTemperature = HexFormat.of().parseHex("ae090f5a");
        sensitDoor = HexFormat.of().parseHex("ae1b0107");
        require(grammar.decode(grammarPayload, -1), "grammar");
        require(sensit.decode(sensitTemperature, -1), "sensit temperature");
        require(sensit.decode(sensitDoor, -1), "sensit door");
    }

    private static void require(DecodeResult result, String what) {
        if (!(result instanceof DecodeResult.Decoded)) {
            throw new IllegalStateException(what + " payload does not decode: " + result);
        }
    }

    @Benchmark
    public DecodeResult grammarSixFields() {
        return grammar.decode(grammarPayload, -1);
    }

    @Benchmark
    public DecodeResult sensitV3Temperature() {
        return sensit.decode(sensitTemperature, -1);
    }

    @Benchmark
    public DecodeResult sensitV3Door() {
        return sensit.decode(sensitDoor, -1);
    }

    /** A decode and the JSON text the projection stores for it. */
    @Benchmark
    public String sensitV3TemperatureAsJson() {
        return Json.write(((DecodeResult.Decoded) sensit.decode(sensitTemperature, -1)).data());
    }
}
