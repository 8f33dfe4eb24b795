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
import java.util.function.LongSupplier;

/**
 * MQTT ingestion at QoS 1 from many clients: Valley's MQTT endpoint against Debian's Mosquitto on
 * the same machine, with the same publish load, in the same run.
 *
 * <p>Valley runs as a child JVM ({@link ServerProcess}, journal fsync on, its MQTT endpoint on a
 * free loopback port); through the real API the harness creates a tenant, an {@code mqtt}
 * integration, a grammar codec ({@link MqttTraffic#GRAMMAR}: three readings a frame) and {@code
 * --devices} devices. Mosquitto ({@link MosquittoProcess}) runs beside it on another free port with
 * persistence off. One raw-NIO thread ({@link MqttLoad}) publishes MQTT 5 QoS 1 messages of 8 raw
 * bytes on {@code valley/bench/devices/{deviceId}/up} from {@code --clients} connections, each
 * speaking for {@code devices / clients} devices with up to {@code --window} PUBLISHes
 * unacknowledged. Valley sends a PUBACK once the frame is durable in the journal (fsynced);
 * Mosquitto once it has routed the message (to nobody: nothing subscribes), in memory.
 *
 * <p>Phases: warm-up of both; (a) Mosquitto at the maximum rate; (b) Valley at the maximum rate;
 * (a′) Mosquitto again, so that the reference brackets Valley's phase on a machine shared with
 * other work; (c) Valley open loop at {@code --paced-fraction} (80 %) of (b)'s rate, latency from
 * each publish's scheduled time; optionally (e) Mosquitto with persistence on; (d) the durability
 * check: after the projection caught up, every device's frame count (through {@code GET
 * /api/v1/devices}) and, for a random sample of devices, the stored frames themselves (the frame
 * index each payload carries, and their decoded readings) must match what was acknowledged. The
 * ratio is Valley's sustained rate over the mean of (a) and (a′): (b)'s PUBACKs over (b)'s time
 * plus the time the projection then took to catch up (a PUBACK waits for the journal, not for the
 * projection); (c) is paced at {@code --paced-fraction} of that sustained rate.
 *
 * <p>Prints a table and writes {@code mqtt-report.md} (Markdown with the figures as JSON) next to
 * {@code benchmarks.jar}, the server's log as {@code mqtt-server.log}. Build with {@code ./mvnw -o
 * -q -B package -pl valley-bench -am -DskipTests}, then:
 *
 * <pre>{@code
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.MqttHarness
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.MqttHarness --devices 1000 --clients 100 --window 16 \
 *     --warmup 10 --max 20 --paced 20 --persistent-mosquitto true --server-jfr /tmp/mqtt-server.jfr
 * }</pre>
 */
public final class MqttHarness {

    private MqttHarness() {}

    record Options(int devices, int clients, int window, int warmup, int max, int paced, double pacedFraction, int sample,
            List<String> serverJvm, String serverJfr, String serverConfig, String mosquitto, boolean persistentMosquitto) {

        static Options parse(String[] args) {
            Map<String, String> a = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("options are --name value pairs; got " + Arrays.toString(args));
                }
                a.put(args[i].substring(2), args[++i]);
            }
            List<String> known = List.of("devices", "clients", "window", "warmup", "max", "paced", "paced-fraction", "sample",
                    "server-jvm", "server-jfr", "server-config", "mosquitto", "persistent-mosquitto");
            for (String k : a.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("unknown option --" + k + "; known: " + known);
                }
            }
            List<String> jvm = new ArrayList<>(Arrays.asList(a.getOrDefault("server-jvm", "-Xms1g -Xmx2g").trim().split("\\s+")));
            jvm.removeIf(String::isEmpty);
            return new Options(Integer.parseInt(a.getOrDefault("devices", "1000")),
                    Integer.parseInt(a.getOrDefault("clients", "100")), Integer.parseInt(a.getOrDefault("window", "16")),
                    Integer.parseInt(a.getOrDefault("warmup", "10")), Integer.parseInt(a.getOrDefault("max", "20")),
                    Integer.parseInt(a.getOrDefault("paced", "20")),
                    Double.parseDouble(a.getOrDefault("paced-fraction", "0.8")),
                    Integer.parseInt(a.getOrDefault("sample", "200")), jvm, a.get("server-jfr"), a.get("server-config"),
                    a.getOrDefault("mosquitto", "/usr/sbin/mosquitto"),
                    Boolean.parseBoolean(a.getOrDefault("persistent-mosquitto", "false")));
        }
    }

    /** One measured phase with the CPU the broker, the harness and everything else used in it. */
    record Phase(String name, String broker, double rate, MqttLoad.Result result, double brokerCores, double harnessCores,
            double otherCores) {

        double brokerMicrosPerMessage() {
            return brokerCores * 1e6 * result.seconds() / Math.max(1, result.acked() + result.refused());
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path out = LoadReport.outputDirectory();
        Files.createDirectories(out);
        MqttReport report = new MqttReport(o);
        System.out.printf(Locale.ROOT, "Valley MQTT harness: %d devices, %d clients, window %d, JDK %s, %d cores, %s%n",
                o.devices(), o.clients(), o.window(), Runtime.version(), Runtime.getRuntime().availableProcessors(),
                LocalDate.now());
        try (ServerProcess server = ServerProcess.start(o.serverJvm(), o.serverConfig(), out.resolve("mqtt-server.log"), false);
                MosquittoProcess mosquitto = MosquittoProcess.start(o.mosquitto(), false, out.resolve("mqtt-mosquitto.log"))) {
            Api api = new Api(server.baseUrl());
            String admin = server.adminKey();
            api.post(admin, "/api/v1/tenants", Map.of("id", "bench", "name", "MQTT harness"));
            String key = api.post(admin, "/api/v1/tenants/bench/keys", Map.of("role", "tenant")).get("key").asText();
            api.post(key, "/api/v1/codecs", Map.of("id", "bench-grammar", "kind", "sigfox-grammar", "config", MqttTraffic.GRAMMAR));
            String integrationKey = api.post(key, "/api/v1/integrations", Map.of("kind", "mqtt")).get("key").asText();
            api.registerDevices(key, "bench", "bench-grammar", o.devices(), 16, d -> Map.of("kind", "mqtt", "id", "mq-" + d));
            System.out.printf(Locale.ROOT, "registered %d devices%n", o.devices());

            MqttTraffic valleyTraffic = new MqttTraffic("bench", o.devices(), 1);
            MqttTraffic brokerTraffic = new MqttTraffic("bench", o.devices(), 2);
            String probe = Fleet.deviceId(0);
            try (MqttLoad valley = new MqttLoad(new InetSocketAddress("127.0.0.1", server.mqttPort()), o.clients(),
                    valleyTraffic, "bench", integrationKey, "bench-", o.window());
                    MqttLoad broker = new MqttLoad(new InetSocketAddress("127.0.0.1", mosquitto.port()), o.clients(),
                            brokerTraffic, "bench", integrationKey, "bench-", o.window())) {
                report.windows(valley.effectiveWindow(), broker.effectiveWindow());
                System.out.println("warm-up ...");
                broker.run(Math.max(1, o.warmup() / 3.0), 0, false);
                valley.run(o.warmup(), 0, true);
                api.awaitProjected(key, probe, Duration.ofSeconds(600));

                Phase a = measure("(a) Mosquitto, max rate", "mosquitto", mosquitto::cpuNanos, broker, o.max(), 0, false);
                report.phase(a, null);
                if (o.serverJfr() != null) {
                    server.jfr("JFR.start", "name=phase-b", "settings=profile", "filename=" + Path.of(o.serverJfr()).toAbsolutePath());
                }
                Map<String, long[]> threadsBefore = server.threadTicks();
                Phase b = measure("(b) Valley, max rate", "valley", server::cpuNanos, valley, o.max(), 0, true);
                report.serverThreads(threadsBefore, server.threadTicks(), b.result().seconds());
                if (o.serverJfr() != null) {
                    server.jfr("JFR.stop", "name=phase-b");
                }
                Duration catchUp = api.awaitProjected(key, probe, Duration.ofSeconds(600));
                report.phase(b, catchUp);
                Phase a2 = measure("(a') Mosquitto, max rate again", "mosquitto", mosquitto::cpuNanos, broker, o.max(), 0, false);
                report.phase(a2, null);
                // PUBACKs do not wait for the projection: what Valley sustains is (b)'s PUBACKs until all were projected
                double sustained = b.result().ackedInWindow() / (b.result().seconds() + catchUp.toNanos() / 1e9);
                double rate = o.pacedFraction() * sustained;
                Phase c = measure(String.format(Locale.ROOT, "(c) Valley, paced at %.0f%% of (b)", 100 * o.pacedFraction()),
                        "valley", server::cpuNanos, valley, o.paced(), rate, true);
                report.phase(c, api.awaitProjected(key, probe, Duration.ofSeconds(600)));
                report.ratio(sustained, b.result().ackedPerSecond(),
                        (a.result().ackedPerSecond() + a2.result().ackedPerSecond()) / 2);
            }
            if (o.persistentMosquitto()) {
                try (MosquittoProcess persistent = MosquittoProcess.start(o.mosquitto(), true, out.resolve("mqtt-mosquitto-p.log"));
                        MqttLoad broker = new MqttLoad(new InetSocketAddress("127.0.0.1", persistent.port()), o.clients(),
                                new MqttTraffic("bench", o.devices(), 3), "bench", "unused", "bench-", o.window())) {
                    broker.run(Math.max(1, o.warmup() / 3.0), 0, false);
                    report.phase(measure("(e) Mosquitto, persistence on, max rate", "mosquitto-persistent",
                            persistent::cpuNanos, broker, o.max(), 0, false), null);
                }
            }
            report.durability(verify(api, key, valleyTraffic, o.sample()));
            report.serverMetrics(api.metrics());
        }
        report.print(System.out);
        Path file = out.resolve("mqtt-report.md");
        Files.writeString(file, report.markdown());
        System.out.println("report written to " + file);
    }

    private static Phase measure(String name, String broker, LongSupplier brokerCpu, MqttLoad load, int seconds, double rate,
            boolean book) throws Exception {
        System.out.println(name + " ...");
        long brokerBefore = brokerCpu.getAsLong();
        long harnessBefore = LoadHarness.harnessCpuNanos();
        long[] machine = LoadHarness.machineTicks();
        long start = System.nanoTime();
        MqttLoad.Result r = load.run(seconds, rate, book);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] machineAfter = LoadHarness.machineTicks();
        double brokerCores = (brokerCpu.getAsLong() - brokerBefore) / 1e9 / elapsed;
        double harnessCores = (LoadHarness.harnessCpuNanos() - harnessBefore) / 1e9 / elapsed;
        double other = -1;
        if (machine != null && machineAfter != null && machineAfter[1] > machine[1]) {
            double busy = Runtime.getRuntime().availableProcessors() * (double) (machineAfter[0] - machine[0])
                    / (machineAfter[1] - machine[1]);
            other = Math.max(0, busy - brokerCores - harnessCores);
        }
        System.out.printf(Locale.ROOT, "  %,.0f PUBACKs/s, p99 %.1f ms%n", r.ackedPerSecond(),
                r.latencyMicros().getValueAtPercentile(99) / 1000.0);
        return new Phase(name, broker, rate, r, brokerCores, harnessCores, other);
    }

    /** What the durability check found. */
    record Durability(long acknowledgedFrames, long serverFrames, int devicesMismatched, long missingFrames, long extraFrames,
            int sampled, long sampleExpectedFrames, long sampleStoredFrames, long sampleMissingFrames, long sampleExtraFrames,
            long sampleUndecoded) {

        boolean passed() {
            return missingFrames == 0 && sampleMissingFrames == 0 && serverFrames >= acknowledgedFrames && sampleUndecoded == 0;
        }
    }

    /** (d): every acknowledged publish is a stored frame; a sample of devices' frames are those and are decoded. */
    static Durability verify(Api api, String key, MqttTraffic traffic, int sample) throws Exception {
        System.out.println("(d) durability check ...");
        Fleet.Counts counts = Fleet.compare(api.devices(key), traffic.devices(), traffic::ackedFrames);
        long serverFrames = counts.held();
        long missing = counts.missing();
        long extra = counts.extra();
        int mismatched = counts.mismatched();
        SplittableRandom random = new SplittableRandom(11);
        int sampled = Math.min(sample, traffic.devices());
        BitSet chosen = new BitSet();
        while (chosen.cardinality() < sampled) {
            chosen.set(random.nextInt(traffic.devices()));
        }
        long expectedFrames = 0;
        long storedFrames = 0;
        long sampleMissing = 0;
        long sampleExtra = 0;
        long undecoded = 0;
        for (int d = chosen.nextSetBit(0); d >= 0; d = chosen.nextSetBit(d + 1)) {
            BitSet expected = traffic.ackedIndexes(d);
            BitSet stored = new BitSet();
            BitSet notDecoded = new BitSet();
            api.allFrames(key, Fleet.deviceId(d), f -> {
                int index = MqttTraffic.index(f.get("payloadHex").asText());
                stored.set(index);
                JsonNode decoded = f.get("decoded");
                if (decoded == null || !decoded.has("temperature") || !decoded.has("door")) {
                    notDecoded.set(index);
                }
            });
            undecoded += notDecoded.cardinality();
            expectedFrames += expected.cardinality();
            storedFrames += stored.cardinality();
            BitSet lost = (BitSet) expected.clone();
            lost.andNot(stored);
            BitSet unasked = (BitSet) stored.clone();
            unasked.andNot(expected);
            sampleMissing += lost.cardinality();
            sampleExtra += unasked.cardinality();
        }
        return new Durability(traffic.ackedFrames(), serverFrames, mismatched, missing, extra, sampled, expectedFrames,
                storedFrames, sampleMissing, sampleExtra, undecoded);
    }
}
