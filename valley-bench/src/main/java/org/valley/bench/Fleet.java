package org.valley.bench;

import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;

/**
 * Simulated Sens'it v3 devices on Sigfox, as the demo {@code Simulator} plays them: even devices in
 * door mode, odd ones in temperature mode; each frame is heard by one to three base stations.
 * Not thread-safe.
 */
final class Fleet {

    static final int SEQ_MODULUS = 4096;
    private static final byte[][] STATIONS = {
        CallbackBodies.ascii("1D2A"), CallbackBodies.ascii("0B4F"), CallbackBodies.ascii("27C3"), CallbackBodies.ascii("3E10")
    };

    private final int size;
    private final byte[][] ids;
    private final int[] counters;
    private final SplittableRandom random;

    Fleet(int size, long seed) {
        this.size = size;
        this.ids = new byte[size][];
        this.counters = new int[size];
        this.random = new SplittableRandom(seed);
        for (int d = 0; d < size; d++) {
            ids[d] = CallbackBodies.ascii(sigfoxId(d));
        }
    }

    int size() {
        return size;
    }

    /** Device {@code d}'s Sigfox id: 0x100000 + d in upper-case hex. */
    static String sigfoxId(int d) {
        return Integer.toHexString(0x100000 + d).toUpperCase(Locale.ROOT);
    }

    /** Device {@code d}'s id in Valley. */
    static String deviceId(int d) {
        return String.format(Locale.ROOT, "bench-%07d", d);
    }

    /** The first {@code devices} of a fleet registered in the bench tenant with the built-in Sens'it v3 codec. */
    static DeviceDirectory directory(int devices, Instant created) {
        DeviceDirectory directory = new DeviceDirectory();
        for (int d = 0; d < devices; d++) {
            String id = deviceId(d);
            directory.put(new Device(id, id, PipelineBench.TENANT,
                    new NetworkRef("sigfox", sigfoxId(d)), "sensit", null, null, null, created));
        }
        return directory;
    }

    /** The codecs the fleet's devices name: the built-in Sens'it v3 one, in the bench tenant. */
    static CodecCatalog codecs(Instant created) {
        CodecCatalog codecs = new CodecCatalog();
        codecs.install(new CodecDefinition("sensit", PipelineBench.TENANT, "builtin", "sensit-v3", 1,
                created));
        return codecs;
    }

    byte[] idBytes(int d) {
        return ids[d];
    }

    SplittableRandom random() {
        return random;
    }

    /** How many base stations hear the next frame: 1 to 3, uniformly (2 on average). */
    int deliveries() {
        return 1 + random.nextInt(3);
    }

    /** The next frame's payload of device {@code d}: a Sens'it v3 door or temperature frame. */
    byte[] payload(int d) {
        int battery = 20 + random.nextInt(10);
        if (d % 2 == 0) {
            counters[d]++;
            int state = random.nextBoolean() ? 3 : 2;
            return new byte[] {(byte) ((battery << 3) | 0b110), (byte) ((3 << 3) | state), (byte) (counters[d] >> 8),
                (byte) counters[d]};
        }
        double celsius = 19 + random.nextInt(60) / 10.0;
        int raw = (int) Math.round(celsius * 8 + 200);
        int humidity = 70 + random.nextInt(40);
        return new byte[] {(byte) ((battery << 3) | 0b110), (byte) ((1 << 3) | (raw >> 8)), (byte) raw, (byte) humidity};
    }

    /** Writes delivery {@code station} (0 = the first, the others flagged duplicate) of a frame. */
    void body(CallbackBodies out, int d, long epochSeconds, byte[] payload, int seq, int station) {
        int rssiCenti = -(9000 + random.nextInt(400) * 10);
        int snrCenti = 500 + random.nextInt(300) * 10;
        out.body(ids[d], epochSeconds, payload, seq, STATIONS[(d + station) % STATIONS.length], rssiCenti, snrCenti,
                station > 0, random.nextBoolean());
    }

    /** Frames the server holds against frames acknowledged, over every device of the fleet. */
    record Counts(long held, long missing, long extra, int mismatched) {}

    /** Compares each device's {@code frames} (from {@code GET /devices}) with what was acknowledged for it. */
    static Counts compare(java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> devices, int count,
            java.util.function.IntUnaryOperator acknowledged) {
        long held = 0;
        long missing = 0;
        long extra = 0;
        int mismatched = 0;
        for (int d = 0; d < count; d++) {
            com.fasterxml.jackson.databind.JsonNode device = devices.get(deviceId(d));
            int frames = device == null ? 0 : device.get("frames").asInt();
            int expected = acknowledged.applyAsInt(d);
            held += frames;
            if (frames != expected) {
                mismatched++;
                missing += Math.max(0, expected - frames);
                extra += Math.max(0, frames - expected);
            }
        }
        return new Counts(held, missing, extra, mismatched);
    }
}
