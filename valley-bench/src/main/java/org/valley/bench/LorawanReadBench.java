package org.valley.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
import org.valley.server.ingest.lorawan.ChirpStack;
import org.valley.server.ingest.lorawan.Delivery;
import org.valley.server.ingest.lorawan.Message;
import org.valley.server.ingest.lorawan.TheThingsStack;

/**
 * Reading one LoRaWAN webhook body into its uplink, as the edge does for every request on the
 * event loop: The Things Stack v3 {@code uplink_message} webhooks (about 1.5 KB with 1 to 3
 * gateways) and ChirpStack v4 JSON {@code up} events (about 1 KB), the very bodies the load harness
 * posts ({@link LorawanTraffic}), 1,000 of each read in turn.
 *
 * <pre>{@code
 * java -jar valley-bench/target/benchmarks.jar LorawanReadBench
 * java -jar valley-bench/target/benchmarks.jar LorawanReadBench -prof gc     # allocation per body
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LorawanReadBench {

    private static final int BODIES = 1000;

    private final TheThingsStack tts = new TheThingsStack();
    private final ChirpStack chirpstack = new ChirpStack();
    private List<byte[]> ttsBodies;
    private List<byte[]> chirpstackBodies;
    private int next;

    @Setup
    public void setUp() {
        ttsBodies = bodies(LorawanTraffic.Network.TTN);
        chirpstackBodies = bodies(LorawanTraffic.Network.CHIRPSTACK);
    }

    private static List<byte[]> bodies(LorawanTraffic.Network network) {
        LorawanTraffic traffic = new LorawanTraffic(network, BODIES, 1);
        List<byte[]> out = new ArrayList<>(BODIES);
        for (int i = 0; i < BODIES; i++) {
            traffic.next(1_765_000_000L + i);
            out.add(Arrays.copyOf(traffic.bodyArray(), traffic.bodyLength()));
        }
        return out;
    }

    /** One The Things Stack uplink webhook. */
    @Benchmark
    public Delivery theThingsStackUplink() {
        next = next + 1 == BODIES ? 0 : next + 1;
        return tts.read(new Message(ttsBodies.get(next), false, null, Map.of(), "bench", "ttn-1", 1_765_000_000_000L));
    }

    /** One ChirpStack {@code up} event in JSON. */
    @Benchmark
    public Delivery chirpstackUp() {
        next = next + 1 == BODIES ? 0 : next + 1;
        return chirpstack.read(new Message(chirpstackBodies.get(next), false, "up", Map.of(), "bench", "chirpstack-1",
                1_765_000_000_000L));
    }
}
