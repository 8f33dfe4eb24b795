package org.valley.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.store.FrameQueries;
import org.valley.store.FrameQueries.FrameView;
import org.valley.store.FrameQueries.ReadingView;
import org.valley.store.ProjectionStore;

/**
 * The history queries look for the newest frames and readings in growing windows back from now
 * (decision 21), as do those of unclaimed frames; whatever the spread of the history, they answer
 * what a scan of everything answers.
 */
class EmbeddedQueriesTest {

    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    /** A frame as written: its time, number, and the value its reading holds. */
    private record Written(String networkId, long time, long ext, double value) {}

    private static Uplink uplink(String networkId, long ext, long time, long receivedAt, String station) {
        return new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", networkId, ext % 4096, time, receivedAt,
                new byte[] {(byte) ext}, List.of(new Reception(station, -120.0, 8.0)), false, false, null,
                Uplink.NO_PORT, null, null);
    }

    @Test
    void framesAndReadings_spreadOverYearsAndIntoTheFuture_answerAsAScanOfEverythingWould() throws Exception {
        long now = System.currentTimeMillis();
        // ages in days: hours ago, a few days, weeks, months, years (beyond the last window), and ahead of now
        double[] ages = {0.01, 0.2, 0.9, 1.5, 3, 7.5, 9, 20, 63, 70, 200, 511, 600, 1_500, 2_000, -0.5, -3};
        SplittableRandom random = new SplittableRandom(5);
        List<Written> written = new ArrayList<>();
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            long position = 0;
            String[] ids = {"A1", "B2", "C3"};
            for (int d = 0; d < ids.length; d++) {
                // each device has its own part of the ages, so one is silent for years and one only recent
                List<Long> times = new ArrayList<>();
                for (int i = 0; i < ages.length; i++) {
                    if (d == 0 || (d == 1 && ages[i] < 30) || (d == 2 && ages[i] > 100)) {
                        for (int k = 0; k < 1 + random.nextInt(4); k++) {
                            times.add(now - (long) (ages[i] * DAY) - random.nextInt(3_600_000));
                        }
                    }
                }
                times.sort(Comparator.naturalOrder());
                long ext = 0;
                for (long time : times) {
                    // received as the network sends it, but never before the frame's own time
                    long received = time + 1_500;
                    Uplink u = uplink(ids[d], ext, time, received, "1D2A");
                    double value = random.nextInt(1000) / 10.0;
                    p.frame(position, u, ext, false);
                    p.reception(position, u, ext, u.receptions().get(0), false);
                    p.decode("acme", ids[d], ext, "dev-" + ids[d], "c", 1, "{\"v\":" + value + "}", null, received + 5);
                    p.reading("dev-" + ids[d], time, "v", value, ext);
                    // a second delivery, stamped a little earlier than the first by another event loop's clock
                    Uplink again = uplink(ids[d], ext, time, received - 20, "0B3F");
                    p.reception(position + 100, again, ext, again.receptions().get(0), false);
                    written.add(new Written(ids[d], time, ext, value));
                    position += 200;
                    ext++;
                }
            }
            p.commit(position);

            FrameQueries q = store.queries();
            int checked = 0;
            for (String id : ids) {
                List<Written> mine = written.stream().filter(w -> w.networkId().equals(id))
                        .sorted(Comparator.comparingLong(Written::time).reversed()).toList();
                Long[] bounds = {null, now - 2 * DAY, now - 100 * DAY, now - 5_000 * DAY, now + DAY, now - 600 * DAY};
                for (int limit : new int[] {1, 3, 7, 100}) {
                    for (Long from : bounds) {
                        for (Long to : bounds) {
                            List<Written> expected = mine.stream()
                                    .filter(w -> from == null || w.time() >= from)
                                    .filter(w -> to == null || w.time() < to).limit(limit).toList();
                            List<FrameView> frames = q.frames("acme", id, from, to, limit);
                            assertThat(frames).as("%s from %s to %s limit %d", id, from, to, limit)
                                    .extracting(FrameView::extended)
                                    .containsExactlyElementsOf(expected.stream().map(Written::ext).toList());
                            for (FrameView f : frames) {
                                assertThat(f.receptions()).as("receptions of %s", f.extended())
                                        .extracting(FrameQueries.ReceptionView::station)
                                        .containsExactlyInAnyOrder("1D2A", "0B3F");
                                assertThat(f.decodedJson()).startsWith("{\"v\":");
                            }
                            List<ReadingView> readings = q.readings("dev-" + id, null, from, to, limit);
                            assertThat(readings).as("readings of %s from %s to %s limit %d", id, from, to, limit)
                                    .extracting(ReadingView::ts)
                                    .containsExactlyElementsOf(expected.stream().map(Written::time).toList());
                            assertThat(readings).extracting(ReadingView::value)
                                    .containsExactlyElementsOf(expected.stream().map(w -> (Object) w.value()).toList());
                            checked += expected.size();
                            if (limit == 1) {
                                // the frames a re-decode of [from, to) reads, oldest first
                                long lo = from == null ? Long.MIN_VALUE : from;
                                long hi = to == null ? Long.MAX_VALUE : to;
                                assertThat(p.frames("acme", id, lo, hi)).as("stored frames of %s in [%s, %s)", id, from, to)
                                        .extracting(ProjectionStore.StoredFrame::extended)
                                        .containsExactlyElementsOf(mine.stream().filter(w -> w.time() >= lo && w.time() < hi)
                                                .sorted(Comparator.comparingLong(Written::time)).map(Written::ext).toList());
                            }
                        }
                    }
                }
            }
            assertThat(checked).isGreaterThan(500);

            // only B2 is registered: A1's and C3's frames are unclaimed, the newest received first
            store.catalog().putDevice(new org.valley.device.Device("dev-B2", "dev-B2", "acme",
                    new org.valley.device.NetworkRef("sigfox", "B2"), null, null, null, null, java.time.Instant.now()));
            List<Written> unclaimed = written.stream().filter(w -> !w.networkId().equals("B2"))
                    .sorted(Comparator.comparingLong(Written::time).reversed()).toList();
            for (int limit : new int[] {1, 5, 12, 1_000}) {
                List<String> expected = unclaimed.stream().limit(limit).map(w -> w.networkId() + "#" + w.ext()).toList();
                for (String tenant : new String[] {"acme", null}) {
                    assertThat(q.unclaimed(tenant, limit)).as("unclaimed of %s, limit %d", tenant, limit)
                            .extracting(f -> f.networkId() + "#" + f.extended()).containsExactlyElementsOf(expected);
                }
            }
            assertThat(q.unclaimed("other", 10)).isEmpty();
        }
    }

    @Test
    void aLaterDecode_replacesTheFirstInTheFramesQuery_evenForAFrameYearsOld() throws Exception {
        long now = System.currentTimeMillis();
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            long old = now - 900 * DAY;
            Uplink u = uplink("D4", 1, old, old + 1_000, "1D2A");
            p.frame(0, u, 1, false);
            p.reception(0, u, 1, u.receptions().get(0), false);
            p.decode("acme", "D4", 1, "dev-D4", "c", 1, "{\"v\":1}", null, old + 1_100);
            p.commit(0);
            assertThat(store.queries().frames("acme", "D4", null, null, 10)).singleElement()
                    .satisfies(f -> assertThat(f.decodedJson()).isEqualTo("{\"v\":1}"))
                    .satisfies(f -> assertThat(f.codecVersion()).isEqualTo(1));
            // decoded again today with version 2 of the codec
            p.supersedeDecode("acme", "D4", 1, "dev-D4");
            p.decode("acme", "D4", 1, "dev-D4", "c", 2, null, "field 'v': out of range", now);
            p.commit(100);
            assertThat(store.queries().frames("acme", "D4", null, null, 10)).singleElement()
                    .satisfies(f -> assertThat(f.decodedJson()).isNull())
                    .satisfies(f -> assertThat(f.decodeError()).isEqualTo("field 'v': out of range"))
                    .satisfies(f -> assertThat(f.codecVersion()).isEqualTo(2));

            // a frame whose first decode stays on its row while a later one is added beside it: the later is shown
            Uplink v = uplink("D4", 2, old + 600_000, old + 601_000, "1D2A");
            p.frame(200, v, 2, false);
            p.reception(200, v, 2, v.receptions().get(0), false);
            p.decode("acme", "D4", 2, "dev-D4", "c", 1, "{\"v\":2}", null, old + 601_100);
            p.decode("acme", "D4", 2, "dev-D4", "c", 3, "{\"v\":3}", null, now);
            p.commit(300);
            assertThat(store.queries().frames("acme", "D4", null, null, 1)).singleElement()
                    .satisfies(f -> assertThat(f.extended()).isEqualTo(2))
                    .satisfies(f -> assertThat(f.decodedJson()).isEqualTo("{\"v\":3}"))
                    .satisfies(f -> assertThat(f.codecVersion()).isEqualTo(3));
        }
    }
}
