package org.valley.bench;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The load harness's results: a table on the console, Markdown with the same figures as JSON in a file. */
final class LoadReport {

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<Map<String, Object>> phases = new ArrayList<>();
    private final List<String> rows = new ArrayList<>();

    LoadReport(LoadHarness.Options o, List<String> serverJvm) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", LocalDate.now().toString());
        machine.put("jdk", Runtime.version().toString());
        machine.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.vendor"));
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        root.put("machine", machine);
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("network", o.network());
        setup.put("devices", o.devices());
        setup.put("connections", o.connections());
        setup.put("warmupSeconds", o.warmup());
        setup.put("server", "child JVM, valley serve, journal fsync on, " + String.join(" ", serverJvm)
                + (o.serverConfig() == null ? "" : ", config " + o.serverConfig()));
        setup.put("load", (o.client().equals("io_uring") ? "one Netty io_uring event loop" : "one raw-NIO thread")
                + " in the harness JVM, HTTP/1.1 keep-alive, one request in flight per connection");
        setup.put("traffic", switch (o.network()) {
            case "ttn" -> "The Things Stack v3 uplink webhooks, Elsys ERS payloads decoded by " + o.codec()
                    + " (6 readings), 1-3 gateways in rx_metadata, one session per device, f_cnt advancing per device";
            case "chirpstack" -> "ChirpStack v4 up events (JSON), Elsys ERS payloads decoded by " + o.codec()
                    + " (6 readings), 1-3 gateways in rxInfo, a deduplicationId per frame, fCnt advancing per device";
            default -> "Sens'it v3 door/temperature frames, 1-3 deliveries per frame (extra ones duplicate=true), "
                    + "both quoting styles, sequence numbers advancing per device";
        });
        root.put("setup", setup);
        root.put("phases", phases);
    }

    void note(String key, Object value) {
        root.put(key, value);
    }

    void phase(LoadHarness.Phase p, Duration catchUp) {
        HttpLoad.Result r = p.result();
        Histogram h = r.latencyMicros();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("target", p.target());
        m.put("seconds", r.seconds());
        if (p.rate() > 0) {
            m.put("scheduledPerSecond", Math.round(p.rate()));
            m.put("notSentAtEnd", r.notSent());
        }
        m.put("sent", r.sent());
        m.put("ok2xx", r.ok());
        m.put("ok2xxPerSecond", Math.round(r.okPerSecond()));
        m.put("distinctFramesPerSecond", Math.round(r.framesPerSecond()));
        m.put("rejected", r.rejected());
        m.put("failed", r.failed());
        m.put("unanswered", r.unanswered());
        Map<String, Object> lat = ReportText.latency(h);
        m.put("latencyMillis", lat);
        m.put("serverCpuCores", Math.round(p.serverCores() * 100) / 100.0);
        m.put("serverCpuMicrosPerRequest", LoadHarness.round(p.serverMicrosPerRequest()));
        m.put("harnessCpuCores", Math.round(p.harnessCores() * 100) / 100.0);
        m.put("otherProcessesCpuCores", Math.round(p.otherCores() * 100) / 100.0);
        if (catchUp != null) {
            m.put("projectionCatchUpSeconds", Math.round(catchUp.toMillis() / 100.0) / 10.0);
            m.put("sustainedOk2xxPerSecond", Math.round(LoadHarness.sustained(r, catchUp)));
        }
        phases.add(m);
        rows.add(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %,d | %,d | %s | %s | %s | %s | %s | %.2f | %.1f | %.2f | %.2f | %s |",
                p.name(), r.sent(), Math.round(r.okPerSecond()),
                catchUp == null ? "" : String.format(Locale.ROOT, "%,d", Math.round(LoadHarness.sustained(r, catchUp))),
                Math.round(r.framesPerSecond()), r.rejected() + r.failed()
                        + r.unanswered(), lat.get("p50"), lat.get("p90"), lat.get("p99"), lat.get("p999"), lat.get("max"),
                p.serverCores(), p.serverMicrosPerRequest(), p.harnessCores(), p.otherCores(),
                catchUp == null ? "" : String.format(Locale.ROOT, "%.1f", catchUp.toMillis() / 1000.0)));
    }

    /** Where the server's CPU went in a phase: cores used per thread (group), user and system. */
    void serverThreads(Map<String, long[]> before, Map<String, long[]> after, double seconds) {
        List<Map.Entry<String, long[]>> used = new ArrayList<>();
        after.forEach((name, t) -> {
            long[] b = before.getOrDefault(name, new long[2]);
            used.add(Map.entry(name, new long[] {t[0] - b[0], t[1] - b[1]}));
        });
        used.sort((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]));
        Map<String, Object> m = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder("server threads in (b), cores user+system:");
        for (Map.Entry<String, long[]> e : used.subList(0, Math.min(10, used.size()))) {
            double user = e.getValue()[0] / 100.0 / seconds;
            double system = e.getValue()[1] / 100.0 / seconds;
            if (user + system < 0.005) {
                continue;
            }
            m.put(e.getKey(), Map.of("user", Math.round(user * 100) / 100.0, "system", Math.round(system * 100) / 100.0));
            line.append(String.format(Locale.ROOT, "%n  %-18s %.2f + %.2f", e.getKey(), user, system));
        }
        root.put("serverThreadsInPhaseB", m);
        threads = line.toString();
    }

    private String threads = "";
    private final StringBuilder stallLines = new StringBuilder();

    /**
     * The metrics timeline of a phase: 250 ms periods without any uplink made durable, peak queue
     * depths, and the longest latency of the requests due in each 250 ms.
     */
    void stalls(String phase, MetricsSampler sampler, HttpLoad.Result result) {
        long[] maxLatencyMicros = result.maxLatencyMicrosPer250ms();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("periodsOf250msWithoutDurableUplinks", sampler.stalls());
        m.put("maxJournalQueueDepth", sampler.maxJournalQueue());
        m.put("maxProjectionQueueDepth", sampler.maxProjectionQueue());
        m.put("maxProjectionLagBytes", sampler.maxLag());
        m.put("timelineDurableSlashProjectedSlashQueueSlashLagKBPer250ms", sampler.timeline());
        StringBuilder longest = new StringBuilder();
        for (long micros : maxLatencyMicros) {
            longest.append(longest.isEmpty() ? "" : " ").append(micros / 1000);
        }
        m.put("longestLatencyMsPer250ms", longest.toString());
        Map<String, Object> wait = ReportText.latency(result.waitMicros());
        Map<String, Object> service = ReportText.latency(result.serviceMicros());
        m.put("waitForAConnectionMs", wait);
        m.put("sendToAnswerMs", service);
        root.put("metricsTimeline_" + phase, m);
        stallLines.append(String.format(Locale.ROOT, "(%s) 250 ms periods with nothing made durable: %d; max journal queue %.0f,"
                + " max projection queue %.0f, max projection lag %.1f MB%n"
                + "  per 250 ms, durable / projected / projection queue / lag KB: %s%n"
                + "  per 250 ms, the longest latency of the requests due, ms: %s%n"
                + "  the latency's two parts: waiting in the generator for a free connection p50 %s, p99 %s, max %s ms;"
                + " from sending to the answer p50 %s, p99 %s, max %s ms%n", phase, sampler.stalls(),
                sampler.maxJournalQueue(), sampler.maxProjectionQueue(), sampler.maxLag() / 1e6, sampler.timeline(),
                longest, wait.get("p50"), wait.get("p99"), wait.get("max"), service.get("p50"), service.get("p99"),
                service.get("max")));
    }

    /**
     * The readings the node stored from a phase's frames ({@code valley_readings_stored}), over the
     * phase and its catch-up: the observations a store of single values would have had to take.
     */
    void readings(String phase, double readings, double seconds) {
        root.put("readingsStored_" + phase, Map.of("readings", Math.round(readings), "perSecond",
                Math.round(readings / seconds)));
        stallLines.append(String.format(Locale.ROOT, "(%s) readings stored, with the catch-up: %,.0f, %,.0f/s%n", phase,
                readings, readings / seconds));
    }

    void ratio(double sustainedOverBare) {
        root.put("sustainedOverBareCeiling", Math.round(sustainedOverBare * 1000) / 1000.0);
    }

    void durability(LoadHarness.Durability d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", d.passed());
        m.put("acknowledgedDistinctFrames", d.acknowledgedFrames());
        m.put("framesHeldByServer", d.serverFrames());
        m.put("framesProjectedMetric", d.projectedMetric());
        m.put("devicesChecked", d.devicesChecked());
        m.put("devicesMismatched", d.devicesMismatched());
        m.put("missingFrames", d.missingFrames());
        m.put("extraFrames", d.extraFrames());
        m.put("sampledDevices", d.sampled());
        m.put("sampleExpectedFrames", d.sampleExpectedFrames());
        m.put("sampleStoredFrames", d.sampleStoredFrames());
        m.put("sampleMissingFrames", d.sampleMissingFrames());
        m.put("sampleExtraFrames", d.sampleExtraFrames());
        m.put("sampleExpectedReceptions", d.sampleExpectedReceptions());
        m.put("sampleStoredReceptions", d.sampleStoredReceptions());
        root.put("durability", m);
    }

    void serverMetrics(Map<String, Double> metrics) {
        root.put("serverMetricsAtEnd", ReportText.serverMetrics(metrics));
    }

    private String table() {
        StringBuilder s = new StringBuilder();
        s.append("| phase | sent | 2xx/s | 2xx/s with the catch-up | distinct frames/s | non-2xx + failed | p50 ms | p90 ms"
                + " | p99 ms | p99.9 ms | max ms | server cores | server µs CPU/req | harness cores | other processes' cores"
                + " | projection catch-up s |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        rows.forEach(r -> s.append(r).append('\n'));
        return s.toString();
    }

    void print(PrintStream out) {
        out.println();
        out.print(table());
        out.println("sustained / bare ceiling: " + root.get("sustainedOverBareCeiling"));
        out.println("durability: " + root.get("durability"));
        out.println(threads);
        out.print(stallLines);
    }

    String markdown() {
        return ReportText.markdown("Valley load report", "Server and load generator", root, table(), "Sustained / bare ceiling: " + root.get("sustainedOverBareCeiling"));
    }

    /** Where reports go: next to benchmarks.jar (valley-bench/target), else ./target. */
    static Path outputDirectory() {
        try {
            Path code = Path.of(LoadReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code)) {
                return code.getParent();
            }
            if (code.getFileName().toString().equals("classes")) {
                return code.getParent();
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through
        }
        return Path.of("target");
    }
}
