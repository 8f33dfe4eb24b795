package org.valley.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto, run by the tests: {@code mosquitto_pub} and {@code mosquitto_sub} as real MQTT
 * clients, and the {@code mosquitto} broker on a free loopback port as a real external broker. The
 * packages are {@code mosquitto} and {@code mosquitto-clients} ({@code .ci/run} installs them).
 */
final class Mosquitto {

    /** What a client printed, and how it exited. */
    record Run(int exit, String output) {}

    private Mosquitto() {}

    static String binary(String name) {
        for (String dir : new String[] {"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"}) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        throw new IllegalStateException(name + " is not installed: apt-get install mosquitto mosquitto-clients");
    }

    /** Runs {@code mosquitto_pub} with {@code args} against 127.0.0.1:{@code port}, with debug output. */
    static Run pub(int port, String... args) {
        return run(command("mosquitto_pub", port, args), 20);
    }

    /** Runs {@code mosquitto_pub} with a binary payload read from a file. */
    static Run pubBytes(int port, byte[] payload, String... args) {
        try {
            Path file = Files.createTempFile("payload", ".bin");
            Files.write(file, payload);
            List<String> all = new ArrayList<>(List.of(args));
            all.add("-f");
            all.add(file.toString());
            try {
                return pub(port, all.toArray(String[]::new));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code mosquitto_pub -l}: one message per line of {@code lines}, on one connection; the
     * output holds the debug lines only.
     */
    static Run pubLines(int port, List<String> lines, int seconds, String... args) {
        try {
            Path file = Files.createTempFile("lines", ".txt");
            Path output = Files.createTempFile("pub", ".log");
            Files.write(file, lines, StandardCharsets.UTF_8);
            List<String> command = command("mosquitto_pub", port, args);
            command.add("-l");
            try {
                // the debug lines alone: the client's warnings (stderr, unbuffered) would cut into them
                Process p = new ProcessBuilder(command).redirectInput(file.toFile()).redirectOutput(output.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                return await(p, output, seconds);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code mosquitto_sub} with {@code args}; read its output with {@link #await}. */
    static Process sub(int port, Path output, String... args) {
        List<String> command = command("mosquitto_sub", port, args);
        if (Files.isExecutable(Path.of("/usr/bin/stdbuf"))) {
            // the client's output goes to a file, which C buffers: unbuffered, its SUBACK line shows at once
            command.addAll(0, List.of("/usr/bin/stdbuf", "-o0"));
        }
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a client started by {@link #sub} to exit; returns what it printed. */
    static Run await(Process process, Path output, int seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Run(-1, Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> command(String client, int port, String... args) {
        List<String> command = new ArrayList<>(List.of(binary(client), "-h", "127.0.0.1", "-p", String.valueOf(port), "-d"));
        command.addAll(List.of(args));
        return command;
    }

    private static Run run(List<String> command, int seconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Run(done ? p.exitValue() : -1, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A Mosquitto broker on a free loopback port, with a configuration of its own; closed with the test. */
    static final class Broker implements AutoCloseable {
        final int port;
        /** The port of its TLS listener, or -1. */
        final int tlsPort;
        private final Process process;
        final Path log;

        private Broker(int port, int tlsPort, Process process, Path log) {
            this.port = port;
            this.tlsPort = tlsPort;
            this.process = process;
            this.log = log;
        }

        /**
         * Starts an anonymous broker with a plain listener on {@link #port} and a TLS one on {@link
         * #tlsPort} presenting {@code certificate} (PEM, with its {@code key}).
         */
        static Broker startTls(Path dir, Path certificate, Path key) throws IOException, InterruptedException {
            int port = freePort();
            int tlsPort = freePort();
            String tls = "listener " + tlsPort + " 127.0.0.1\ncertfile " + certificate + "\nkeyfile " + key + "\n";
            return start(dir, port, tlsPort, null, null, tls);
        }

        /** Starts a broker; with {@code user} non-null, it wants that user name and password. */
        static Broker start(Path dir, String user, String password) throws IOException, InterruptedException {
            return start(dir, freePort(), user, password);
        }

        /** Starts an anonymous broker again on the port a stopped one had. */
        static Broker restart(Path dir, int port) throws IOException, InterruptedException {
            return start(dir, port, null, null);
        }

        private static Broker start(Path dir, int port, String user, String password) throws IOException, InterruptedException {
            return start(dir, port, -1, user, password, "");
        }

        private static Broker start(Path dir, int port, int tlsPort, String user, String password, String more)
                throws IOException, InterruptedException {
            Path config = dir.resolve("mosquitto-" + port + ".conf");
            // run as root, Mosquitto would switch to its own user, which cannot read a test's private directory
            StringBuilder conf = new StringBuilder("listener " + port + " 127.0.0.1\npersistence false\n"
                    + "user " + System.getProperty("user.name") + "\n"
                    + "log_dest stdout\nlog_type error\nlog_type warning\nlog_type notice\n");
            if (user == null) {
                conf.append("allow_anonymous true\n");
            } else {
                Path passwords = dir.resolve("passwords-" + port);
                Process p = new ProcessBuilder(binary("mosquitto_passwd"), "-b", "-c", passwords.toString(), user, password)
                        .redirectErrorStream(true).start();
                p.waitFor(10, TimeUnit.SECONDS);
                conf.append("allow_anonymous false\npassword_file ").append(passwords).append('\n');
            }
            conf.append(more);
            Files.writeString(config, conf.toString());
            Path log = dir.resolve("mosquitto-" + port + ".log");
            Process process = new ProcessBuilder(binary("mosquitto"), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Broker broker = new Broker(port, tlsPort, process, log);
            broker.awaitListening();
            return broker;
        }

        private void awaitListening() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        break;
                    }
                    Thread.sleep(20);
                }
            }
            throw new IllegalStateException("mosquitto did not listen on " + port + "; see " + log);
        }

        /** Stops the broker (the bridge then sees it go away). */
        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
