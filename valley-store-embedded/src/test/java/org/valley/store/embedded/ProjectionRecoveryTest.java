package org.valley.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.journal.Journal;
import org.valley.journal.JournalConfig;
import org.valley.projection.Projection;
import org.valley.store.ProjectionStore;

/**
 * The projection, fed by a real journal, writing to a real embedded store that fails on demand: in
 * the middle of a batch, at a commit, and for a while at every call. After each failure the store
 * discards what it held, the projection takes its tracks again and applies the journal again from
 * the last commit; at the end the store holds exactly what a run without failures holds, and each
 * frame was told to the decode listeners once.
 */
class ProjectionRecoveryTest {

    private static final String TENANT = "acme";
    private static final int DEVICES = 12;
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    @TempDir
    Path dir;

    /** Passes every call to the embedded store, unless told to fail. */
    private static final class FailingStore implements ProjectionStore {
        final ProjectionStore store;
        /** Fail the call that brings this countdown to zero (when positive). */
        final AtomicInteger failAtCall = new AtomicInteger();
        /** Commits still to fail, each after the rows of its batch were written. */
        final AtomicInteger failCommits = new AtomicInteger();
        /** While set, every call fails, reopening included. */
        volatile boolean down;
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger reopened = new AtomicInteger();

        FailingStore(ProjectionStore store) {
            this.store = store;
        }

        private void maybeFail(String what) {
            if (down || failAtCall.get() > 0 && failAtCall.decrementAndGet() == 0) {
                failed.incrementAndGet();
                throw new StoreException(what + " (made to fail by the test)", new java.sql.SQLException("disk full"));
            }
        }

        @Override
        public Resume open() {
            return store.open();
        }

        @Override
        public Resume reopen() {
            maybeFail("reopening");
            reopened.incrementAndGet();
            return store.reopen();
        }

        @Override
        public void frame(long position, Uplink uplink, long extended, boolean restart) {
            maybeFail("frame");
            store.frame(position, uplink, extended, restart);
        }

        @Override
        public void reception(long position, Uplink uplink, long extended, Reception reception, boolean fromAdvanced) {
            maybeFail("reception");
            store.reception(position, uplink, extended, reception, fromAdvanced);
        }

        @Override
        public void frameMeta(Uplink uplink, long extended) {
            store.frameMeta(uplink, extended);
        }

        @Override
        public void labels(long position, Uplink uplink) {
            maybeFail("labels");
            store.labels(position, uplink);
        }

        @Override
        public void decode(String tenant, String networkId, long extended, String deviceId, String codecId,
                int codecVersion, String decodedJson, String error, long at) {
            maybeFail("decode");
            store.decode(tenant, networkId, extended, deviceId, codecId, codecVersion, decodedJson, error, at);
        }

        @Override
        public void reading(String deviceId, long ts, String key, Object value, long extended) {
            maybeFail("reading");
            store.reading(deviceId, ts, key, value, extended);
        }

        @Override
        public void supersedeDecode(String tenant, String networkId, long extended, String deviceId) {
            store.supersedeDecode(tenant, networkId, extended, deviceId);
        }

        @Override
        public void commit(long appliedPosition) {
            maybeFail("commit");
            if (failCommits.get() > 0 && failCommits.getAndDecrement() > 0) {
                failed.incrementAndGet();
                throw new StoreException("committing (made to fail by the test)", new java.sql.SQLException("disk full"));
            }
            store.commit(appliedPosition);
        }

        @Override
        public boolean hasFrame(String tenant, String networkId, long extended) {
            return store.hasFrame(tenant, networkId, extended);
        }

        @Override
        public String frameKey(String tenant, String networkId, long extended) {
            return store.frameKey(tenant, networkId, extended);
        }

        @Override
        public List<StoredFrame> frames(String tenant, String networkId) {
            return store.frames(tenant, networkId);
        }
    }

    /** Frame {@code n} of a device, as delivered by base station {@code delivery} (the second is a duplicate). */
    private static Uplink uplink(int device, int n, int delivery) {
        long time = T0.toEpochMilli() + n * 600_000L;
        // Sens'it v3, temperature mode; the temperature moves with the frame number
        byte[] payload = {(byte) 0xAE, 0x1A, (byte) (n % 64), 0x01};
        return new Uplink(UplinkKind.SIGFOX_DATA, TENANT, "sigfox-1", networkId(device), n, time,
                time + 1_000 + delivery * 40L, payload,
                List.of(new Reception(delivery == 0 ? "1D2A" : "0B3F", -120.0 + delivery, 8.0 - delivery)),
                delivery > 0, false, null, Uplink.NO_PORT, null, null);
    }

    private static String networkId(int device) {
        return String.format("%06X", 0xC0FFEE + device);
    }

    private static DeviceDirectory devices() {
        DeviceDirectory directory = new DeviceDirectory();
        for (int d = 0; d < DEVICES; d++) {
            directory.put(new Device("door-" + d, "door-" + d, TENANT, new NetworkRef("sigfox", networkId(d)), "sensit",
                    null, null, null, T0));
        }
        return directory;
    }

    private static CodecCatalog codecs() {
        CodecCatalog codecs = new CodecCatalog();
        codecs.install(new CodecDefinition("sensit", TENANT, "builtin", "sensit-v3", 1, T0));
        return codecs;
    }

    /** A node's worth of wiring: the journal hands its durable batches to the projection, which reads it when behind. */
    private static final class Node implements AutoCloseable {
        final EmbeddedStore embedded;
        final FailingStore store;
        final Projection projection;
        final Journal journal;
        final List<String> told = Collections.synchronizedList(new ArrayList<>());

        Node(Path dir, int queue) throws Exception {
            embedded = EmbeddedStore.open(dir.resolve("store"));
            store = new FailingStore(embedded.projection());
            projection = new Projection(store, devices(), codecs(), InstantSource.system(), queue, 50);
            journal = Journal.open(dir.resolve("journal"), JournalConfig.defaults(), batch -> {
                List<Projection.Entry> entries = new ArrayList<>(batch.size());
                for (org.valley.journal.Entry e : batch) {
                    entries.add(new Projection.Entry(e.position(), e.uplink()));
                }
                projection.accept(entries);
            });
            projection.catchUpFrom(journal::replay);
            projection.addFrameListener((device, frame, time, values) -> told.add(device.id() + "#" + frame));
            projection.start();
        }

        /** Appends frames [from, to) of every device, two deliveries each; returns once all are durable. */
        long append(int from, int to) throws Exception {
            int count = (to - from) * DEVICES * 2;
            CountDownLatch durable = new CountDownLatch(count);
            AtomicReference<Throwable> error = new AtomicReference<>();
            long[] last = {-1};
            for (int n = from; n < to; n++) {
                for (int d = 0; d < DEVICES; d++) {
                    for (int delivery = 0; delivery < 2; delivery++) {
                        Uplink u = uplink(d, n, delivery);
                        while (!journal.tryAppend(u, (position, e) -> {
                            if (e != null) {
                                error.set(e);
                            }
                            synchronized (last) {
                                last[0] = Math.max(last[0], position);
                            }
                            durable.countDown();
                        })) {
                            Thread.sleep(1);
                        }
                    }
                }
            }
            assertThat(durable.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(error.get()).isNull();
            synchronized (last) {
                return last[0];
            }
        }

        @Override
        public void close() {
            projection.close();
            journal.close();
            embedded.close();
        }
    }

    @Test
    void aStoreThatFailsMidBatch_atACommit_andForAWhile_endsWithExactlyWhatARunWithoutFailuresStores() throws Exception {
        Path clean = dir.resolve("clean");
        Path failing = dir.resolve("failing");
        long end;
        long readings;
        try (Node node = new Node(clean, 4_096)) {
            end = node.append(0, 40);
            node.projection.awaitApplied(end).get(30, TimeUnit.SECONDS);
            assertThat(node.projection.storeFailures()).isZero();
            assertThat(node.projection.decodeErrors()).isZero();
            readings = node.projection.readingsStored();
            assertThat(readings).isPositive();
        }

        List<String> told;
        try (Node node = new Node(failing, 16)) {
            long at = node.append(0, 8);
            node.projection.awaitApplied(at).get(30, TimeUnit.SECONDS);

            // a write in the middle of a batch fails: the rows before it in the batch are discarded
            node.store.failAtCall.set(150);
            at = node.append(8, 16);
            node.projection.awaitApplied(at).get(30, TimeUnit.SECONDS);
            assertThat(node.store.failed.get()).isEqualTo(1);

            // two commits in a row fail, after the rows of their batch reached the appenders
            node.store.failCommits.set(2);
            at = node.append(16, 24);
            CompletableFuture<Long> reader = node.projection.awaitApplied(at);
            assertThat(reader.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(at);
            assertThat(node.store.failed.get()).isEqualTo(3);

            // the store is down for a while, reopening included: the journal goes on acknowledging
            // (the projection's queue of 16 overflows, so it reads the journal once the store is back).
            // Two appends, each durable before the next: at least two journal batches of 96 uplinks, of
            // which the first takes the whole queue and the second finds it full, however the journal
            // groups its forces
            node.store.down = true;
            node.append(24, 28);
            at = node.append(28, 32);
            CompletableFuture<Long> waiting = node.projection.awaitApplied(at);
            CompletableFuture<Void> task = node.projection.submit(() -> {});
            Thread.sleep(600);
            assertThat(waiting).isNotDone();
            assertThat(node.projection.appliedPosition()).isLessThan(at);
            node.store.down = false;
            assertThat(waiting.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(at);
            task.get(10, TimeUnit.SECONDS);
            assertThat(node.projection.catchUps()).as("batches found the queue full while the store was down")
                    .isPositive();

            at = node.append(32, 40);
            node.projection.awaitApplied(at).get(30, TimeUnit.SECONDS);
            assertThat(at).isEqualTo(end);
            assertThat(node.projection.storeFailures()).isGreaterThanOrEqualTo(4);
            assertThat(node.store.reopened.get()).isGreaterThanOrEqualTo(4);
            assertThat(node.projection.framesProjected()).isEqualTo(40L * DEVICES);
            assertThat(node.projection.decodeErrors()).isZero();
            assertThat(node.projection.readingsStored()).as("readings applied again after a failure count once")
                    .isEqualTo(readings);
            for (int d = 0; d < DEVICES; d++) {
                var track = node.projection.track(TENANT, networkId(d));
                assertThat(track.frames()).isEqualTo(40);
                assertThat(track.duplicates()).isEqualTo(40);
                assertThat(track.lost()).isZero();
            }
            told = new ArrayList<>(node.told);
        }
        assertThat(told).hasSize(40 * DEVICES).doesNotHaveDuplicates();

        for (String query : new String[] {
            "select tenant, network_id, seq, ext, journal_position, payload from frames",
            "select tenant, network_id, ext, station, rssi, snr, duplicate, journal_position from receptions",
            "select tenant, network_id, ext, device_id, codec_id, decoded, error from decodes",
            "select d.device_id, r.ts, r.ext, r.keys, r.nums, r.kinds, r.strs from reading_sets r "
                    + "join reading_devices d on d.no = r.device_no",
            "select no, key from reading_keys",
            "select no, device_id from reading_devices",
        }) {
            List<String> expected = rows(clean, query);
            assertThat(expected).as(query).isNotEmpty();
            assertThat(rows(failing, query)).as(query).isEqualTo(expected);
        }
        assertThat(rows(failing, "select count(*) from frames")).containsExactly(40 * DEVICES + "|");

        // and a restart finds the same tracks
        try (EmbeddedStore store = EmbeddedStore.open(failing.resolve("store"))) {
            ProjectionStore.Resume resume = store.projection().open();
            assertThat(resume.appliedPosition()).isEqualTo(end);
            assertThat(resume.tracks()).hasSize(DEVICES).allSatisfy(t -> {
                assertThat(t.frames()).isEqualTo(40);
                assertThat(t.duplicates()).isEqualTo(40);
                assertThat(t.lost()).isZero();
            });
        }
    }

    private static List<String> rows(Path node, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + node.resolve("store").resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(query + " order by all")) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    Object v = r.getObject(i);
                    row.append(v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(v))
                            .append('|');
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
