package org.valley.bench;

import java.util.BitSet;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * LoRaWAN uplinks as network servers post them: The Things Stack v3 webhooks ({@code POST
 * /ingest/ttn}, an {@code uplink_message}) or ChirpStack v4 HTTP integration {@code up} events
 * ({@code POST /ingest/chirpstack?event=up}), shaped like the documented examples in {@code
 * formats/lorawan.md} and {@code vectors/lorawan-network-servers.json}.
 *
 * <p>Devices are Elsys ERS room sensors (temperature, humidity, light, motion, CO₂, battery: a
 * 16-byte payload the {@code examples/codecs/elsys.js} codec decodes into six readings). Devices
 * take turns, one frame each; every frame is one request, since the network server has already
 * merged what its gateways heard: 1 to 3 gateways per uplink (2 on average) in {@code rx_metadata}
 * or {@code rxInfo}. Each device's frame counter advances by one per frame from a random start, in
 * one session (TTS {@code session_key_id}); ChirpStack events carry a fresh {@code deduplicationId}.
 */
final class LorawanTraffic implements Uplinks {

    /** Which network server's body shape to write. */
    enum Network {
        TTN, CHIRPSTACK
    }

    private static final int GATEWAYS = 8;
    private static final byte[] TTS_IDS = JsonBytes.ascii("{\"end_device_ids\":{\"device_id\":\"");
    private static final byte[] TTS_APP = JsonBytes.ascii("\",\"application_ids\":{\"application_id\":\"valley-bench\"},"
            + "\"dev_eui\":\"");
    private static final byte[] TTS_JOIN_EUI = JsonBytes.ascii("\",\"join_eui\":\"70B3D57ED0000000\",\"dev_addr\":\"");
    private static final byte[] TTS_CORRELATION = JsonBytes.ascii("\"},\"correlation_ids\":[\"as:up:01JE");
    private static final byte[] TTS_CORRELATION_GS = JsonBytes.ascii("\",\"gs:uplink:01JE");
    private static final byte[] TTS_RECEIVED = JsonBytes.ascii("\"],\"received_at\":\"");
    private static final byte[] TTS_UPLINK = JsonBytes.ascii("\",\"uplink_message\":{\"session_key_id\":\"");
    private static final byte[] TTS_PORT = JsonBytes.ascii("\",\"f_port\":5,\"f_cnt\":");
    private static final byte[] TTS_PAYLOAD = JsonBytes.ascii(",\"frm_payload\":\"");
    private static final byte[] TTS_RX = JsonBytes.ascii("\",\"rx_metadata\":[");
    private static final byte[] TTS_GATEWAY = JsonBytes.ascii("{\"gateway_ids\":{\"gateway_id\":\"bench-gw-");
    private static final byte[] TTS_GATEWAY_EUI = JsonBytes.ascii("\",\"eui\":\"");
    private static final byte[] TTS_GATEWAY_TIME = JsonBytes.ascii("\"},\"time\":\"");
    private static final byte[] TTS_TIMESTAMP = JsonBytes.ascii("\",\"timestamp\":");
    private static final byte[] TTS_RSSI = JsonBytes.ascii(",\"rssi\":");
    private static final byte[] TTS_CHANNEL_RSSI = JsonBytes.ascii(",\"channel_rssi\":");
    private static final byte[] TTS_SNR = JsonBytes.ascii(",\"snr\":");
    private static final byte[] TTS_GATEWAY_END = JsonBytes.ascii(",\"location\":{\"latitude\":45.1885,\"longitude\":5.7245,"
            + "\"altitude\":212,\"source\":\"SOURCE_REGISTRY\"},\"uplink_token\":\"ChIKEAoEZ3R3MRIInFyOAAAaBcQQ6L3Vlgk=\","
            + "\"channel_index\":2}");
    private static final byte[] TTS_SETTINGS = JsonBytes.ascii("],\"settings\":{\"data_rate\":{\"lora\":{\"bandwidth\":125000,"
            + "\"spreading_factor\":7,\"coding_rate\":\"4/5\"}},\"frequency\":\"868100000\",\"timestamp\":");
    private static final byte[] TTS_SETTINGS_TIME = JsonBytes.ascii(",\"time\":\"");
    private static final byte[] TTS_END = JsonBytes.ascii("\"},\"consumed_airtime\":\"0.071936s\",\"network_ids\":{"
            + "\"net_id\":\"000013\",\"tenant_id\":\"bench\",\"cluster_id\":\"eu1\"},\"received_at\":\"");
    private static final byte[] TTS_CLOSE = JsonBytes.ascii("\"}}");

    private static final byte[] CS_DEDUP = JsonBytes.ascii("{\"deduplicationId\":\"");
    private static final byte[] CS_TIME = JsonBytes.ascii("\",\"time\":\"");
    private static final byte[] CS_DEVICE = JsonBytes.ascii("\",\"deviceInfo\":{\"tenantId\":\"52f14cd4-c6f1-4fbd-8f87-4025e1d49242\","
            + "\"tenantName\":\"Valley bench\",\"applicationId\":\"17c82e96-be03-4f38-aef3-f83d48582d97\","
            + "\"applicationName\":\"valley-bench\",\"deviceProfileId\":\"14855bf7-d10d-4aee-b618-ebfcb64dc7ad\","
            + "\"deviceProfileName\":\"Elsys ERS\",\"deviceName\":\"");
    private static final byte[] CS_EUI = JsonBytes.ascii("\",\"devEui\":\"");
    private static final byte[] CS_ADDR = JsonBytes.ascii("\",\"tags\":{\"building\":\"living-lab\"}},\"devAddr\":\"");
    private static final byte[] CS_COUNT = JsonBytes.ascii("\",\"adr\":true,\"dr\":5,\"fCnt\":");
    private static final byte[] CS_DATA = JsonBytes.ascii(",\"fPort\":5,\"data\":\"");
    private static final byte[] CS_RX = JsonBytes.ascii("\",\"rxInfo\":[");
    private static final byte[] CS_GATEWAY = JsonBytes.ascii("{\"gatewayId\":\"");
    private static final byte[] CS_UPLINK_ID = JsonBytes.ascii("\",\"uplinkId\":");
    private static final byte[] CS_GATEWAY_END = JsonBytes.ascii(",\"context\":\"E3OWOQ==\",\"metadata\":{\"region_name\":\"eu868\","
            + "\"region_common_name\":\"EU868\"},\"crcStatus\":\"CRC_OK\"}");
    private static final byte[] CS_END = JsonBytes.ascii("],\"txInfo\":{\"frequency\":868100000,\"modulation\":{\"lora\":{"
            + "\"bandwidth\":125000,\"spreadingFactor\":7,\"codeRate\":\"CR_4_5\"}}}}");

    private final Network network;
    private final int devices;
    private final SplittableRandom random;
    private final JsonBytes out = new JsonBytes();
    private final byte[][] deviceIds;
    private final byte[][] sessions;
    private final int[] firstCount;
    private final int[] framesSent;
    private final BitSet[] acked;
    private final long[] ackedReceptions;
    private final byte[] payload = new byte[16];
    private long ackedFrames;
    private int cursor;
    private long sequence;

    LorawanTraffic(Network network, int devices, long seed) {
        this.network = network;
        this.devices = devices;
        this.random = new SplittableRandom(seed);
        this.deviceIds = new byte[devices][];
        this.sessions = new byte[devices][];
        this.firstCount = new int[devices];
        this.framesSent = new int[devices];
        this.acked = new BitSet[devices];
        this.ackedReceptions = new long[devices];
        for (int d = 0; d < devices; d++) {
            deviceIds[d] = JsonBytes.ascii(Fleet.deviceId(d));
            byte[] key = new byte[16];
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) random.nextInt(256);
            }
            sessions[d] = JsonBytes.ascii(java.util.Base64.getEncoder().encodeToString(key));
            firstCount[d] = 1 + random.nextInt(1000);
            acked[d] = new BitSet();
        }
    }

    /** Device {@code d}'s devEUI. */
    static String devEui(int d) {
        return String.format(Locale.ROOT, "70B3D57E%08X", d);
    }

    @Override
    public long next(long epochSeconds) {
        int d = cursor;
        cursor = cursor + 1 == devices ? 0 : cursor + 1;
        int k = framesSent[d]++;
        long fCnt = firstCount[d] + (long) k;
        int gateways = 1 + random.nextInt(3);
        int nanos = random.nextInt(1_000_000_000);
        elsys(payload);
        sequence++;
        out.reset();
        if (network == Network.TTN) {
            tts(d, fCnt, gateways, epochSeconds, nanos);
        } else {
            chirpstack(d, fCnt, gateways, epochSeconds, nanos);
        }
        return (long) d << 32 | (long) k << 2 | (gateways - 1);
    }

    /** An Elsys ERS frame: temperature, humidity, light, motion, CO₂ and battery voltage records. */
    private void elsys(byte[] p) {
        int temperature = 180 + random.nextInt(80);
        int light = random.nextInt(800);
        int co2 = 400 + random.nextInt(1200);
        int vdd = 3550 + random.nextInt(100);
        p[0] = 0x01;
        p[1] = (byte) (temperature >> 8);
        p[2] = (byte) temperature;
        p[3] = 0x02;
        p[4] = (byte) (25 + random.nextInt(50));
        p[5] = 0x04;
        p[6] = (byte) (light >> 8);
        p[7] = (byte) light;
        p[8] = 0x05;
        p[9] = (byte) random.nextInt(20);
        p[10] = 0x06;
        p[11] = (byte) (co2 >> 8);
        p[12] = (byte) co2;
        p[13] = 0x07;
        p[14] = (byte) (vdd >> 8);
        p[15] = (byte) vdd;
    }

    private void tts(int d, long fCnt, int gateways, long epochSeconds, int nanos) {
        out.put(TTS_IDS).put(deviceIds[d]).put(TTS_APP).putHex(0x70B3D57E00000000L | d, 16, true).put(TTS_JOIN_EUI)
                .putHex(0x26000000L | d, 8, true).put(TTS_CORRELATION).putHex(sequence, 22, true).put(TTS_CORRELATION_GS)
                .putHex(sequence * 31, 22, true).put(TTS_RECEIVED).putTime(epochSeconds, nanos).put(TTS_UPLINK)
                .put(sessions[d]).put(TTS_PORT).putLong(fCnt).put(TTS_PAYLOAD).putBase64(payload, payload.length).put(TTS_RX);
        long timestamp = (epochSeconds * 1_000_000L + nanos / 1000) & 0xFFFF_FFFFL;
        for (int i = 0; i < gateways; i++) {
            int g = (d + i) % GATEWAYS;
            int rssi = -40 - random.nextInt(80);
            out.put(i > 0 ? "," : "").put(TTS_GATEWAY).putLong(g).put(TTS_GATEWAY_EUI).putHex(0x9C5C8E0000000000L | g, 16, true)
                    .put(TTS_GATEWAY_TIME).putTime(epochSeconds, nanos).put(TTS_TIMESTAMP).putLong(timestamp)
                    .put(TTS_RSSI).putLong(rssi).put(TTS_CHANNEL_RSSI).putLong(rssi).put(TTS_SNR)
                    .putTenths(-150 + random.nextInt(250)).put(TTS_GATEWAY_END);
        }
        out.put(TTS_SETTINGS).putLong(timestamp).put(TTS_SETTINGS_TIME).putTime(epochSeconds, nanos).put(TTS_END)
                .putTime(epochSeconds, nanos).put(TTS_CLOSE);
    }

    private void chirpstack(int d, long fCnt, int gateways, long epochSeconds, int nanos) {
        out.put(CS_DEDUP).putHex(sequence >>> 32, 8, false).put('-').putHex(sequence >>> 16, 4, false).put("-4")
                .putHex(d, 3, false).put("-8").putHex(d >>> 12, 3, false).put('-').putHex(sequence, 12, false)
                .put(CS_TIME).putTime(epochSeconds, nanos).put(CS_DEVICE).put(deviceIds[d]).put(CS_EUI)
                .putHex(0x70B3D57E00000000L | d, 16, false).put(CS_ADDR).putHex(0x26000000L | d, 8, false).put(CS_COUNT)
                .putLong(fCnt).put(CS_DATA).putBase64(payload, payload.length).put(CS_RX);
        for (int i = 0; i < gateways; i++) {
            int g = (d + i) % GATEWAYS;
            out.put(i > 0 ? "," : "").put(CS_GATEWAY).putHex(0x0016c001f1530000L | g, 16, false).put(CS_UPLINK_ID)
                    .putLong(random.nextInt(Integer.MAX_VALUE)).put(TTS_RSSI).putLong(-40 - random.nextInt(80)).put(TTS_SNR)
                    .putTenths(-150 + random.nextInt(250)).put(CS_GATEWAY_END);
        }
        out.put(CS_END);
    }

    @Override
    public byte[] bodyArray() {
        return out.array();
    }

    @Override
    public int bodyLength() {
        return out.length();
    }

    @Override
    public boolean acknowledged(long tag) {
        int d = (int) (tag >>> 32);
        int k = (int) (tag & 0xFFFF_FFFFL) >>> 2;
        if (acked[d].get(k)) {
            return false;
        }
        acked[d].set(k);
        ackedReceptions[d] += (tag & 3) + 1;
        ackedFrames++;
        return true;
    }

    @Override
    public int devices() {
        return devices;
    }

    @Override
    public long ackedFrames() {
        return ackedFrames;
    }

    @Override
    public int ackedFrames(int d) {
        return acked[d].cardinality();
    }

    /** The frame counters of device {@code d}'s acknowledged frames (the frames API shows them as {@code seq}). */
    @Override
    public BitSet ackedSeqs(int d) {
        BitSet counts = new BitSet();
        for (int k = acked[d].nextSetBit(0); k >= 0; k = acked[d].nextSetBit(k + 1)) {
            counts.set(firstCount[d] + k);
        }
        return counts;
    }

    @Override
    public long ackedReceptions(int d) {
        return ackedReceptions[d];
    }

    /** Frame counters are 32 bits and start below 1001: they identify frames for any run's length. */
    @Override
    public void checkIdentifiable() {}
}
