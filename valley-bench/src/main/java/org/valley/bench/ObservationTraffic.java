package org.valley.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * One temperature observation per request, devices taking turns, written for one of two servers:
 * a SensorThings API server ({@code POST /v1.1/Observations} naming the device's datastream) or
 * Valley's generic HTTP ingest ({@code POST /ingest/http/{deviceId}}, the device in the path). The
 * same measurement, so that both servers store one observation per request. Single-threaded.
 */
final class ObservationTraffic implements Uplinks {

    private final long[] datastreams;
    private final String[] targets;
    private final int[] acked;
    private final SplittableRandom random = new SplittableRandom(11);
    private byte[] body = new byte[256];
    private int length;
    private long ackedTotal;
    private int cursor;
    private int device;
    private long isoSecond = -1;
    private String iso;

    private ObservationTraffic(long[] datastreams, String[] targets, int devices) {
        this.datastreams = datastreams;
        this.targets = targets;
        this.acked = new int[devices];
    }

    /** Observations for a SensorThings server: device {@code d} reports to datastream {@code datastreams[d]}. */
    static ObservationTraffic sensorThings(long[] datastreams) {
        return new ObservationTraffic(datastreams, null, datastreams.length);
    }

    /** Readings for Valley's HTTP ingest: device {@code d} posts to {@code /ingest/http/{deviceIds[d]}?key=}. */
    static ObservationTraffic valley(String[] deviceIds, String integrationKey) {
        String[] targets = new String[deviceIds.length];
        for (int d = 0; d < deviceIds.length; d++) {
            targets[d] = "/ingest/http/" + deviceIds[d] + "?key=" + integrationKey;
        }
        return new ObservationTraffic(null, targets, deviceIds.length);
    }

    @Override
    public long next(long epochSeconds) {
        device = cursor++ % acked.length;
        if (epochSeconds != isoSecond) {
            isoSecond = epochSeconds;
            iso = '"' + Instant.ofEpochSecond(epochSeconds).toString() + '"';
        }
        int tenths = 150 + random.nextInt(150);
        String value = tenths / 10 + "." + tenths % 10;
        String text = targets == null
                ? "{\"phenomenonTime\":" + iso + ",\"result\":" + value
                        + ",\"Datastream\":{\"@iot.id\":" + datastreams[device] + "}}"
                : "{\"ts\":" + iso + ",\"values\":{\"temperature\":" + value + "}}";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > body.length) {
            body = new byte[bytes.length * 2];
        }
        System.arraycopy(bytes, 0, body, 0, bytes.length);
        length = bytes.length;
        return device;
    }

    @Override
    public String target() {
        return targets == null ? null : targets[device];
    }

    @Override
    public byte[] bodyArray() {
        return body;
    }

    @Override
    public int bodyLength() {
        return length;
    }

    /** Every request is an observation of its own: each 2xx is a new one. */
    @Override
    public boolean acknowledged(long tag) {
        acked[(int) tag]++;
        ackedTotal++;
        return true;
    }

    @Override
    public int devices() {
        return acked.length;
    }

    @Override
    public long ackedFrames() {
        return ackedTotal;
    }

    @Override
    public int ackedFrames(int d) {
        return acked[d];
    }

    /** Observations carry no sequence number. */
    @Override
    public BitSet ackedSeqs(int d) {
        return new BitSet();
    }

    @Override
    public long ackedReceptions(int d) {
        return 0;
    }

    @Override
    public void checkIdentifiable() {
        // nothing to tell apart: the check counts observations
    }
}
