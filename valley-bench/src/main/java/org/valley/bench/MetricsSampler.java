package org.valley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Polls the node's metrics every {@code periodMillis} during a phase, to show stalls: the queue
 * depths of the journal and the projection, and how many uplinks the journal made durable and the
 * projection applied in each period.
 */
final class MetricsSampler implements AutoCloseable {

    /** One sample: time since start, durable and projected counts, queue depths, the projection's lag in journal bytes. */
    record Sample(long millis, double appended, double projected, double journalQueue, double projectionQueue,
            double lag) {}

    private final Api api;
    private final long periodMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    MetricsSampler(Api api, long periodMillis) {
        this.api = api;
        this.periodMillis = periodMillis;
        this.thread = Thread.ofVirtual().start(this::run);
    }

    private void run() {
        long start = System.nanoTime();
        while (running) {
            try {
                Map<String, Double> m = api.metrics();
                synchronized (samples) {
                    samples.add(new Sample((System.nanoTime() - start) / 1_000_000, m.getOrDefault("valley_journal_appended", 0.0),
                            m.getOrDefault("valley_frames_projected", 0.0), m.getOrDefault("valley_journal_queue_depth", 0.0),
                            m.getOrDefault("valley_projection_queue_depth", 0.0),
                            m.getOrDefault("valley_projection_lag_bytes", 0.0)));
                }
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // a missed sample
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Periods in which the journal made nothing durable although the phase was sending. */
    long stalls() {
        List<Sample> s = samples();
        long stalls = 0;
        for (int i = 1; i < s.size(); i++) {
            if (s.get(i).appended() == s.get(i - 1).appended()) {
                stalls++;
            }
        }
        return stalls;
    }

    double maxProjectionQueue() {
        return samples().stream().mapToDouble(Sample::projectionQueue).max().orElse(0);
    }

    double maxJournalQueue() {
        return samples().stream().mapToDouble(Sample::journalQueue).max().orElse(0);
    }

    double maxLag() {
        return samples().stream().mapToDouble(Sample::lag).max().orElse(0);
    }

    /**
     * A compact timeline: per period, uplinks made durable / uplinks the projection applied / its
     * queue depth / its lag behind the journal in KB.
     */
    String timeline() {
        List<Sample> s = samples();
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < s.size(); i++) {
            Sample a = s.get(i - 1);
            Sample b = s.get(i);
            out.append(String.format(Locale.ROOT, "%s%.0f/%.0f/%.0f/%.0f", i > 1 ? " " : "", b.appended() - a.appended(),
                    b.projected() - a.projected(), b.projectionQueue(), b.lag() / 1024));
        }
        return out.toString();
    }
}
