package org.valley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The end-to-end load test: a real Valley node, real HTTP, realistic network-server callbacks,
 * durable acknowledgements.
 *
 * <p>The node runs as a child JVM ({@link ServerProcess}: own heap and GC, its CPU time read
 * separately) on a free loopback port with a temporary data directory (journal fsync on, as by
 * default) and {@code noop-endpoint} on. Through the real API the harness creates a tenant, a
 * tenant key, a codec, an integration of the network under test and {@code --devices} devices, then
 * posts from all of them over keep-alive connections from one thread: raw NIO ({@link HttpLoad},
 * {@code --client nio}, the default) or Netty's io_uring transport ({@link UringHttpLoad}, {@code
 * --client io_uring}), which takes about half the CPU per request. The generator shares the cores
 * with the node, so the lighter one leaves the node more; but a closed loop on it also hands the
 * node fuller event-loop turns, which are cheaper per request than the paced phase's, so its
 * maximum rate overstates what the node sustains at an open-loop 80 %:
 *
 * <ul>
 *   <li>{@code --network sigfox} (the default): Sigfox DATA callbacks to {@code /ingest/sigfox},
 *       Sens'it devices with the built-in codec; each frame is delivered by 1 to 3 base stations
 *       (the extra ones with {@code duplicate=true}) and each device's sequence number advances per
 *       frame ({@link Traffic});
 *   <li>{@code --network ttn}: The Things Stack v3 uplink webhooks to {@code /ingest/ttn};
 *   <li>{@code --network chirpstack}: ChirpStack v4 {@code up} events to {@code
 *       /ingest/chirpstack?event=up}. For both LoRaWAN networks the devices are Elsys sensors with
 *       the JavaScript codec {@code --codec} (default {@code examples/codecs/elsys.js}, read from
 *       the working directory), each uplink lists 1 to 3 gateways and each device's frame counter
 *       advances per frame ({@link LorawanTraffic}).
 * </ul>
 *
 * <p>Phases: warm-up (noop, then the network's endpoint, closed loop and then open loop at a low
 * rate); (a) the bare HTTP ceiling, {@code POST /ingest/noop} with the same bodies at the maximum
 * rate; (b) the network's endpoint at the maximum
 * rate: 2xx/s (each acknowledged only once durable in the journal), distinct frames/s and latency
 * percentiles, and the sustained rate: (b)'s acknowledgements over (b)'s time plus the time the
 * projection then took to catch up (acknowledgements do not wait for the projection, which reads
 * the journal when it falls behind); (c) the same at {@code --paced-fraction} (80 %) of the sustained rate, open loop, latency
 * measured from each request's scheduled time, and also split into the time a due request waited in
 * the generator (for a free connection of the fixed pool) and the time from its sending to its
 * answer ({@link PhaseTally}); (d) the durability check: after the projection
 * caught up, the frames the server holds for every device (its health through {@code GET
 * /api/v1/devices}) and the stored frames of a random sample of devices ({@code GET
 * /api/v1/devices/{id}/frames}, with their receptions) must equal what was acknowledged.
 *
 * <p>Prints a table and writes {@code load-report.md} (Markdown with the figures as JSON) next to
 * {@code benchmarks.jar}, plus the server's log as {@code load-server.log}. Build with {@code ./mvnw
 * -o -q -B package -pl valley-bench -am -DskipTests}, then run from the repository's root:
 *
 * <pre>{@code
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.LoadHarness
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.LoadHarness --devices 10000 --connections 512 \
 *     --warmup 10 --noop 15 --max 20 --paced 20 --server-jvm "-Xms1g -Xmx2g" --server-jfr /tmp/server.jfr
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.LoadHarness --network ttn --devices 1000 \
 *     --connections 128 --warmup 20 --noop 10 --max 20 --paced 20 --server-jfr /tmp/ttn.jfr
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.LoadHarness --network chirpstack --devices 1000 \
 *     --connections 128 --warmup 30 --noop 10 --max 20 --paced 20
 * # JavaScript codecs compiled, as ./valley runs them:
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.LoadHarness --network ttn --devices 1000 \
 *     --connections 128 --warmup 40 --noop 10 --max 20 --paced 20 --server-jvm "-Xms1g -Xmx2g \
 *     -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=$PWD/valley-server/target/graal"
 * }</pre>
 */
public final class LoadHarness {

    /** Requests per second of the warm-up's open-loop part: low, since only its code is to be warmed. */
    private static final double WARMUP_PACED_RATE = 2_000;


    private LoadHarness() {}

    /** The command line. */
    record Options(String network, int devices, int connections, int warmup, int noop, int max, int paced,
            double pacedFraction, int sample, List<String> serverJvm, String serverJfr, String serverConfig, String codec,
            String client) {

        static Options parse(String[] args) {
            Map<String, String> a = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("options are --name value pairs; got " + Arrays.toString(args));
                }
                a.put(args[i].substring(2), args[++i]);
            }
            List<String> known = List.of("network", "devices", "connections", "warmup", "noop", "max", "paced",
                    "paced-fraction", "sample", "server-jvm", "server-jfr", "server-config", "codec", "client");
            for (String k : a.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("unknown option --" + k + "; known: " + known);
                }
            }
            List<String> jvm = new ArrayList<>(Arrays.asList(a.getOrDefault("server-jvm", "-Xms1g -Xmx2g").trim().split("\\s+")));
            jvm.removeIf(String::isEmpty);
            String network = a.getOrDefault("network", "sigfox");
            String client = a.getOrDefault("client", "nio");
            if (!List.of("io_uring", "nio").contains(client)) {
                throw new IllegalArgumentException("--client must be io_uring or nio; got " + client);
            }
            if (!List.of("sigfox", "ttn", "chirpstack").contains(network)) {
                throw new IllegalArgumentException("--network must be sigfox, ttn or chirpstack; got " + network);
            }
            return new Options(
                    network,
                    Integer.parseInt(a.getOrDefault("devices", "10000")),
                    Integer.parseInt(a.getOrDefault("connections", "512")),
                    Integer.parseInt(a.getOrDefault("warmup", "10")),
                    Integer.parseInt(a.getOrDefault("noop", "15")),
                    Integer.parseInt(a.getOrDefault("max", "20")),
                    Integer.parseInt(a.getOrDefault("paced", "20")),
                    Double.parseDouble(a.getOrDefault("paced-fraction", "0.8")),
                    Integer.parseInt(a.getOrDefault("sample", "300")),
                    jvm,
                    a.get("server-jfr"),
                    a.get("server-config"),
                    a.getOrDefault("codec", "examples/codecs/elsys.js"),
                    client);
        }
    }

    /**
     * One measured phase with the CPU both processes spent in it, and what the rest of the machine
     * used meanwhile (other processes compete for the same cores and lower every figure).
     */
    record Phase(String name, String target, double rate, HttpLoad.Result result, double serverCores, double harnessCores,
            double otherCores) {

        /** Server CPU time per answered request, in microseconds. */
        double serverMicrosPerRequest() {
            return serverCores * 1e6 * result.seconds() / Math.max(1, result.ok() + result.rejected());
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path out = LoadReport.outputDirectory();
        Files.createDirectories(out);
        List<String> jvm = new ArrayList<>(o.serverJvm());
        LoadReport report = new LoadReport(o, jvm);
        System.out.printf(Locale.ROOT, "Valley load harness: %d devices, %d connections, JDK %s, %d cores, %s%n",
                o.devices(), o.connections(), Runtime.version(), Runtime.getRuntime().availableProcessors(), LocalDate.now());
        try (ServerProcess server = ServerProcess.start(jvm, o.serverConfig(), out.resolve("load-server.log"), false)) {
            Api api = new Api(server.baseUrl());
            String admin = server.adminKey();
            api.post(admin, "/api/v1/tenants", Map.of("id", "bench", "name", "Load harness"));
            String key = api.post(admin, "/api/v1/tenants/bench/keys", Map.of("role", "tenant")).get("key").asText();
            boolean sigfox = o.network().equals("sigfox");
            if (sigfox) {
                api.post(key, "/api/v1/codecs", Map.of("id", "bench-codec", "kind", "builtin", "builtin", "sensit-v3"));
            } else {
                api.post(key, "/api/v1/codecs", Map.of("id", "bench-codec", "kind", "javascript", "source",
                        Files.readString(Path.of(o.codec()))));
            }
            String integrationKey = api.post(key, "/api/v1/integrations", Map.of("kind", o.network())).get("key").asText();
            long t0 = System.nanoTime();
            if (sigfox) {
                api.registerDevices(key, "bench", "bench-codec", o.devices(), 16);
            } else {
                api.registerDevices(key, "bench", "bench-codec", o.devices(), 16,
                        d -> Map.of("kind", "lorawan", "id", LorawanTraffic.devEui(d)));
            }
            double registration = (System.nanoTime() - t0) / 1e9;
            report.note("registration", Map.of("devices", o.devices(), "seconds", round(registration),
                    "perSecond", round(o.devices() / registration)));
            System.out.printf(Locale.ROOT, "registered %d devices in %.1f s (%.0f/s)%n", o.devices(), registration,
                    o.devices() / registration);

            String ingest = switch (o.network()) {
                case "ttn" -> "/ingest/ttn?key=" + integrationKey;
                case "chirpstack" -> "/ingest/chirpstack?event=up&key=" + integrationKey;
                default -> "/ingest/sigfox?key=" + integrationKey;
            };
            String noop = "/ingest/noop?key=" + integrationKey;
            Uplinks traffic = traffic(o, 1);
            Uplinks noopTraffic = traffic(o, 2);
            String probe = Fleet.deviceId(0);
            String path = ingest.substring(0, ingest.indexOf('?'));
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            try (RequestLoad load = o.client().equals("io_uring") ? new UringHttpLoad(address, o.connections())
                    : new HttpLoad(address, o.connections())) {
                System.out.println("warm-up ...");
                load.run(noop, noopTraffic, Math.max(1, o.warmup() / 3.0), 0, false);
                load.run(ingest, traffic, o.warmup(), 0, true);
                // the open loop's own code, warmed too: else the generator compiles it during (c)'s first
                // second, on the cores it shares with the node, and that second's latencies are its own
                load.run(ingest, traffic, Math.max(1, o.warmup() / 3.0), WARMUP_PACED_RATE, true);
                api.awaitProjected(key, probe, Duration.ofSeconds(120));

                Phase bare = measure(server, load, "(a) bare ceiling: /ingest/noop, max rate", noop, noopTraffic, o.noop(), 0, false);
                report.phase(bare, null);
                if (o.serverJfr() != null) {
                    server.jfr("JFR.start", "name=phase-b", "settings=profile", "filename=" + Path.of(o.serverJfr()).toAbsolutePath());
                }
                Map<String, long[]> threadsBefore = server.threadTicks();
                double readingsBefore = api.metrics().getOrDefault("valley_readings_stored", 0.0);
                Phase max;
                try (MetricsSampler sampler = new MetricsSampler(api, 250)) {
                    max = measure(server, load, "(b) " + path + ", max rate", ingest, traffic, o.max(), 0, true);
                    report.stalls("b", sampler, max.result());
                }
                report.serverThreads(threadsBefore, server.threadTicks(), max.result().seconds());
                if (o.serverJfr() != null) {
                    server.jfr("JFR.stop", "name=phase-b");
                }
                Duration catchUpMax = api.awaitProjected(key, probe, Duration.ofSeconds(300));
                report.phase(max, catchUpMax);
                report.readings("b", api.metrics().getOrDefault("valley_readings_stored", 0.0) - readingsBefore,
                        max.result().seconds() + catchUpMax.toNanos() / 1e9);
                // the rate the node sustains as a whole: acknowledged in (b), until its projection had applied them all
                double sustained = sustained(max.result(), catchUpMax);
                double rate = o.pacedFraction() * sustained;
                Phase paced;
                try (MetricsSampler sampler = new MetricsSampler(api, 250)) {
                    paced = measure(server, load, String.format(Locale.ROOT, "(c) %s, paced at %.0f%% of (b)", path,
                            100 * o.pacedFraction()), ingest, traffic, o.paced(), rate, true);
                    report.stalls("c", sampler, paced.result());
                }
                Duration catchUpPaced = api.awaitProjected(key, probe, Duration.ofSeconds(300));
                report.phase(paced, catchUpPaced);
                report.ratio(sustained / bare.result().okPerSecond());
            }
            report.durability(verify(api, key, traffic, o.sample()));
            report.serverMetrics(api.metrics());
        }
        report.print(System.out);
        Path file = out.resolve("load-report.md");
        Files.writeString(file, report.markdown());
        System.out.println("report written to " + file);
    }

    /**
     * Requests acknowledged per second of a phase and of the projection's catch-up after it: the rate
     * at which the node both acknowledged and projected them. When the projection keeps up, the
     * catch-up is a few milliseconds and this is the phase's own rate.
     */
    static double sustained(HttpLoad.Result r, Duration catchUp) {
        return r.okInWindow() / (r.seconds() + catchUp.toNanos() / 1e9);
    }

    /** The request stream of the network under test. */
    private static Uplinks traffic(Options o, long seed) {
        return switch (o.network()) {
            case "ttn" -> new LorawanTraffic(LorawanTraffic.Network.TTN, o.devices(), seed);
            case "chirpstack" -> new LorawanTraffic(LorawanTraffic.Network.CHIRPSTACK, o.devices(), seed);
            default -> new Traffic(o.devices(), seed);
        };
    }

    private static Phase measure(ServerProcess server, RequestLoad load, String name, String target, Uplinks traffic,
            int seconds, double rate, boolean book) throws Exception {
        System.out.println(name + " ...");
        long serverCpu = server.cpuNanos();
        long harnessCpu = harnessCpuNanos();
        long[] machine = machineTicks();
        long start = System.nanoTime();
        HttpLoad.Result r = load.run(target, traffic, seconds, rate, book);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] machineAfter = machineTicks();
        double serverCores = (server.cpuNanos() - serverCpu) / 1e9 / elapsed;
        double harnessCores = (harnessCpuNanos() - harnessCpu) / 1e9 / elapsed;
        double busyCores = -1;
        if (machine != null && machineAfter != null && machineAfter[1] > machine[1]) {
            busyCores = Runtime.getRuntime().availableProcessors() * (double) (machineAfter[0] - machine[0])
                    / (machineAfter[1] - machine[1]);
        }
        double other = busyCores < 0 ? -1 : Math.max(0, busyCores - serverCores - harnessCores);
        return new Phase(name, target.substring(0, target.indexOf('?')), rate, r, serverCores, harnessCores, other);
    }

    /** Busy and total CPU ticks of the whole machine from /proc/stat, or null where there is none. */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new long[] {busy, busy + idle + iowait};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    static long harnessCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** What the durability check found. */
    record Durability(long acknowledgedFrames, long serverFrames, long projectedMetric, int devicesChecked,
            int devicesMismatched, long missingFrames, long extraFrames, int sampled, long sampleExpectedFrames,
            long sampleStoredFrames, long sampleMissingFrames, long sampleExtraFrames, long sampleExpectedReceptions,
            long sampleStoredReceptions) {

        boolean passed() {
            return missingFrames == 0 && sampleMissingFrames == 0 && serverFrames >= acknowledgedFrames
                    && sampleStoredReceptions >= sampleExpectedReceptions;
        }
    }

    /** (d): every acknowledged frame is held by the server, and a sample of devices' frames is in the store. */
    static Durability verify(Api api, String key, Uplinks traffic, int sample) throws Exception {
        System.out.println("(d) durability check ...");
        traffic.checkIdentifiable();
        Fleet.Counts counts = Fleet.compare(api.devices(key), traffic.devices(), traffic::ackedFrames);
        long serverFrames = counts.held();
        long missing = counts.missing();
        long extra = counts.extra();
        int mismatched = counts.mismatched();
        long projected = (long) (double) api.metrics().getOrDefault("valley_frames_projected", -1.0);
        SplittableRandom random = new SplittableRandom(11);
        int sampled = Math.min(sample, traffic.devices());
        long expectedFrames = 0;
        long storedFrames = 0;
        long sampleMissing = 0;
        long sampleExtra = 0;
        long expectedReceptions = 0;
        long storedReceptions = 0;
        BitSet chosen = new BitSet();
        while (chosen.cardinality() < sampled) {
            chosen.set(random.nextInt(traffic.devices()));
        }
        for (int d = chosen.nextSetBit(0); d >= 0; d = chosen.nextSetBit(d + 1)) {
            BitSet expected = traffic.ackedSeqs(d);
            BitSet stored = new BitSet();
            for (JsonNode f : api.frames(key, Fleet.deviceId(d))) {
                stored.set(Math.toIntExact(f.get("seq").asLong()));
                storedReceptions += f.get("receptions").size();
            }
            expectedFrames += expected.cardinality();
            storedFrames += stored.cardinality();
            BitSet lost = (BitSet) expected.clone();
            lost.andNot(stored);
            BitSet unasked = (BitSet) stored.clone();
            unasked.andNot(expected);
            sampleMissing += lost.cardinality();
            sampleExtra += unasked.cardinality();
            expectedReceptions += traffic.ackedReceptions(d);
        }
        return new Durability(traffic.ackedFrames(), serverFrames, projected, traffic.devices(), mismatched, missing,
                extra, sampled, expectedFrames, storedFrames, sampleMissing, sampleExtra, expectedReceptions,
                storedReceptions);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
