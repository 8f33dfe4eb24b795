package org.valley.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.valley.codec.CodecCatalog;
import org.valley.device.DeviceDirectory;
import org.valley.projection.Projection;
import org.valley.server.ingest.sigfox.SigfoxCallback;
import org.valley.store.FrameQueries;
import org.valley.store.embedded.EmbeddedStore;

/**
 * How the API's history queries scale with the store: builds (once) an embedded store holding a
 * long history, then times the queries a dashboard or a script makes of one device.
 *
 * <p>The history is {@code devices} Sens'it v3 devices ({@link Fleet}: door and temperature mode,
 * one to three base stations a frame) sending a frame every {@code intervalSeconds}, {@code
 * framesPerDevice} frames each, received as the network sends them (a frame's callbacks arrive 1.5 s
 * after its time), ending at the build's start, so that the newest frames are recent as in a live
 * store. The frames are applied by the {@link Projection} as at start-up. The store is kept in
 * {@code dir}; a later run on the same directory skips the build, so that builds of the query code
 * can be compared on one store.
 *
 * <p>Timed, for {@code samples} devices drawn at random, each query run {@code rounds} times: the
 * device's latest 100 frames ({@code GET devices/{id}/frames}), its latest 1,000 readings
 * ({@code .../readings}), one key's readings of the last day, and one key's hourly aggregate of the
 * last week. Reported: the median and the slowest run of each, in milliseconds.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp valley-bench/target/benchmarks.jar org.valley.bench.QueryBench \
 *     dir [devices=1000] [framesPerDevice=6000] [intervalSeconds=600] [samples=20] [rounds=3]
 * }</pre>
 */
public final class QueryBench {

    private QueryBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int devices = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int framesPerDevice = args.length > 2 ? Integer.parseInt(args[2]) : 6_000;
        long interval = args.length > 3 ? Long.parseLong(args[3]) : 600;
        int samples = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        long end = System.currentTimeMillis() / 1000;
        if (!Files.exists(dir.resolve("valley.duckdb"))) {
            build(dir, devices, framesPerDevice, interval, end);
        } else {
            System.out.println("[query] using the store in " + dir);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                System.out.printf(Locale.ROOT, "[query] %s: %.1f MB%n", f.getFileName(), Files.size(f) / 1e6);
            }
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            FrameQueries queries = store.queries();
            SplittableRandom random = new SplittableRandom(11);
            long now = System.currentTimeMillis();
            double[][] times = new double[4][samples * rounds];
            long[] sizes = new long[4];
            for (int s = 0; s < samples; s++) {
                int d = random.nextInt(devices);
                String deviceId = Fleet.deviceId(d);
                String networkId = Fleet.sigfoxId(d);
                String key = d % 2 == 0 ? "door" : "temperature";
                for (int r = 0; r < rounds; r++) {
                    int i = s * rounds + r;
                    sizes[0] += time(times[0], i, () -> queries.frames(PipelineBench.TENANT, networkId, null, null, 100));
                    sizes[1] += time(times[1], i, () -> queries.readings(deviceId, null, null, null, 1_000));
                    sizes[2] += time(times[2], i, () -> queries.readings(deviceId, key, now - 86_400_000L, null, 1_000));
                    sizes[3] += time(times[3], i,
                            () -> queries.aggregate(deviceId, key, 3_600_000L, now - 7 * 86_400_000L, null));
                }
            }
            String[] names = {"frames, latest 100", "readings, latest 1000", "one key's readings, last day",
                "one key's hourly aggregate, last week"};
            for (int q = 0; q < names.length; q++) {
                double[] t = times[q].clone();
                Arrays.sort(t);
                System.out.printf(Locale.ROOT, "[query] %-40s median %7.1f ms, slowest %7.1f ms (%.0f rows a query)%n",
                        names[q], t[t.length / 2], t[t.length - 1], (double) sizes[q] / t.length);
            }
        }
    }

    private static int time(double[] into, int i, Supplier<List<?>> query) {
        long t0 = System.nanoTime();
        List<?> rows = query.get();
        into[i] = (System.nanoTime() - t0) / 1e6;
        if (rows.isEmpty()) {
            throw new IllegalStateException("a query of the benchmark found nothing");
        }
        return rows.size();
    }

    private static void build(Path dir, int devices, int framesPerDevice, long interval, long end) throws Exception {
        Files.createDirectories(dir);
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        DeviceDirectory directory = Fleet.directory(devices, created);
        CodecCatalog codecs = Fleet.codecs(created);
        Fleet fleet = new Fleet(devices, 42);
        CallbackBodies writer = new CallbackBodies();
        long start = end - framesPerDevice * interval;
        long t0 = System.nanoTime();
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            Projection projection = new Projection(store.projection(), directory, codecs, InstantSource.system(), 1, 200);
            long position = 0;
            for (int j = 0; j < framesPerDevice; j++) {
                for (int d = 0; d < devices; d++) {
                    // devices spread over the interval, each at its own offset
                    long time = start + j * interval + (long) d * interval / devices;
                    byte[] payload = fleet.payload(d);
                    int n = fleet.deliveries();
                    for (int s = 0; s < n; s++) {
                        fleet.body(writer, d, time, payload, j % Fleet.SEQ_MODULUS, s);
                        projection.replay(position, SigfoxCallback.parseData(writer.toByteArray(), PipelineBench.TENANT,
                                PipelineBench.INTEGRATION, time * 1000 + 1_500 + s * 40L));
                        position += 200;
                    }
                }
                if ((j + 1) % 500 == 0) {
                    System.out.printf(Locale.ROOT, "[query] built %d of %d frames per device, %.0f s%n", j + 1,
                            framesPerDevice, (System.nanoTime() - t0) / 1e9);
                }
            }
            projection.replayDone();
            System.out.printf(Locale.ROOT, "[query] built %d frames over %.1f days in %.0f s%n",
                    projection.framesProjected(), framesPerDevice * interval / 86_400.0, (System.nanoTime() - t0) / 1e9);
            projection.close();
        }
    }
}
