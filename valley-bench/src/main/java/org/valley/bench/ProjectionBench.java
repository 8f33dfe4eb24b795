package org.valley.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;
import org.valley.frame.Uplink;
import org.valley.js.JsRuntime;
import org.valley.projection.Projection;
import org.valley.server.ingest.lorawan.ChirpStack;
import org.valley.server.ingest.lorawan.Message;
import org.valley.server.ingest.lorawan.NetworkFormat;
import org.valley.server.ingest.lorawan.TheThingsStack;
import org.valley.server.ingest.sigfox.SigfoxCallback;
import org.valley.store.embedded.EmbeddedStore;

/**
 * The projection with its store, without HTTP or the journal: Sens'it v3 frames (1 to 3 deliveries
 * each, as {@link PipelineBench} makes them) parsed up front, then handed to a live {@link
 * Projection} writing into a real embedded store in a temporary directory, in batches as the
 * journal hands them over. Reports frames/s, the process's CPU time per frame (the projection's
 * thread and DuckDB's own; the parsing is done before the clock starts) and the size of the
 * database files: the ceiling the store puts on the end-to-end rate. With {@code
 * -Dvalley.bench.crash=true} it stops as a crash would, without closing the store, and leaves the
 * directory behind, to time what opening it replays. {@code commitMillis} is the projection's commit
 * interval (the server's {@code commit-interval}).
 *
 * <p>With {@code network} {@code chirpstack} or {@code ttn}, the frames are instead the LoRaWAN
 * harness's uplinks ({@link LorawanTraffic}: Elsys room sensors, 1 to 3 gateways each, one delivery
 * per frame), read by the network's real reader and decoded by the JavaScript codec {@code
 * examples/codecs/elsys.js} (run from the repository's root): the store's cost of a LoRaWAN frame
 * without the HTTP harness's noise. The JavaScript runs interpreted unless the JVM is started with
 * the Graal compiler, as {@code ./valley} does.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp valley-bench/target/benchmarks.jar org.valley.bench.ProjectionBench \
 *     [devices=10000] [framesPerDevice=30] [batch=128] [commitMillis=200] [network=sigfox|chirpstack|ttn]
 * }</pre>
 */
public final class ProjectionBench {

    private ProjectionBench() {}

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int framesPerDevice = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        long commitMillis = args.length > 3 ? Long.parseLong(args[3]) : 200;
        String network = args.length > 4 ? args[4] : "sigfox";
        Instant created = Instant.parse("2026-11-21T00:00:00Z");
        if (!network.equals("sigfox")) {
            lorawan(network, devices, framesPerDevice, batchSize, commitMillis, created);
            return;
        }
        DeviceDirectory directory = Fleet.directory(devices, created);
        CodecCatalog codecs = Fleet.codecs(created);

        Fleet fleet = new Fleet(devices, 42);
        SplittableRandom random = new SplittableRandom(7);
        CallbackBodies writer = new CallbackBodies();
        long now = System.currentTimeMillis() / 1000;
        int[] first = new int[devices];
        for (int d = 0; d < devices; d++) {
            first[d] = 1000 + random.nextInt(2000);
        }
        List<Uplink> uplinks = new ArrayList<>();
        for (int j = 0; j < framesPerDevice; j++) {
            for (int d = 0; d < devices; d++) {
                byte[] payload = fleet.payload(d);
                int n = fleet.deliveries();
                for (int s = 0; s < n; s++) {
                    fleet.body(writer, d, now + j * 600L, payload, (first[d] + j) % Fleet.SEQ_MODULUS, s);
                    uplinks.add(SigfoxCallback.parseData(writer.toByteArray(), PipelineBench.TENANT,
                            PipelineBench.INTEGRATION, System.currentTimeMillis()));
                }
            }
        }
        run(uplinks, directory, codecs, batchSize, commitMillis);
    }

    /** The LoRaWAN harness's uplinks, read by the network's reader, decoded by the Elsys JavaScript codec. */
    private static void lorawan(String network, int devices, int framesPerDevice, int batchSize, long commitMillis,
            Instant created) throws Exception {
        LorawanTraffic.Network kind = switch (network) {
            case "chirpstack" -> LorawanTraffic.Network.CHIRPSTACK;
            case "ttn" -> LorawanTraffic.Network.TTN;
            default -> throw new IllegalArgumentException("network must be sigfox, chirpstack or ttn; got " + network);
        };
        NetworkFormat reader = kind == LorawanTraffic.Network.CHIRPSTACK ? new ChirpStack() : new TheThingsStack();
        DeviceDirectory directory = new DeviceDirectory();
        for (int d = 0; d < devices; d++) {
            String id = Fleet.deviceId(d);
            directory.put(new Device(id, id, PipelineBench.TENANT, new NetworkRef("lorawan", LorawanTraffic.devEui(d)),
                    "elsys", null, null, null, created));
        }
        try (JsRuntime js = new JsRuntime()) {
            CodecCatalog codecs = new CodecCatalog(Map.of(JsRuntime.KIND, js));
            codecs.install(new CodecDefinition("elsys", PipelineBench.TENANT, JsRuntime.KIND,
                    Files.readString(Path.of("examples/codecs/elsys.js")), 1, created, null));
            LorawanTraffic traffic = new LorawanTraffic(kind, devices, 42);
            long now = System.currentTimeMillis() / 1000;
            List<Uplink> uplinks = new ArrayList<>();
            for (int j = 0; j < framesPerDevice; j++) {
                for (int d = 0; d < devices; d++) {
                    traffic.next(now + j * 600L);
                    byte[] body = Arrays.copyOf(traffic.bodyArray(), traffic.bodyLength());
                    uplinks.add(reader.read(new Message(body, false, "up", Map.of(), PipelineBench.TENANT,
                            "bench-" + network, System.currentTimeMillis())).uplink());
                }
            }
            run(uplinks, directory, codecs, batchSize, commitMillis);
        }
    }

    private static void run(List<Uplink> uplinks, DeviceDirectory directory, CodecCatalog codecs, int batchSize,
            long commitMillis) throws Exception {
        Path dir = Files.createTempDirectory("valley-projection-bench-");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            Projection projection = new Projection(store.projection(), directory, codecs, InstantSource.system(),
                    65_536, commitMillis);
            projection.start();
            // -Dvalley.bench.warmup=0.2: the first fifth of the uplinks applied before the clock starts (JIT, JavaScript)
            int warm = (int) (uplinks.size() * Double.parseDouble(System.getProperty("valley.bench.warmup", "0")));
            long position = apply(projection, uplinks.subList(0, warm), 0, batchSize);
            if (warm > 0) {
                projection.awaitApplied(position - 200).get();
            }
            long framesBefore = projection.framesProjected();
            long cpu0 = storeCpu(threads);
            long faults0 = minorFaults();
            long t0 = System.nanoTime();
            position = apply(projection, uplinks.subList(warm, uplinks.size()), position, batchSize);
            projection.awaitApplied(position - 200).get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (storeCpu(threads) - cpu0) / 1e9;
            long faults = minorFaults() - faults0;
            long frames = projection.framesProjected() - framesBefore;
            System.out.printf(Locale.ROOT,
                    "[projection] %d frames (%d uplinks, %d more before the clock) in %.2f s: %.0f frames/s; store threads' "
                            + "CPU %.2f s, %.1f µs/frame, %.0f frames per CPU-second%n",
                    frames, uplinks.size() - warm, warm, seconds, frames / seconds, cpu, cpu * 1e6 / frames, frames / cpu);
            System.out.printf(Locale.ROOT, "[projection] minor page faults %d, %.2f per frame%n", faults,
                    (double) faults / frames);
            projection.close();
            if (Boolean.getBoolean("valley.bench.crash")) {
                // stop as a crash would, without closing the store: what start-up then replays stays on disk
                System.out.println("[projection] crashed, leaving " + dir);
                Runtime.getRuntime().halt(0);
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    System.out.printf(Locale.ROOT, "[projection] %s: %.1f MB%n", f.getFileName(), Files.size(f) / 1e6);
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Hands {@code uplinks} to the projection in batches from journal position {@code position}; returns the next position. */
    private static long apply(Projection projection, List<Uplink> uplinks, long position, int batchSize) {
        long at = position;
        for (int i = 0; i < uplinks.size(); i += batchSize) {
            List<Projection.Entry> batch = new ArrayList<>(batchSize);
            for (int k = i; k < Math.min(uplinks.size(), i + batchSize); k++) {
                batch.add(new Projection.Entry(at, uplinks.get(k)));
                at += 200;
            }
            projection.accept(batch);
        }
        return at;
    }

    /** The process's minor page faults so far (Linux: /proc/self/stat), or 0 where there is no such file. */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]); // minflt, the 10th field of the whole line
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU time of the whole process (the projection's thread and DuckDB's native ones) but this thread's. */
    private static long storeCpu(ThreadMXBean threads) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() - threads.getCurrentThreadCpuTime();
    }
}
