package org.valley.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The Markdown form shared by the harnesses' reports: title, machine, the phase table, a ratio, the whole report as JSON. */
final class ReportText {

    private ReportText() {}

    /**
     * @param sharing who shares the cores, e.g. "Server and load generator"
     * @param ratio the line under the table, e.g. "Sustained / bare ceiling: 0.49"
     */
    static String markdown(String title, String sharing, Map<String, Object> root, String table, String ratio) {
        String json;
        try {
            json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) root.get("machine");
        return "# " + title + "\n\n"
                + "Machine: " + machine.get("cores") + " cores, JDK " + machine.get("jdk") + ", " + machine.get("os")
                + ", " + machine.get("date") + ". " + sharing + " share the cores.\n\n"
                + table + "\n"
                + ratio + "\n\n"
                + "```json\n" + json + "\n```\n";
    }

    /** The node's own counters at the end of a run (from its /metrics), the ones the reports show. */
    static Map<String, Object> serverMetrics(Map<String, Double> metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("valley_journal_appended", "valley_journal_fsyncs", "valley_frames_projected", "valley_decode_errors",
                "valley_readings_stored",
                "valley_devices", "valley_projection_catch_ups", "valley_projection_lag_bytes", "jvm_gc_pause_seconds_count",
                "jvm_gc_pause_seconds_sum")) {
            if (metrics.containsKey(k)) {
                m.put(k, metrics.get(k));
            }
        }
        return m;
    }

    /** Latency percentiles (p50, p90, p99, p99.9, max) of microsecond values, in milliseconds. */
    static Map<String, Object> latency(Histogram h) {
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", ms(h.getValueAtPercentile(50)));
        lat.put("p90", ms(h.getValueAtPercentile(90)));
        lat.put("p99", ms(h.getValueAtPercentile(99)));
        lat.put("p999", ms(h.getValueAtPercentile(99.9)));
        lat.put("max", ms(h.getMaxValue()));
        return lat;
    }

    /** Microseconds as milliseconds with two decimals. */
    static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
