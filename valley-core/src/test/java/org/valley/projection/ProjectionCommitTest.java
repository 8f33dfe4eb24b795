package org.valley.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.store.ProjectionStore;

class ProjectionCommitTest {

    /** A store that keeps nothing, counts the commits and notes what it was told of a frame, in order. */
    private static final class CountingStore implements ProjectionStore {
        final AtomicInteger commits = new AtomicInteger();
        final List<String> calls = new ArrayList<>();
        final List<String> decoders = new ArrayList<>();
        int readings;

        @Override
        public Resume open() {
            return new Resume(-1, List.of());
        }

        @Override
        public void frame(long position, Uplink uplink, long extended, boolean restart) {
            calls.add("frame " + extended);
        }

        @Override
        public void reception(long position, Uplink uplink, long extended, Reception reception, boolean fromAdvanced) {
            calls.add("reception " + reception.station());
        }

        @Override
        public void frameMeta(Uplink uplink, long extended) {}

        @Override
        public void labels(long position, Uplink uplink) {
            calls.add("labels " + uplink.labels());
        }

        @Override
        public void decode(String tenant, String networkId, long extended, String deviceId, String codecId,
                int codecVersion, String decodedJson, String error, long at) {
            calls.add("decode " + extended);
            decoders.add(extended + " " + deviceId + "/" + codecId);
        }

        @Override
        public void reading(String deviceId, long ts, String key, Object value, long extended) {
            readings++;
        }

        @Override
        public void supersedeDecode(String tenant, String networkId, long extended, String deviceId) {}

        @Override
        public void commit(long appliedPosition) {
            commits.incrementAndGet();
        }

        @Override
        public boolean hasFrame(String tenant, String networkId, long extended) {
            return false;
        }

        @Override
        public List<StoredFrame> frames(String tenant, String networkId) {
            return List.of();
        }
    }

    private static Projection.Entry entry(int i) {
        return new Projection.Entry(i * 100L, new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "AB", i % 4096,
                1_763_719_200_000L + i * 1000L, 1_763_719_201_000L + i * 1000L, new byte[] {(byte) i},
                List.of(new Reception("1D2A", -120.0, 8.0)), false, false, null));
    }

    private static final Instant CREATED = Instant.parse("2026-12-07T00:00:00Z");

    /** A projection into {@code store} where Sigfox id AB is door-1 of tenant acme, decoded by the built-in Sens'it codec. */
    private static Projection withSensitDoor(CountingStore store, DeviceDirectory devices) {
        devices.put(new Device("door-1", "door-1", "acme", new NetworkRef("sigfox", "AB"), "sensit", null, null, null,
                CREATED));
        CodecCatalog codecs = new CodecCatalog();
        codecs.install(new CodecDefinition("sensit", "acme", "builtin", "sensit-v3", 1, CREATED));
        return new Projection(store, devices, codecs, InstantSource.fixed(CREATED), 16, 1_000);
    }

    /** A delivery of door-1's frame 5 (a Sens'it frame), received at {@code receivedAt}. */
    private static Uplink sensitFrame(long receivedAt, boolean duplicate, Reception... receptions) {
        return new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "AB", 5, 1_763_719_200_000L, receivedAt,
                new byte[] {(byte) 0xAE, 0x1A, 0x00, 0x01}, List.of(receptions), duplicate, false, null);
    }

    /**
     * A new frame is told to the store first, then the receptions of the delivery that brought it,
     * then its decode: the embedded store keeps the first reception and the decode on the frame's
     * row, which it can only do in that order. A later delivery brings its reception alone.
     */
    @Test
    void aNewFrame_reachesTheStoreBeforeItsReceptionsAndItsDecode() {
        CountingStore store = new CountingStore();
        Projection projection = withSensitDoor(store, new DeviceDirectory());
        projection.replay(100, sensitFrame(1_763_719_201_000L, false, new Reception("1D2A", -120.0, 8.0),
                new Reception("0B3F", -110.0, 9.0)));
        projection.replay(160, sensitFrame(1_763_719_201_050L, true, new Reception("C3D4", -131.0, 2.5)));
        assertThat(store.calls).containsExactly("frame 5", "reception 1D2A", "reception 0B3F", "decode 5",
                "reception C3D4");
        projection.close();
    }

    /**
     * The readings counted are those the store was handed and that a commit covers: a frame's
     * decoded values and readings sent as JSON, not a duplicate delivery, and not before the commit.
     */
    @Test
    void readingsStored_countsEachValueHandedToTheStore_onceCommitted() {
        CountingStore store = new CountingStore();
        DeviceDirectory devices = new DeviceDirectory();
        NetworkRef desk = new NetworkRef("http", "desk-1");
        devices.put(new Device("desk-1", "desk-1", "acme", desk, null, null, null, null, CREATED));
        Projection projection = withSensitDoor(store, devices);
        projection.replay(100, sensitFrame(1_763_719_201_000L, false, new Reception("1D2A", -120.0, 8.0)));
        int fromTheFrame = store.readings;
        assertThat(fromTheFrame).as("a Sens'it frame's values").isGreaterThan(3);
        projection.replay(200, sensitFrame(1_763_719_201_050L, true, new Reception("0B3F", -110.0, 9.0)));
        byte[] json = "[{\"ts\":1763719200000,\"values\":{\"temperature\":21.5,\"seat\":{\"taken\":true}}}]"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        projection.replay(300, new Uplink(UplinkKind.JSON_VALUES, "acme", "http-1", desk.id(), Uplink.NO_SEQ,
                1_763_719_200_000L, 1_763_719_202_000L, json, List.of(), false, false, null));
        assertThat(store.readings).as("the duplicate adds none; the JSON adds its two values").isEqualTo(fromTheFrame + 2);
        assertThat(projection.readingsStored()).as("nothing committed yet").isZero();
        projection.replayDone();
        assertThat(projection.readingsStored()).isEqualTo(store.readings);
        projection.close();
    }

    /**
     * Each frame is decoded by the device registered for its network id when it is applied, through
     * a registration, a codec change, a removal and a registration under another tenant.
     */
    @Test
    void eachFrame_isDecodedByTheDeviceRegisteredWhenItIsApplied() {
        CountingStore store = new CountingStore();
        DeviceDirectory devices = new DeviceDirectory();
        Instant created = Instant.parse("2026-12-07T00:00:00Z");
        CodecCatalog codecs = new CodecCatalog();
        codecs.install(new CodecDefinition("sensit", "acme", "builtin", "sensit-v3", 1, created));
        codecs.install(new CodecDefinition("sensit-b", "acme", "builtin", "sensit-v3", 1, created));
        Projection projection = new Projection(store, devices, codecs, InstantSource.fixed(created), 16, 1_000);
        NetworkRef ab = new NetworkRef("sigfox", "AB");
        int[] seq = {0};
        Runnable frame = () -> {
            int n = ++seq[0];
            projection.replay(n * 100L, new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "AB", n,
                    1_763_719_200_000L + n * 600_000L, 1_763_719_201_000L + n * 600_000L,
                    new byte[] {(byte) 0xAE, 0x1A, 0x00, 0x01}, List.of(new Reception("1D2A", -120.0, 8.0)), false,
                    false, null));
        };
        frame.run(); // 1: nobody's
        devices.put(new Device("door-1", "door-1", "acme", ab, "sensit", null, null, null, created));
        frame.run();
        frame.run();
        devices.put(new Device("door-1", "door-1", "acme", ab, "sensit-b", null, null, null, created));
        frame.run();
        devices.remove("door-1");
        frame.run(); // 5: nobody's again
        devices.put(new Device("door-2", "door-2", "other", ab, "sensit", null, null, null, created));
        frame.run(); // 6: the id is another tenant's now
        devices.remove("door-2");
        devices.put(new Device("door-3", "door-3", "acme", ab, "sensit", null, null, null, created));
        frame.run();
        assertThat(store.decoders).containsExactly("2 door-1/sensit", "3 door-1/sensit", "4 door-1/sensit-b",
                "7 door-3/sensit");
        projection.close();
    }

    private static Uplink chirpstack(long fCnt, long at, String dedup, String labels) {
        return new Uplink(UplinkKind.CHIRPSTACK_UPLINK, "acme", "chirpstack-1", "A84041000181C0DE", fCnt, at, at + 40,
                new byte[] {1}, List.of(new Reception("gw-1", -80.0, 7.0)), false, false, "{\"network\":\"chirpstack\"}", 2,
                "01ab23cd", dedup, labels);
    }

    /**
     * A device's labels reach the store before the frame that brought them, and only when they
     * differ from the ones before: not for frames that repeat them, not for a second delivery of a
     * frame, and once more for the first frame after a restart, whose track starts without them.
     */
    @Test
    void labels_reachTheStoreWhenTheyChange_beforeTheirFrame() {
        String hall = "{\"deviceName\":\"hall\"}";
        String lobby = "{\"deviceName\":\"lobby\"}";
        CountingStore store = new CountingStore();
        Projection projection = new Projection(store, new DeviceDirectory(), new CodecCatalog(),
                InstantSource.fixed(Instant.parse("2026-12-07T00:00:00Z")), 16, 1_000);
        long t = 1_765_000_000_000L;
        projection.replay(100, chirpstack(1, t, "k1", hall));
        projection.replay(110, chirpstack(1, t, "k1", hall));
        projection.replay(200, chirpstack(2, t + 60_000, "k2", hall));
        projection.replay(300, chirpstack(3, t + 120_000, "k3", lobby));
        projection.replay(400, chirpstack(4, t + 180_000, "k4", null));
        projection.replay(500, chirpstack(5, t + 240_000, "k5", lobby));
        assertThat(store.calls).containsExactly("labels " + hall, "frame 1", "reception gw-1", "reception gw-1",
                "frame 2", "reception gw-1", "labels " + lobby, "frame 3", "reception gw-1", "frame 4", "reception gw-1",
                "frame 5", "reception gw-1");
        projection.close();

        CountingStore restarted = new CountingStore();
        Projection again = new Projection(restarted, new DeviceDirectory(), new CodecCatalog(),
                InstantSource.fixed(Instant.parse("2026-12-07T00:00:00Z")), 16, 1_000);
        again.replay(600, chirpstack(6, t + 300_000, "k6", lobby));
        assertThat(restarted.calls).containsExactly("labels " + lobby, "frame 6", "reception gw-1");
        again.close();
    }

    /**
     * A reader waiting for the journal's end while the projection catches up on 3,000 entries makes
     * one commit when that end is applied, not one per 256 entries: each commit is a transaction of
     * the store, and a reader polling throughout a long catch-up kept it committing for nothing.
     */
    @Test
    void aReaderWaitingForAPositionFarAhead_doesNotMakeTheCatchUpCommitBeforeItCanBeAnswered() throws Exception {
        CountingStore store = new CountingStore();
        // a clock that stands still: no commit falls due by the interval
        Projection projection = new Projection(store, new DeviceDirectory(), new CodecCatalog(),
                InstantSource.fixed(Instant.parse("2026-12-07T00:00:00Z")), 1, 1_000);
        List<Projection.Entry> journal = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            journal.add(entry(i));
        }
        CountDownLatch reachedMiddle = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        projection.catchUpFrom((from, consumer) -> {
            for (Projection.Entry e : journal) {
                if (e.position() < from) {
                    continue;
                }
                if (e.position() == 1_000 * 100L && reachedMiddle.getCount() > 0) {
                    reachedMiddle.countDown();
                    try {
                        goOn.await();
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                consumer.accept(e.position(), e.uplink());
            }
        });
        projection.start();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        projection.submit(() -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        // the queue holds one entry: the rest find it full, and the projection reads them from the journal
        for (Projection.Entry e : journal) {
            projection.accept(List.of(e));
        }
        release.countDown();
        assertThat(reachedMiddle.await(10, TimeUnit.SECONDS)).isTrue();
        long end = journal.get(journal.size() - 1).position();
        CompletableFuture<Long> reader = projection.awaitApplied(end);
        int before = store.commits.get();
        goOn.countDown();

        assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(end);
        assertThat(store.commits.get() - before).as("commits while the reader waited").isLessThanOrEqualTo(2);
        assertThat(projection.framesProjected()).isEqualTo(3_000);
        assertThat(projection.commits()).isEqualTo(store.commits.get());
        projection.close();
    }
}
