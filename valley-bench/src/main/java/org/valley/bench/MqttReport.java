package org.valley.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The MQTT harness's results: a table on the console, Markdown with the same figures as JSON in a file. */
final class MqttReport {

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> setup = new LinkedHashMap<>();
    private final List<Map<String, Object>> phases = new ArrayList<>();
    private final List<String> rows = new ArrayList<>();
    private String threads = "";

    MqttReport(MqttHarness.Options o) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", LocalDate.now().toString());
        machine.put("jdk", Runtime.version().toString());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        root.put("machine", machine);
        setup.put("devices", o.devices());
        setup.put("clients", o.clients());
        setup.put("window", o.window());
        setup.put("valley", "child JVM, valley serve, journal fsync on, PUBACK once durable, " + String.join(" ", o.serverJvm())
                + (o.serverConfig() == null ? "" : ", config " + o.serverConfig()));
        setup.put("mosquitto", o.mosquitto() + ", persistence off, anonymous, no subscribers: PUBACK once routed, nothing stored");
        setup.put("load", "one raw-NIO thread in the harness JVM, MQTT 5, QoS 1, 8-byte raw payloads, devices spread over the clients");
        root.put("setup", setup);
        root.put("phases", phases);
    }

    void windows(int valley, int mosquitto) {
        setup.put("effectiveWindowValley", valley);
        setup.put("effectiveWindowMosquitto", mosquitto);
    }

    void phase(MqttHarness.Phase p, Duration catchUp) {
        MqttLoad.Result r = p.result();
        Histogram h = r.latencyMicros();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("broker", p.broker());
        m.put("seconds", r.seconds());
        if (p.rate() > 0) {
            m.put("scheduledPerSecond", Math.round(p.rate()));
            m.put("notSentAtEnd", r.notSent());
        }
        m.put("sent", r.sent());
        m.put("pubacks", r.acked());
        m.put("pubacksPerSecond", Math.round(r.ackedPerSecond()));
        m.put("refused", r.refused());
        m.put("failed", r.failed());
        m.put("unanswered", r.unanswered());
        Map<String, Object> lat = ReportText.latency(h);
        m.put("latencyMillis", lat);
        m.put("brokerCpuCores", round2(p.brokerCores()));
        m.put("brokerCpuMicrosPerMessage", Math.round(p.brokerMicrosPerMessage() * 10) / 10.0);
        m.put("harnessCpuCores", round2(p.harnessCores()));
        m.put("otherProcessesCpuCores", round2(p.otherCores()));
        if (catchUp != null) {
            m.put("projectionCatchUpSeconds", Math.round(catchUp.toMillis() / 100.0) / 10.0);
        }
        phases.add(m);
        rows.add(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %s | %s | %s | %s | %s | %.2f | %.1f | %.2f | %.2f | %s |",
                p.name(), r.sent(), Math.round(r.ackedPerSecond()), r.refused() + r.failed() + r.unanswered(), lat.get("p50"),
                lat.get("p90"), lat.get("p99"), lat.get("p999"), lat.get("max"), p.brokerCores(), p.brokerMicrosPerMessage(),
                p.harnessCores(), p.otherCores(),
                catchUp == null ? "" : String.format(Locale.ROOT, "%.1f", catchUp.toMillis() / 1000.0)));
    }

    void ratio(double valleySustained, double valleyAcknowledged, double mosquitto) {
        root.put("valleySustainedPerSecond", Math.round(valleySustained));
        root.put("valleyOverMosquitto", Math.round(valleySustained / mosquitto * 1000) / 1000.0);
        root.put("valleyAcknowledgedOverMosquitto", Math.round(valleyAcknowledged / mosquitto * 1000) / 1000.0);
    }

    /** Where Valley's CPU went in (b): cores per thread group, user and system. */
    void serverThreads(Map<String, long[]> before, Map<String, long[]> after, double seconds) {
        List<Map.Entry<String, long[]>> used = new ArrayList<>();
        after.forEach((name, t) -> {
            long[] b = before.getOrDefault(name, new long[2]);
            used.add(Map.entry(name, new long[] {t[0] - b[0], t[1] - b[1]}));
        });
        used.sort((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]));
        Map<String, Object> m = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder("Valley threads in (b), cores user+system:");
        for (Map.Entry<String, long[]> e : used.subList(0, Math.min(10, used.size()))) {
            double user = e.getValue()[0] / 100.0 / seconds;
            double system = e.getValue()[1] / 100.0 / seconds;
            if (user + system < 0.005) {
                continue;
            }
            m.put(e.getKey(), Map.of("user", round2(user), "system", round2(system)));
            line.append(String.format(Locale.ROOT, "%n  %-18s %.2f + %.2f", e.getKey(), user, system));
        }
        root.put("valleyThreadsInPhaseB", m);
        threads = line.toString();
    }

    void durability(MqttHarness.Durability d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", d.passed());
        m.put("acknowledgedFrames", d.acknowledgedFrames());
        m.put("framesHeldByServer", d.serverFrames());
        m.put("devicesMismatched", d.devicesMismatched());
        m.put("missingFrames", d.missingFrames());
        m.put("extraFrames", d.extraFrames());
        m.put("sampledDevices", d.sampled());
        m.put("sampleExpectedFrames", d.sampleExpectedFrames());
        m.put("sampleStoredFrames", d.sampleStoredFrames());
        m.put("sampleMissingFrames", d.sampleMissingFrames());
        m.put("sampleExtraFrames", d.sampleExtraFrames());
        m.put("sampleFramesNotDecoded", d.sampleUndecoded());
        root.put("durability", m);
    }

    void serverMetrics(Map<String, Double> metrics) {
        root.put("serverMetricsAtEnd", ReportText.serverMetrics(metrics));
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private String table() {
        StringBuilder s = new StringBuilder();
        s.append("| phase | sent | PUBACKs/s | refused + failed + unanswered | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms"
                + " | broker cores | broker µs CPU/msg | harness cores | other processes' cores | projection catch-up s |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        rows.forEach(r -> s.append(r).append('\n'));
        return s.toString();
    }

    void print(PrintStream out) {
        out.println();
        out.print(table());
        out.println("Valley sustained (b, with the projection's catch-up) / Mosquitto (mean of a and a'): "
                + root.get("valleyOverMosquitto") + "; PUBACKs of (b) alone / Mosquitto: "
                + root.get("valleyAcknowledgedOverMosquitto"));
        out.println("durability: " + root.get("durability"));
        out.println(threads);
    }

    String markdown() {
        return ReportText.markdown("Valley MQTT load report", "Brokers and load generator", root, table(), "Valley sustained / Mosquitto: " + root.get("valleyOverMosquitto") + "; PUBACKs of (b) alone / Mosquitto: "
                + root.get("valleyAcknowledgedOverMosquitto"));
    }
}
