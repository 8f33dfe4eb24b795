package org.valley.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own, for a peer under measurement: a new cluster in a temporary
 * directory ({@code initdb}), started with {@code pg_ctl} on a free loopback port with the stock
 * settings (fsync and synchronous commit on), stopped and deleted by {@link #close}. As root, the
 * binaries run as the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
final class PostgresProcess implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    private PostgresProcess(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    static PostgresProcess start(Path bin) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("valley-peer-pg-");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres", dir.toString()), false);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresProcess pg = new PostgresProcess(bin, dir, port, root);
        try {
            pg.tool("initdb", "-D", dir.resolve("data").toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8");
            pg.tool("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start");
        } catch (IOException | InterruptedException e) {
            delete(dir); // nothing started: the failure's message names the command and its output
            throw e;
        }
        return pg;
    }

    /** Creates database {@code name}, with the extensions named. */
    void createDatabase(String name, String... extensions) throws IOException, InterruptedException {
        tool("createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", name);
        for (String extension : extensions) {
            tool("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "-d", name, "-q", "-c",
                    "create extension " + extension);
        }
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The postmaster's process, whose children are the server's backends and workers. */
    ProcessHandle postmaster() throws IOException {
        String pid = Files.readAllLines(dir.resolve("data/postmaster.pid")).get(0).trim();
        return ProcessHandle.of(Long.parseLong(pid)).orElseThrow(() -> new IOException("PostgreSQL is not running"));
    }

    private void tool(String name, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(name).toString());
        command.addAll(List.of(arguments));
        run(command, asPostgres);
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", full) + " failed: " + output);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            tool("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
