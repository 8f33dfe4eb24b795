package org.valley.bench;

import java.time.Instant;
import java.time.InstantSource;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.valley.codec.CodecCatalog;
import org.valley.device.DeviceDirectory;
import org.valley.frame.Uplink;
import org.valley.projection.Projection;
import org.valley.server.ingest.sigfox.SigfoxCallback;

/**
 * The ingestion pipeline without I/O, on one thread: Sigfox callback bodies (bytes, as the HTTP
 * layer hands them over) parsed by {@link SigfoxCallback#parseData}, then applied by the
 * {@link Projection} exactly as it applies journal entries (frame-track de-duplication, decoding
 * with the device's codec, flattening into readings) into a {@link DiscardingStore}.
 *
 * <p>One operation is one <em>frame</em> with all its deliveries: 1 to 3 callbacks (2 on average),
 * the extra ones flagged {@code duplicate}, as base stations report them. The score of {@link
 * #frame} is therefore frames/s on one core; {@link #parseOnly} parses the same callbacks without
 * projecting them, so the difference is the projection's share.
 *
 * <p>The frames come from {@code devices} Sens'it v3 devices (half in door mode, half in
 * temperature mode, registered with the built-in codec), {@code framesPerDevice} consecutive frames
 * each, interleaved device by device. The bodies are made up front; on each later pass over them,
 * a frame's sequence number moves on by {@code framesPerDevice} just before it is parsed (patched
 * in place: four digits, kept within 1000..4095, so a pass never replays old numbers and every
 * frame stays new), which keeps
 * the de-duplication doing real work: the first delivery of each frame is new, the others are
 * duplicates. The projection runs synchronously through {@link Projection#replay}, which commits to
 * the (no-op) store every 50,000 rows, as at start-up.
 *
 * <p>Run (after {@code ./mvnw -q -B install -DskipTests}):
 *
 * <pre>{@code
 * java -jar valley-bench/target/benchmarks.jar PipelineBench
 * java -jar valley-bench/target/benchmarks.jar PipelineBench -prof gc
 * java -jar valley-bench/target/benchmarks.jar PipelineBench.frame -jvmArgsAppend -XX:StartFlightRecording=filename=pipeline.jfr
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
// The node's collector (./valley runs the parallel one), and its heap touched before the measurement
// rather than page by page during it, as in a node that has run for a while.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC", "-XX:+AlwaysPreTouch"})
@Threads(1)
public class PipelineBench {

    static final String TENANT = "bench";
    static final String INTEGRATION = "sigfox-bench";
    /** Sequence numbers stay within [1000, 4096) so that they always have four digits. */
    private static final int SEQ_LOW = 1000;
    private static final int SEQ_SPAN = Fleet.SEQ_MODULUS - SEQ_LOW;

    @Param("10000")
    int devices;

    @Param("8")
    int framesPerDevice;

    private Projection projection;
    private DiscardingStore store;
    /** [frame][delivery] → body. */
    private byte[][][] bodies;
    private int[][] seqOffsets;
    /** The frame's sequence number before wrapping into [SEQ_LOW, 4096): grows by framesPerDevice per pass. */
    private int[] unwrapped;
    private int next;
    private long position;
    private long framesDone;
    private int passes;

    @Setup(Level.Trial)
    public void setUp() {
        Instant created = Instant.parse("2026-11-21T00:00:00Z");
        DeviceDirectory directory = Fleet.directory(devices, created);
        CodecCatalog codecs = Fleet.codecs(created);
        store = new DiscardingStore();
        projection = new Projection(store, directory, codecs, InstantSource.system(), 256, 200);

        Fleet fleet = new Fleet(devices, 42);
        SplittableRandom random = new SplittableRandom(7);
        int[] first = new int[devices];
        for (int d = 0; d < devices; d++) {
            first[d] = SEQ_LOW + random.nextInt(SEQ_SPAN);
        }
        int frames = devices * framesPerDevice;
        bodies = new byte[frames][][];
        seqOffsets = new int[frames][];
        unwrapped = new int[frames];
        CallbackBodies writer = new CallbackBodies();
        long now = System.currentTimeMillis() / 1000;
        for (int j = 0, f = 0; j < framesPerDevice; j++) {
            for (int d = 0; d < devices; d++, f++) {
                unwrapped[f] = first[d] + j;
                byte[] payload = fleet.payload(d);
                int n = fleet.deliveries();
                bodies[f] = new byte[n][];
                seqOffsets[f] = new int[n];
                for (int s = 0; s < n; s++) {
                    fleet.body(writer, d, now + j * 600L, payload, SEQ_LOW, s);
                    bodies[f][s] = writer.toByteArray();
                    seqOffsets[f][s] = writer.seqOffset();
                }
                patch(f);
            }
        }
    }

    private void patch(int f) {
        int seq = SEQ_LOW + (unwrapped[f] - SEQ_LOW) % SEQ_SPAN;
        for (int s = 0; s < bodies[f].length; s++) {
            CallbackBodies.patchFourDigits(bodies[f][s], seqOffsets[f][s], seq);
        }
    }

    /**
     * The callbacks handled, which JMH reports per second beside the frames ({@code :callbacks}):
     * a frame comes in 2 callbacks on average, and a network's rate is often given in messages.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {
        public long callbacks;

        @Setup(Level.Iteration)
        public void reset() {
            callbacks = 0;
        }
    }

    /** One frame: each of its deliveries parsed and applied. */
    @Benchmark
    public void frame(Deliveries counted) {
        if (passes > 0) {
            // The frame's next use: its number moves on by one pass. Patched just before the parse, so
            // the body is in the cache as it would be straight from the socket.
            unwrapped[next] += framesPerDevice;
            patch(next);
        }
        byte[][] deliveries = bodies[next];
        counted.callbacks += deliveries.length;
        for (byte[] body : deliveries) {
            Uplink uplink = SigfoxCallback.parseData(body, TENANT, INTEGRATION, System.currentTimeMillis());
            projection.replay(position, uplink);
            position += body.length + 64;
        }
        framesDone++;
        if (++next == bodies.length) {
            next = 0;
            passes++;
        }
    }

    /** The same deliveries, parsed only. */
    @Benchmark
    public void parseOnly(Blackhole bh, Deliveries counted) {
        if (passes > 0) {
            unwrapped[next] += framesPerDevice;
            patch(next);
        }
        byte[][] deliveries = bodies[next];
        counted.callbacks += deliveries.length;
        for (byte[] body : deliveries) {
            bh.consume(SigfoxCallback.parseData(body, TENANT, INTEGRATION, System.currentTimeMillis()));
        }
        if (++next == bodies.length) {
            next = 0;
            passes++;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (framesDone > 0) {
            System.out.printf("%n[pipeline] frames %d, projected as new %d, decode errors %d, rows %d (%.1f per frame), "
                            + "checksum %d%n", framesDone, projection.framesProjected(), projection.decodeErrors(),
                    store.rows, (double) store.rows / framesDone, store.checksum);
            if (projection.framesProjected() != framesDone || projection.decodeErrors() != 0) {
                throw new IllegalStateException("every frame must be new exactly once and decode");
            }
        }
        projection.close();
    }
}
