package org.valley.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes Sigfox DATA callback bodies as bytes, in the shape of the demo {@code Simulator}'s (the
 * usual body template: device, time, data, seqNumber, station, rssi, snr, avgSnr, duplicate, ack),
 * in both of Sigfox's quoting styles, without going through {@code String.format}: the load harness
 * writes one per request on the cores it shares with the server, so writing must cost little.
 *
 * <p>Not thread-safe: one writer per thread.
 */
final class CallbackBodies {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEVICE = ascii("{\"device\":\"");
    private static final byte[] TIME = ascii("\",\"time\":");
    private static final byte[] DATA = ascii(",\"data\":\"");
    private static final byte[] SEQ = ascii("\",\"seqNumber\":");
    private static final byte[] STATION = ascii(",\"station\":\"");
    private static final byte[] RSSI = ascii("\",\"rssi\":");
    private static final byte[] SNR = ascii(",\"snr\":");
    private static final byte[] AVG_SNR = ascii(",\"avgSnr\":\"N/A\",\"duplicate\":");
    private static final byte[] ACK = ascii(",\"ack\":");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    private byte[] buf = new byte[512];
    private int len;
    /** Where the digits of the last body's seqNumber start. */
    private int seqOffset;

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes one body, replacing the previous one.
     *
     * @param device the Sigfox id, upper-case hex ASCII
     * @param rssiCenti the RSSI in hundredths of dBm (written with two decimals)
     * @param snrCenti the SNR in hundredths of dB
     * @param quoted write every value as text, as some templates do
     */
    CallbackBodies body(byte[] device, long epochSeconds, byte[] payload, int seq, byte[] station, int rssiCenti,
            int snrCenti, boolean duplicate, boolean quoted) {
        len = 0;
        put(DEVICE);
        put(device);
        put(TIME);
        quote(quoted);
        putLong(epochSeconds);
        quote(quoted);
        put(DATA);
        ensure(payload.length * 2);
        for (byte b : payload) {
            buf[len++] = HEX[(b >> 4) & 0xF];
            buf[len++] = HEX[b & 0xF];
        }
        put(SEQ);
        quote(quoted);
        seqOffset = len;
        putLong(seq);
        quote(quoted);
        put(STATION);
        put(station);
        put(RSSI);
        quote(quoted);
        putCenti(rssiCenti);
        quote(quoted);
        put(SNR);
        quote(quoted);
        putCenti(snrCenti);
        quote(quoted);
        put(AVG_SNR);
        quote(quoted);
        put(duplicate ? TRUE : FALSE);
        quote(quoted);
        put(ACK);
        quote(quoted);
        put(FALSE);
        quote(quoted);
        ensure(1);
        buf[len++] = '}';
        return this;
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    int seqOffset() {
        return seqOffset;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void quote(boolean quoted) {
        if (quoted) {
            ensure(1);
            buf[len++] = '"';
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void putLong(long value) {
        ensure(20);
        if (value < 0) {
            buf[len++] = '-';
            value = -value;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void putCenti(int centi) {
        ensure(1);
        if (centi < 0) {
            buf[len++] = '-';
            centi = -centi;
        }
        putLong(centi / 100);
        ensure(3);
        buf[len++] = '.';
        buf[len++] = (byte) ('0' + centi / 10 % 10);
        buf[len++] = (byte) ('0' + centi % 10);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** Writes {@code value} as exactly four ASCII digits at {@code offset} (1000..9999). */
    static void patchFourDigits(byte[] body, int offset, int value) {
        body[offset] = (byte) ('0' + value / 1000);
        body[offset + 1] = (byte) ('0' + value / 100 % 10);
        body[offset + 2] = (byte) ('0' + value / 10 % 10);
        body[offset + 3] = (byte) ('0' + value % 10);
    }
}
