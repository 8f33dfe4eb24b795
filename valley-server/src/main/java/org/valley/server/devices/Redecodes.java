package org.valley.server.devices;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.valley.device.Device;
import org.valley.projection.Projection;

/**
 * Re-decode jobs: what each one covers, how far it got, and how it ended, so that a client can
 * follow a long run ({@code GET /api/v1/redecodes/{id}}). The last {@value #KEPT} jobs are kept.
 */
public final class Redecodes {

    private static final int KEPT = 1000;

    /** One re-decode of a device's stored frames. */
    public static final class Job implements Projection.RedecodeProgress {
        private final String id;
        private final Device device;
        private final Long from;
        private final Long to;
        private final String codec;
        private final int codecVersion;
        private final Instant startedAt;
        private volatile int frames = -1;
        private volatile int decoded;
        private volatile String status = "running";
        private volatile String error;
        private volatile Instant finishedAt;
        private final java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();

        Job(Device device, Long from, Long to, String codec, int codecVersion, Instant startedAt) {
            this.id = "rd-" + UUID.randomUUID();
            this.device = device;
            this.from = from;
            this.to = to;
            this.codec = codec;
            this.codecVersion = codecVersion;
            this.startedAt = startedAt;
        }

        @Override
        public void found(int count) {
            frames = count;
        }

        @Override
        public void decoded(int soFar) {
            decoded = soFar;
        }

        void finished(Throwable failure, Instant at) {
            if (failure != null) {
                error = failure.getMessage();
                status = "failed";
            } else {
                status = "done";
            }
            finishedAt = at;
            ended.complete(null);
        }

        /** Waits until the job ends or {@code wait} passes, whichever comes first. */
        void await(java.time.Duration wait) {
            try {
                ended.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // still running: the caller reports progress
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public String id() {
            return id;
        }

        public Device device() {
            return device;
        }

        public Long from() {
            return from;
        }

        public Long to() {
            return to;
        }

        public String codec() {
            return codec;
        }

        public int codecVersion() {
            return codecVersion;
        }

        public Instant startedAt() {
            return startedAt;
        }

        /** Frames in the range, or -1 until the projection has listed them. */
        public int frames() {
            return frames;
        }

        public int decoded() {
            return decoded;
        }

        /** {@code running}, {@code done} or {@code failed}. */
        public String status() {
            return status;
        }

        public String error() {
            return error;
        }

        public Instant finishedAt() {
            return finishedAt;
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Projection projection;
    private final InstantSource clock;

    public Redecodes(Projection projection, InstantSource clock) {
        this.projection = projection;
        this.clock = clock;
    }

    Job start(Device device, Long from, Long to, String codec, int codecVersion) {
        Job job = new Job(device, from, to, codec, codecVersion, clock.instant());
        forgetOldest();
        jobs.put(job.id(), job);
        projection.redecode(device, from == null ? Long.MIN_VALUE : from, to == null ? Long.MAX_VALUE : to, job)
                .whenComplete((ok, failure) -> job.finished(failure, clock.instant()));
        return job;
    }

    Job get(String id) {
        return jobs.get(id);
    }

    private void forgetOldest() {
        if (jobs.size() < KEPT) {
            return;
        }
        Job oldest = null;
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext(); ) {
            Job j = it.next();
            if (!j.status().equals("running") && (oldest == null || j.startedAt().isBefore(oldest.startedAt()))) {
                oldest = j;
            }
        }
        if (oldest != null) {
            jobs.remove(oldest.id());
        }
    }
}
