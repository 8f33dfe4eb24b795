package org.valley.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import javax.management.ObjectName;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.projection.Projection;

/**
 * Heap per registered device, as a node holds it: the {@link DeviceDirectory} (by id and by
 * network id) and the projection's frame track of the device's network id, created the way the
 * node creates it (the projection applying the device's first frame).
 *
 * <p>The devices are shaped as a node holds them after a restart, when they are read back from
 * the store: every text field is its own String (id, name, tenant, network kind and id, codec),
 * and the track is keyed by the network id of an uplink (another String). Devices registered
 * through the API share a few of these (the name defaults to the id), so this is the upper case.
 *
 * <p>Used heap is read from the MemoryMXBean after several {@code System.gc()} calls, before and
 * after; the difference divided by the device count is the figure. A class histogram of the
 * largest contributors follows. Run, after {@code ./mvnw -q -B install -DskipTests}:
 *
 * <pre>{@code
 * java -Xmx4g -cp valley-bench/target/benchmarks.jar org.valley.bench.DeviceMemory [devices, default 1000000]
 * java -Xmx4g -XX:+UseCompactObjectHeaders -cp valley-bench/target/benchmarks.jar org.valley.bench.DeviceMemory
 * }</pre>
 */
public final class DeviceMemory {

    private DeviceMemory() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Instant created = Instant.parse("2026-11-21T00:00:00Z");
        CodecCatalog codecs = new CodecCatalog();
        codecs.install(new CodecDefinition("sensit", "bench", "builtin", "sensit-v3", 1, created));
        DeviceDirectory directory = new DeviceDirectory();
        Projection projection = new Projection(new DiscardingStore(), directory, codecs, InstantSource.system(), 256, 200);

        long empty = usedHeap();
        long t0 = System.nanoTime();
        for (int d = 0; d < n; d++) {
            String id = Fleet.deviceId(d);
            String sigfoxId = Fleet.sigfoxId(d);
            directory.put(new Device(id, new String(id), copy("bench"), new NetworkRef(copy("sigfox"), sigfoxId),
                    copy("sensit"), null, null, null, created.plusMillis(d)));
        }
        long withDirectory = usedHeap();
        byte[] payload = {(byte) 0xae, 0x09, 0x0f, 0x5a};
        long now = System.currentTimeMillis();
        for (int d = 0; d < n; d++) {
            Uplink first = new Uplink(UplinkKind.SIGFOX_DATA, "bench", "sigfox-bench", Fleet.sigfoxId(d), d % 4096,
                    now, now, payload, List.of(new Reception("1D2A", -100.0, 10.0)), false, false, null);
            projection.replay(d, first);
        }
        projection.replayDone();
        long withTracks = usedHeap();
        double seconds = (System.nanoTime() - t0) / 1e9;

        if (directory.size() != n || projection.track("bench", Fleet.sigfoxId(n - 1)) == null) {
            throw new IllegalStateException("not every device and track was made");
        }
        double directoryPerDevice = (double) (withDirectory - empty) / n;
        double trackPerDevice = (double) (withTracks - withDirectory) / n;
        System.out.printf(Locale.ROOT, "%,d devices (JDK %s, %s, max heap %d MiB, built in %.1f s)%n", n, Runtime.version(),
                gcNames(), Runtime.getRuntime().maxMemory() >> 20, seconds);
        System.out.printf(Locale.ROOT, "  used heap: empty %,d B, with directory %,d B, with tracks %,d B%n", empty,
                withDirectory, withTracks);
        System.out.printf(Locale.ROOT, "  directory (Device, NetworkRef, Strings, Instant, 2 map entries): %6.0f B/device%n",
                directoryPerDevice);
        System.out.printf(Locale.ROOT, "  frame track (FrameTrack, map entry, network id String):          %6.0f B/device%n",
                trackPerDevice);
        System.out.printf(Locale.ROOT, "  total:                                                            %6.0f B/device"
                + " (target <= 1024)%n", directoryPerDevice + trackPerDevice);
        System.out.println("largest classes on the heap:");
        histogram(14);
        // Keep both alive until measured.
        if (directory.byId(Fleet.deviceId(0)) == null || projection.framesProjected() != n) {
            throw new IllegalStateException("lost devices");
        }
        projection.close();
    }

    private static String copy(String s) {
        return new String(s.toCharArray());
    }

    private static long usedHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String gcNames() {
        StringBuilder s = new StringBuilder();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(g -> s.append(s.isEmpty() ? "" : "/").append(g.getName()));
        return s.toString();
    }

    private static void histogram(int lines) {
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            text.lines().limit(lines + 2).forEach(l -> System.out.println("  " + l));
        } catch (Exception e) {
            System.out.println("  (no class histogram: " + e.getMessage() + ")");
        }
    }
}
