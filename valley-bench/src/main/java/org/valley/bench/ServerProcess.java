package org.valley.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Valley node in a child JVM: the real {@code valley serve} command on a free loopback port, a
 * temporary data directory and {@code noop-endpoint} on, its MQTT endpoint on another free port. A separate process keeps the server's
 * heap, GC and JIT apart from the load generator's, and lets the harness read the server's own
 * CPU time. The child runs on the harness's class path with the JVM the harness runs on.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int port;
    private final int mqttPort;
    private final String adminKey;

    private ServerProcess(Process process, Path dir, int port, int mqttPort, String adminKey) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.mqttPort = mqttPort;
        this.adminKey = adminKey;
    }

    /**
     * Starts the child and waits until it is ready.
     *
     * @param jvmArgs options for the child JVM, e.g. {@code -Xmx2g}
     * @param extraConfig more members of the node's JSON configuration, e.g. {@code "projection-queue": 1024}
     * @param log where the child's output goes
     */
    static ServerProcess start(List<String> jvmArgs, String extraConfig, Path log, boolean keepData)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("valley-load-");
        int port = freePort();
        int mqttPort = freePort();
        Path config = dir.resolve("valley.json");
        Files.writeString(config, """
                {"host": "127.0.0.1", "port": %d, "mqtt-port": %d, "data": "%s", "noop-endpoint": true%s}
                """.formatted(port, mqttPort, dir.resolve("data").toString().replace("\\", "\\\\"),
                extraConfig == null || extraConfig.isBlank() ? "" : ", " + extraConfig), StandardCharsets.UTF_8);
        String adminKey = "va_bench_" + Long.toHexString(System.nanoTime());
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath());
        command.add("org.valley.server.Main");
        command.add("serve");
        command.add("--config");
        command.add(config.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("VALLEY_ADMIN_KEY", adminKey);
        Process process = builder.start();
        ServerProcess server = new ServerProcess(process, keepData ? null : dir, port, mqttPort, adminKey);
        try {
            server.awaitReady(Duration.ofSeconds(90), log);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A loopback port nobody listens on (the MQTT port too: the default 1883 may be taken). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The harness's class path, made absolute (benchmarks.jar's manifest names its lib/ folder). */
    private static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            parts.add(Path.of(p).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    private void awaitReady(Duration timeout, Path log) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("the server was not ready after " + timeout + "; see " + log);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    int mqttPort() {
        return mqttPort;
    }

    String adminKey() {
        return adminKey;
    }

    long pid() {
        return process.pid();
    }

    /** The child's CPU time so far (user + system, all threads), in nanoseconds. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * CPU time of each of the child's threads, user and system, in clock ticks (USER_HZ, 100 per
     * second on Linux), summed by thread name with its digits dropped (the event loops, the GC
     * workers). Empty where /proc is missing.
     */
    java.util.Map<String, long[]> threadTicks() {
        java.util.Map<String, long[]> out = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "N");
                String[] f = stat.substring(close + 2).split(" ");
                long[] ticks = out.computeIfAbsent(name, k -> new long[2]);
                ticks[0] += Long.parseLong(f[11]); // utime
                ticks[1] += Long.parseLong(f[12]); // stime
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Starts or stops a flight recording in the child with {@code jcmd} (next to the {@code java}
     * the harness runs on), so that a profile covers exactly one phase.
     */
    void jfr(String... arguments) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.resolveSibling("jcmd");
        List<String> command = new ArrayList<>();
        command.add(jcmd.toString());
        command.add(Long.toString(process.pid()));
        command.addAll(List.of(arguments));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy(); // SIGTERM: the node's shutdown hook closes the journal and the store
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
