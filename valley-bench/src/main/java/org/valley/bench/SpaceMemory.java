package org.valley.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import org.valley.server.spaces.SpaceDirectory;

/**
 * Heap per space, as a node holds it: the site's records, the occupancy engine's unit, track and
 * live status of the space, and the server's space directory; the bound sensor's device record is
 * measured apart. Two figures: after one reading per space, and after 64 readings per space, when
 * each unit's log of recent observations (kept to replay late readings, at most 64) is full.
 *
 * <pre>{@code
 * java -Xmx4g -cp valley-bench/target/benchmarks.jar org.valley.bench.SpaceMemory [spaces, default 100000]
 * }</pre>
 */
public final class SpaceMemory {

    private SpaceMemory() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long empty = usedHeap();
        SpaceCampus campus = new SpaceCampus(n, SpaceCampus.QUIET);
        SpaceDirectory directory = SpaceDirectory.of(List.of(campus.site));
        long built = usedHeap();
        for (int i = 0; i < n; i++) {
            campus.reading(i, i % 2 == 0);
        }
        long oneReading = usedHeap();
        for (int r = 1; r < 64; r++) {
            campus.now.addAndGet(10_000);
            for (int i = 0; i < n; i++) {
                campus.reading(i, (i + r) % 2 == 0);
            }
        }
        long fullLogs = usedHeap();
        long devices = deviceHeap(n); // the sensors' device records alone, for their share
        System.out.printf(Locale.ROOT, "spaces: %,d (one bound sensor each)%n", n);
        System.out.printf(Locale.ROOT, "heap after the site is put (site, engine units, directory, devices): %,d B/space%n",
                (built - empty) / n);
        System.out.printf(Locale.ROOT, "  of which the sensor's device record: %,d B/space%n", devices / n);
        System.out.printf(Locale.ROOT, "after one reading per space: %,d B/space (without the device: %,d)%n",
                (oneReading - empty) / n, (oneReading - empty - devices) / n);
        System.out.printf(Locale.ROOT, "after 64 readings per space (replay logs full): %,d B/space (without the device: %,d)%n",
                (fullLogs - empty) / n, (fullLogs - empty - devices) / n);
        if (campus.engine.status(SpaceCampus.spaceId(n - 1)) == null || directory.spacesOf(SpaceCampus.TENANT).size() != n) {
            throw new IllegalStateException("the campus is not whole");
        }
    }

    /** Heap of {@code n} device records like the campus's, measured alone. */
    private static long deviceHeap(int n) throws Exception {
        long before = usedHeap();
        org.valley.device.DeviceDirectory d = new org.valley.device.DeviceDirectory();
        for (int i = 0; i < n; i++) {
            String id = String.format("dev-%06d", i);
            d.put(new org.valley.device.Device(id, id, "bench", new org.valley.device.NetworkRef("http", id), null,
                    SpaceCampus.spaceId(i), "motion", null, SpaceCampus.START));
        }
        long after = usedHeap();
        if (d.size() != n) {
            throw new IllegalStateException();
        }
        return after - before;
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
