package org.valley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Valley beside a peer, in one run, on the same machine, with the same load generator: FROST-Server
 * (the OGC SensorThings API server; PostgreSQL with PostGIS, stock settings) and Valley each take a
 * closed loop of one temperature observation per request from the same devices over the same
 * connections. FROST receives {@code POST /v1.1/Observations} naming the device's datastream;
 * Valley receives {@code POST /ingest/http/{deviceId}} (a reading stored as it is, no codec). Both
 * answer once the observation is durable: FROST when PostgreSQL has committed it, Valley when its
 * journal has forced it. Each server runs alone: warm-up, a measured phase, then the store is asked
 * how many observations it holds, which must be at least the acknowledged ones.
 *
 * <pre>{@code
 * ./mvnw -q -B -f valley-bench/peers/frost-server/pom.xml package      # the peer, once
 * apt-get install -y postgresql-15-postgis-3                            # PostGIS for FROST's tables
 * java -cp valley-bench/target/benchmarks.jar org.valley.bench.PeerHarness [--devices 1000]
 *     [--connections 128] [--warmup 20] [--seconds 20] [--server-jvm "-Xms1g -Xmx2g"]
 *     [--frost-db-connections 10]
 * }</pre>
 */
public final class PeerHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private record Options(int devices, int connections, int warmup, int seconds, Path frostJar, Path postgresBin,
            List<String> serverJvm, int frostDbConnections) {

        static Options parse(String[] args) {
            int devices = 1000;
            int connections = 128;
            int warmup = 20;
            int seconds = 20;
            Path frost = Path.of("valley-bench/peers/frost-server/target/frost-server.jar");
            Path pg = Path.of("/usr/lib/postgresql/15/bin");
            List<String> jvm = List.of("-Xms1g", "-Xmx2g");
            int dbConnections = 10;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--devices" -> devices = Integer.parseInt(value);
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    case "--frost" -> frost = Path.of(value);
                    case "--postgres-bin" -> pg = Path.of(value);
                    case "--server-jvm" -> jvm = List.of(value.trim().split("\\s+"));
                    case "--frost-db-connections" -> dbConnections = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            return new Options(devices, connections, warmup, seconds, frost, pg, jvm, dbConnections);
        }
    }

    /** One server's measured phase and what its store held afterwards. */
    private record Run(String server, HttpLoad.Result result, double serverCores, double databaseCores,
            double harnessCores, double catchUpSeconds, long stored, long acknowledged, long readings) {

        double sustained() {
            return result.okInWindow() / (result.seconds() + catchUpSeconds);
        }

        double microsPerRequest() {
            return serverCores * result.seconds() * 1e6 / Math.max(1, result.ok());
        }

        /** Readings the store took per second over the phase and its catch-up. */
        double readingsPerSecond() {
            return readings / (result.seconds() + catchUpSeconds);
        }
    }

    private PeerHarness() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (!Files.isRegularFile(o.frostJar())) {
            throw new IllegalStateException(o.frostJar() + " is missing: build it with ./mvnw -q -B -f "
                    + "valley-bench/peers/frost-server/pom.xml package");
        }
        System.out.printf(Locale.ROOT, "Valley beside FROST-Server: %d devices, %d connections, %d s warm-up, %d s measured, "
                + "JDK %s, %d cores, %s%n", o.devices(), o.connections(), o.warmup(), o.seconds(), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), LocalDateTime.now().withNano(0));
        Run frost = frost(o);
        report(frost);
        Run valley = valley(o);
        report(valley);
        Run sigfox = valleySigfox(o);
        report(sigfox);
        System.out.printf(Locale.ROOT, "%nValley / FROST-Server, acknowledged observations per second: %.1f; "
                + "sustained (with Valley's store catching up): %.1f; server CPU per observation: %.2f%n",
                valley.result().okPerSecond() / frost.result().okPerSecond(), valley.sustained() / frost.sustained(),
                frost.microsPerRequest() / valley.microsPerRequest());
        System.out.printf(Locale.ROOT, "Valley's Sigfox callbacks / FROST-Server's observation requests: %.1f; readings "
                + "Valley stored from them per second / FROST-Server's observations per second: %.1f%n",
                sigfox.result().okPerSecond() / frost.result().okPerSecond(),
                sigfox.readingsPerSecond() / frost.sustained());
        for (Run r : List.of(frost, valley, sigfox)) {
            if (r.stored() < r.acknowledged()) {
                throw new IllegalStateException(r.server() + " holds fewer than it acknowledged");
            }
        }
    }

    private static Run frost(Options o) throws Exception {
        try (PostgresProcess pg = PostgresProcess.start(o.postgresBin())) {
            pg.createDatabase("frost", "postgis");
            int port = freePort();
            Path log = Files.createTempFile("frost-server-", ".log");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(o.serverJvm());
            command.addAll(List.of("-jar", o.frostJar().toString(), Integer.toString(port), pg.jdbcUrl("frost"), "postgres",
                    Integer.toString(o.frostDbConnections())));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                String root = "http://127.0.0.1:" + port + "/FROST-Server/v1.1";
                awaitReady(process, root, log);
                long t0 = System.nanoTime();
                long[] datastreams = createDatastreams(root, o.devices());
                System.out.printf(Locale.ROOT, "FROST-Server: %d things with a datastream each in %.1f s%n", o.devices(),
                        (System.nanoTime() - t0) / 1e9);
                ObservationTraffic traffic = ObservationTraffic.sensorThings(datastreams);
                ProcessHandle postmaster = pg.postmaster();
                return measure("FROST-Server 2.0.0 + PostgreSQL 15", o, port, "/FROST-Server/v1.1/Observations", traffic,
                        () -> cpuNanos(process.toHandle()), () -> cpuNanos(postmaster),
                        () -> count(root + "/Observations?$count=true&$top=0", "@iot.count"), false, () -> 0L);
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private static Run valley(Options o) throws Exception {
        Path log = Files.createTempFile("valley-peer-", ".log");
        try (ServerProcess server = ServerProcess.start(o.serverJvm(), "", log, false)) {
            Api api = new Api(server.baseUrl());
            String key = benchTenant(api, server.adminKey());
            String integrationKey = api.post(key, "/api/v1/integrations", Map.of("kind", "http")).get("key").asText();
            String[] ids = new String[o.devices()];
            List<Map<String, Object>> devices = new ArrayList<>();
            for (int d = 0; d < ids.length; d++) {
                ids[d] = Fleet.deviceId(d);
                devices.add(Map.of("id", ids[d], "tenant", "bench", "network", Map.of("kind", "http", "id", ids[d])));
            }
            for (int from = 0; from < devices.size(); from += 1000) {
                api.post(key, "/api/v1/devices", devices.subList(from, Math.min(devices.size(), from + 1000)));
            }
            ObservationTraffic traffic = ObservationTraffic.valley(ids, integrationKey);
            return measure("Valley (this build), embedded store", o, server.port(), null, traffic, server::cpuNanos,
                    () -> 0L, () -> framesHeld(api, key, ids[0]), false, () -> readingsStored(api));
        }
    }

    /**
     * Valley's main path in the same run: Sens'it callbacks from Sigfox, 1 to 3 deliveries a frame,
     * each frame decoded by the built-in codec into its readings ({@link Traffic}, as the load
     * harness sends them). What counts as held is distinct frames; the readings they gave are
     * counted by the node ({@code valley_readings_stored}).
     */
    private static Run valleySigfox(Options o) throws Exception {
        Path log = Files.createTempFile("valley-peer-sigfox-", ".log");
        try (ServerProcess server = ServerProcess.start(o.serverJvm(), "", log, false)) {
            Api api = new Api(server.baseUrl());
            String key = benchTenant(api, server.adminKey());
            api.post(key, "/api/v1/codecs", Map.of("id", "bench-codec", "kind", "builtin", "builtin", "sensit-v3"));
            String integrationKey = api.post(key, "/api/v1/integrations", Map.of("kind", "sigfox")).get("key").asText();
            api.registerDevices(key, "bench", "bench-codec", o.devices(), 4);
            return measure("Valley (this build), Sigfox callbacks decoded by sensit-v3", o, server.port(),
                    "/ingest/sigfox?key=" + integrationKey, new Traffic(o.devices(), 42), server::cpuNanos, () -> 0L,
                    () -> framesHeld(api, key, Fleet.deviceId(0)), true, () -> readingsStored(api));
        }
    }

    /** Creates tenant {@code bench} on a fresh node; returns a tenant key of it. */
    private static String benchTenant(Api api, String admin) throws Exception {
        api.post(admin, "/api/v1/tenants", Map.of("id", "bench", "name", "Peer harness"));
        return api.post(admin, "/api/v1/tenants/bench/keys", Map.of("role", "tenant")).get("key").asText();
    }

    /** Frames the node holds, over every device of the tenant, once its store has caught up. */
    private static long framesHeld(Api api, String key, String probe) throws Exception {
        api.awaitProjected(key, probe, Duration.ofSeconds(300));
        long frames = 0;
        for (JsonNode device : api.devices(key).values()) {
            frames += device.path("frames").asLong();
        }
        return frames;
    }

    private static long readingsStored(Api api) throws Exception {
        return Math.round(api.metrics().getOrDefault("valley_readings_stored", -1.0));
    }

    /** Counts what a store holds: the same question before the measured phase and after it. */
    @FunctionalInterface
    private interface Count {
        long get() throws Exception;
    }

    /**
     * Warms the server up, then measures a closed loop. {@code target} is null when the traffic
     * names each request's own; {@code serverCpu} and {@code databaseCpu} read the CPU time of the
     * server's process and of its database's processes (zero when the database is inside the
     * server); {@code stored} counts what the store holds, before the phase and after it, to set
     * against the acknowledged requests or, with {@code distinctFrames}, the distinct frames.
     */
    private static Run measure(String name, Options o, int port, String target, Uplinks traffic,
            LongSupplier serverCpu, LongSupplier databaseCpu, Count stored, boolean distinctFrames, Count readings)
            throws Exception {
        String phaseTarget = target == null ? "/" : target;
        try (HttpLoad load = new HttpLoad(new InetSocketAddress("127.0.0.1", port), o.connections())) {
            System.out.println(name + ": warm-up ...");
            load.run(phaseTarget, traffic, o.warmup(), 0, false);
            long before = stored.get();
            long readingsBefore = readings.get();
            System.out.println(name + ": measured phase ...");
            long cpu0 = serverCpu.getAsLong();
            long db0 = databaseCpu.getAsLong();
            long harness0 = harnessCpuNanos();
            HttpLoad.Result result = load.run(phaseTarget, traffic, o.seconds(), 0, true);
            double databaseCores = (databaseCpu.getAsLong() - db0) / 1e9 / result.seconds();
            double serverCores = (serverCpu.getAsLong() - cpu0) / 1e9 / result.seconds() + databaseCores;
            double harnessCores = (harnessCpuNanos() - harness0) / 1e9 / result.seconds();
            long t0 = System.nanoTime();
            long after = stored.get();
            double catchUp = (System.nanoTime() - t0) / 1e9;
            long acknowledged = distinctFrames ? result.newFramesInWindow() : result.ok();
            return new Run(name, result, serverCores, databaseCores, harnessCores, catchUp, after - before, acknowledged,
                    readings.get() - readingsBefore);
        }
    }

    private static void report(Run r) {
        HttpLoad.Result x = r.result();
        System.out.printf(Locale.ROOT, "%s: %,.0f acknowledged requests/s (%,d in %.0f s), %,.0f/s sustained with %.1f s "
                        + "for the store to answer; p50 %.2f ms, p99 %.2f ms; non-2xx %d, failed %d; server %.2f cores "
                        + "(its database %.2f), %.1f µs CPU per request; load generator %.2f cores; held %,d of %,d "
                        + "acknowledged%s%n",
                r.server(), x.okPerSecond(), x.ok(), x.seconds(), r.sustained(), r.catchUpSeconds(),
                x.latencyMicros().getValueAtPercentile(50) / 1000.0, x.latencyMicros().getValueAtPercentile(99) / 1000.0,
                x.rejected(), x.failed(), r.serverCores(), r.databaseCores(), r.microsPerRequest(), r.harnessCores(), r.stored(),
                r.acknowledged(), r.readings() > 0 ? String.format(Locale.ROOT, " (distinct frames %,.0f/s); readings stored "
                        + "%,.0f/s", x.framesPerSecond(), r.readingsPerSecond()) : "");
    }

    /**
     * Creates a thing per device, with its location and one temperature datastream, one request
     * after the other (FROST 2.0.0 answered some of such deep inserts sent concurrently with 500);
     * returns the datastreams' ids by device.
     */
    private static long[] createDatastreams(String root, int devices) throws Exception {
        for (int d = 0; d < devices; d++) {
            String body = JSON.writeValueAsString(Map.of(
                    "name", Fleet.deviceId(d),
                    "description", "a desk sensor",
                    // where the thing is: FROST makes each observation's feature of interest from it
                    "Locations", List.of(Map.of("name", "desk " + d, "description", "IoT Valley, Labège",
                            "encodingType", "application/geo+json",
                            "location", Map.of("type", "Point", "coordinates", List.of(1.5135 + d * 1e-6, 43.5472)))),
                    "Datastreams", List.of(Map.of(
                            "name", "d" + d,
                            "description", "temperature",
                            "observationType", "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                            "unitOfMeasurement", Map.of("name", "degree Celsius", "symbol", "degC", "definition", "ucum:Cel"),
                            "Sensor", Map.of("name", "sensor " + d, "description", "thermometer",
                                    "encodingType", "text/plain", "metadata", "none"),
                            "ObservedProperty", Map.of("name", "temperature " + d, "definition", "temperature",
                                    "description", "air temperature")))));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(root + "/Things"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IOException("creating a thing answered " + r.statusCode() + ": " + r.body());
            }
        }
        long[] ids = new long[devices];
        String next = root + "/Datastreams?$select=id,name&$top=1000";
        int found = 0;
        while (next != null) {
            JsonNode page = JSON.readTree(get(next));
            for (JsonNode ds : page.path("value")) {
                ids[Integer.parseInt(ds.path("name").asText().substring(1))] = ds.path("@iot.id").asLong();
                found++;
            }
            next = page.has("@iot.nextLink") ? page.path("@iot.nextLink").asText() : null;
        }
        if (found != devices) {
            throw new IOException("found " + found + " datastreams, expected " + devices);
        }
        return ids;
    }

    private static long count(String url, String field) throws IOException, InterruptedException {
        return JSON.readTree(get(url)).path(field).asLong(-1);
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static void awaitReady(Process process, String url, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the peer exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException("the peer was not ready after 180 s; see " + log);
    }

    /**
     * CPU time (user + system) of a process and all its descendants, in nanoseconds, from
     * {@code /proc/<pid>/stat} (which, unlike the JDK's process information, reads processes of
     * another user, such as PostgreSQL's).
     */
    private static long cpuNanos(ProcessHandle process) {
        long ticks = ticks(process.pid(), true);
        for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            ticks += ticks(child.pid(), false);
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /**
     * A process's CPU ticks; with {@code ended}, those of its children that ended too (PostgreSQL's
     * backends come and go with its clients' connections, and their time must not go with them).
     */
    private static long ticks(long pid, boolean ended) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            return ended ? own + Long.parseLong(f[13]) + Long.parseLong(f[14]) : own; // cutime, cstime
        } catch (IOException | RuntimeException e) {
            return 0; // the process ended
        }
    }

    private static long harnessCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
