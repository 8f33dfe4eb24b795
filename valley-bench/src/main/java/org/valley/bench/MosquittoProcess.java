package org.valley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's Mosquitto broker ({@code /usr/sbin/mosquitto}, package {@code mosquitto}) as the
 * reference the MQTT harness measures Valley against: a child process on a free loopback port with a
 * generated configuration, anonymous clients allowed (it ignores their user name and password). With
 * {@code persistence} off it keeps nothing: a QoS 1 PUBACK from it means the message was routed
 * (to no subscriber here), not stored. With persistence on it saves its in-memory database every
 * {@code autosave_interval} seconds, not per message; messages without subscribers are not in it.
 */
final class MosquittoProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int port;

    private MosquittoProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static MosquittoProcess start(String binary, boolean persistence, Path log) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IOException(binary + " is not installed: apt-get install mosquitto");
        }
        Path dir = Files.createTempDirectory("valley-mosquitto-");
        int port = ServerProcess.freePort();
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence " + persistence,
                "persistence_location " + dir + "/",
                "autosave_interval 1",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "") );
        Process process = new ProcessBuilder(List.of(binary, "-c", config.toString())).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        MosquittoProcess broker = new MosquittoProcess(process, dir, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            if (!process.isAlive()) {
                broker.close();
                throw new IOException("mosquitto exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return broker;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    broker.close();
                    throw new IOException("mosquitto did not listen on " + port + "; see " + log, e);
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    /** The broker's CPU time so far, in nanoseconds. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
