package org.valley.server.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.valley.frame.Hex;

/**
 * Plays Sigfox devices through the real callback endpoint: Sens'it v3 sensors in door and
 * temperature modes, each frame delivered by one to three base stations (the extra deliveries with
 * {@code duplicate=true}), bodies in both of Sigfox's quoting styles.
 */
public final class Simulator {

    /** A simulated device: its Sigfox id and what it senses. */
    public record SimDevice(String sigfoxId, String mode) {}

    /** What a run did. */
    public record Stats(long frames, long callbacks, long acknowledged, long failed) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "frames=%d callbacks=%d acknowledged=%d failed=%d", frames, callbacks,
                    acknowledged, failed);
        }
    }

    private static final String[] STATIONS = {"1D2A", "0B4F", "27C3", "3E10"};

    private final String url;
    private final String key;
    private final List<SimDevice> devices;
    private final double speed;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random = new Random(42);
    private final int[] seq;
    private final int[] counters;

    public Simulator(String url, String key, List<SimDevice> devices, double speed) {
        this.url = url.replaceAll("/+$", "");
        this.key = key;
        this.devices = devices;
        this.speed = speed;
        this.seq = new int[devices.size()];
        this.counters = new int[devices.size()];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = random.nextInt(4096);
        }
    }

    /** {@code n} devices alternating door and temperature modes, ids from 0x1000. */
    public static List<SimDevice> fleet(int n) {
        List<SimDevice> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SimDevice(Integer.toHexString(0x1000 + i).toUpperCase(Locale.ROOT), i % 2 == 0 ? "door" : "temperature"));
        }
        return out;
    }

    /** Sends {@code framesPerDevice} rounds, one frame per device each, paced by the speed factor. */
    public Stats run(int framesPerDevice) throws InterruptedException {
        AtomicLong callbacks = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Semaphore inFlight = new Semaphore(64);
        long period = (long) (600_000 / speed);
        long frames = 0;
        for (int round = 0; round < framesPerDevice; round++) {
            long roundStart = System.currentTimeMillis();
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int d = 0; d < devices.size(); d++) {
                frames++;
                for (String body : callbacksFor(d, roundStart)) {
                    inFlight.acquire();
                    callbacks.incrementAndGet();
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/ingest/sigfox?key=" + key))
                            .timeout(Duration.ofSeconds(10))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                        inFlight.release();
                        if (e == null && r.statusCode() / 100 == 2) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }));
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            long sleep = period - (System.currentTimeMillis() - roundStart);
            if (sleep > 0 && round + 1 < framesPerDevice) {
                Thread.sleep(sleep);
            }
        }
        return new Stats(frames, callbacks.get(), ok.get(), failed.get());
    }

    /** The callbacks of one frame of device {@code d}: one per base station that heard it. */
    List<String> callbacksFor(int d, long now) {
        SimDevice device = devices.get(d);
        seq[d] = (seq[d] + 1) % 4096;
        byte[] payload = device.mode().equals("door") ? door(d) : temperature();
        int stations = 1 + random.nextInt(3);
        List<String> out = new ArrayList<>(stations);
        for (int s = 0; s < stations; s++) {
            double rssi = -90 - random.nextInt(400) / 10.0;
            double snr = 5 + random.nextInt(300) / 10.0;
            out.add(body(device.sigfoxId(), now / 1000, Hex.encode(payload), seq[d], STATIONS[(d + s) % STATIONS.length],
                    rssi, snr, s > 0, random.nextBoolean()));
        }
        return out;
    }

    private byte[] door(int d) {
        counters[d]++;
        int state = random.nextBoolean() ? 3 : 2;
        int battery = 20 + random.nextInt(10);
        return new byte[] {(byte) ((battery << 3) | 0b110), (byte) ((3 << 3) | state), (byte) (counters[d] >> 8),
                (byte) counters[d]};
    }

    private byte[] temperature() {
        double celsius = 19 + random.nextInt(60) / 10.0;
        int raw = (int) Math.round(celsius * 8 + 200);
        int humidity = 70 + random.nextInt(40);
        int battery = 20 + random.nextInt(10);
        return new byte[] {(byte) ((battery << 3) | 0b110), (byte) ((1 << 3) | (raw >> 8)), (byte) raw, (byte) humidity};
    }

    /** A DATA callback body; {@code quoted} writes every value as text, as some templates do. */
    static String body(String device, long time, String data, int seq, String station, double rssi, double snr,
            boolean duplicate, boolean quoted) {
        String q = quoted ? "\"" : "";
        return "{\"device\":\"" + device + "\",\"time\":" + q + time + q + ",\"data\":\"" + data + "\",\"seqNumber\":"
                + q + seq + q + ",\"station\":\"" + station + "\",\"rssi\":" + q + String.format(Locale.ROOT, "%.2f", rssi)
                + q + ",\"snr\":" + q + String.format(Locale.ROOT, "%.2f", snr) + q + ",\"avgSnr\":\"N/A\",\"duplicate\":"
                + q + duplicate + q + ",\"ack\":" + q + "false" + q + "}";
    }
}
