package org.valley.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.valley.journal.JournalFixtures.assertSameUplink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;

class UplinkCodecTest {

    private final UplinkCodec codec = new UplinkCodec();

    private static Uplink uplink(byte[] payload, List<Reception> receptions, String meta) {
        return new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "1A2B3C", 42, 1_700_000_000_000L,
                1_700_000_000_250L, payload, receptions, false, false, meta);
    }

    /** Encodes into a fresh buffer, checks the header, and decodes the body back. */
    private Uplink roundTrip(Uplink uplink) throws JournalCorruptException {
        ByteBuffer buffer = ByteBuffer.allocate((int) UplinkCodec.maxEncodedSize(uplink));
        int size = codec.encode(uplink, buffer);
        assertThat(size).isEqualTo(buffer.position()).isEqualTo(UplinkCodec.encodedSize(uplink));
        assertThat(buffer.getInt(0)).isEqualTo(size - UplinkCodec.HEADER_BYTES);
        assertThat(buffer.getInt(4)).isEqualTo(codec.crc(buffer, UplinkCodec.HEADER_BYTES, size));
        ByteBuffer body = buffer.flip().position(UplinkCodec.HEADER_BYTES).slice();
        Uplink decoded = codec.decodeBody(body);
        assertThat(body.hasRemaining()).isFalse();
        return decoded;
    }

    private static ByteBuffer bodyOf(Uplink uplink) {
        ByteBuffer buffer = ByteBuffer.allocate((int) UplinkCodec.maxEncodedSize(uplink));
        int size = new UplinkCodec().encode(uplink, buffer);
        return buffer.position(UplinkCodec.HEADER_BYTES).limit(size).slice();
    }

    @Test
    void roundTrip_everyField_isPreserved() throws Exception {
        Uplink uplink = new Uplink(UplinkKind.SIGFOX_ADVANCED, "tenant-a", "integration-7", "0042AB", 4095,
                1_712_345_678_901L, 1_712_345_679_333L, new byte[] {1, 2, 3}, List.of(new Reception("0A1B", -121.5, 9.75)),
                true, true, "{\"lqi\":\"Good\"}");

        Uplink decoded = roundTrip(uplink);

        assertSameUplink(decoded, uplink);
        assertThat(decoded.kind()).isEqualTo(UplinkKind.SIGFOX_ADVANCED);
        assertThat(decoded.duplicate()).isTrue();
        assertThat(decoded.ack()).isTrue();
    }

    @Test
    void roundTrip_nullsEmptiesAndNoSeq_arePreserved() throws Exception {
        Uplink uplink = new Uplink(UplinkKind.SIGFOX_DATA, "", "", "", Uplink.NO_SEQ, 0, 0, new byte[0],
                List.of(new Reception("", null, null), new Reception("A", -100.0, null), new Reception("B", null, 3.5)),
                false, false, null);

        Uplink decoded = roundTrip(uplink);

        assertSameUplink(decoded, uplink);
        assertThat(decoded.meta()).isNull();
        assertThat(decoded.payload()).isEmpty();
        assertThat(decoded.receptions().get(0).rssi()).isNull();
        assertThat(decoded.receptions().get(1).snr()).isNull();
        assertThat(decoded.receptions().get(2).rssi()).isNull();
    }

    @Test
    void roundTrip_emptyMetaAndNoReceptions_arePreserved() throws Exception {
        Uplink uplink = uplink(new byte[0], List.of(), "");

        assertSameUplink(roundTrip(uplink), uplink);
    }

    @Test
    void roundTrip_twelveBytePayload_isPreserved() throws Exception {
        byte[] payload = HexFormat.of().parseHex("00ff7f80c0de123456789abc");
        Uplink uplink = uplink(payload, List.of(new Reception("7E2A", -135.25, 1.0)), null);

        assertThat(roundTrip(uplink).payload()).containsExactly(payload);
    }

    @Test
    void roundTrip_manyReceptions_arePreservedInOrder() throws Exception {
        List<Reception> receptions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            receptions.add(new Reception("station-" + i, i % 3 == 0 ? null : -100.0 - i / 10.0, i % 5 == 0 ? null : i / 4.0));
        }
        Uplink uplink = uplink(new byte[] {9}, receptions, null);

        assertSameUplink(roundTrip(uplink), uplink);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Zürich Hauptbahnhof", "北京市海淀区", "Ελληνικά", "emoji 🛰️📡 and 𝄞 clef",
        "a string long enough to need the two-pass length path: ééééééééééééééééééééééé 🛰️",
        "\u0000 control \u007f \u0080 \u07ff \u0800 \uffff"
    })
    void roundTrip_unicodeStrings_arePreserved(String text) throws Exception {
        Uplink uplink = new Uplink(UplinkKind.SIGFOX_DATA, text, text + "-i", text + "-n", 1, 2, 3, new byte[0],
                List.of(new Reception(text, 1.0, 2.0)), false, false, "{\"note\":\"" + text + "\"}");

        assertSameUplink(roundTrip(uplink), uplink);
    }

    @Test
    void roundTrip_longUnicodeMeta_isPreserved() throws Exception {
        String meta = "{\"text\":\"" + "Grüße aus 東京 🚀 ".repeat(2_000) + "\"}";
        Uplink uplink = uplink(new byte[] {1}, List.of(), meta);

        assertThat(roundTrip(uplink).meta()).isEqualTo(meta);
    }

    @Test
    void encode_unpairedSurrogate_becomesQuestionMarkLikeTheJdkEncoder() throws Exception {
        String broken = "a\uD800b\uDC00c\uD83D";
        Uplink uplink = uplink(new byte[0], List.of(), broken);

        assertThat(roundTrip(uplink).meta()).isEqualTo("a?b?c?");
        assertThat(UplinkCodec.utf8Length(broken)).isEqualTo(6);
    }

    @Test
    void roundTrip_extremeNumbers_arePreserved() throws Exception {
        for (long[] times : new long[][] {{Long.MIN_VALUE, Long.MAX_VALUE}, {Long.MAX_VALUE, Long.MIN_VALUE}, {-1, 0}}) {
            for (int seq : new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0}) {
                Uplink uplink = new Uplink(UplinkKind.SIGFOX_DATA, "t", "i", "n", seq, times[0], times[1], new byte[0],
                        List.of(new Reception("s", Double.NaN, Double.NEGATIVE_INFINITY), new Reception("z", -0.0, Double.MIN_VALUE)),
                        false, true, null);

                assertSameUplink(roundTrip(uplink), uplink);
            }
        }
    }

    @Test
    void roundTrip_lorawanFields_arePreserved() throws Exception {
        for (long fCnt : new long[] {0, 1, 65_535, 65_536, 0xFFFF_FFFFL}) {
            Uplink uplink = new Uplink(UplinkKind.CHIRPSTACK_UPLINK, "acme", "chirpstack-1", "0101010101010101", fCnt,
                    1_700_000_000_000L, 1_700_000_000_120L, new byte[] {(byte) 0xAA},
                    List.of(new Reception("0016c001f153a14c", -36.0, 10.5), new Reception("gw-2", -101.0, -3.25)),
                    false, true, "{\"decoded\":{\"t\":1}}", 255, "00189440", "3ac7e3c4-4401-4b8d-9386-a5c902f9202d");

            assertSameUplink(roundTrip(uplink), uplink);
        }
        Uplink portZeroNoSession = new Uplink(UplinkKind.TTS_UPLINK, "a", "ttn-1", "0004A30B001C0530", 0, 1, 2,
                new byte[0], List.of(), false, false, null, 0, null, null);
        assertSameUplink(roundTrip(portZeroNoSession), portZeroNoSession);
    }

    @Test
    void roundTrip_labels_arePreservedAndCostOnlyTheirText() throws Exception {
        String labels = "{\"applicationId\":\"17c82e96\",\"deviceName\":\"Salle Ada ☕\"}";
        Uplink without = new Uplink(UplinkKind.CHIRPSTACK_UPLINK, "acme", "chirpstack-1", "0101010101010101", 7, 1, 2,
                new byte[] {1}, List.of(), false, false, null, 2, null, "k");
        Uplink with = new Uplink(without.kind(), without.tenant(), without.integration(), without.networkId(), without.seq(),
                without.time(), without.receivedAt(), without.payload(), without.receptions(), false, false, null, 2, null,
                "k", labels);

        assertSameUplink(roundTrip(with), with);
        assertThat(roundTrip(with).labels()).isEqualTo(labels);
        assertThat(roundTrip(without).labels()).isNull();
        int textBytes = labels.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(UplinkCodec.encodedSize(with)).isEqualTo(UplinkCodec.encodedSize(without) + 1 + textBytes);
    }

    /**
     * Bodies written by the first record layout, before the LoRaWAN fields existed (produced by that
     * build's encoder): they must read exactly as they did.
     */
    @Test
    void decode_recordsOfTheFirstLayout_readUnchanged() throws Exception {
        HexFormat hex = HexFormat.of();
        Uplink data = new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "1A2B3C", 4095, 1_700_000_000_000L,
                1_700_000_000_250L, new byte[] {(byte) 0xc0, (byte) 0xff, (byte) 0xee},
                List.of(new Reception("1D2A", -121.5, 14.25)), true, false, "{\"lqi\":\"Good\"}");
        Uplink advanced = new Uplink(UplinkKind.SIGFOX_ADVANCED, "t", "i", "0042AB", Uplink.NO_SEQ, 5, 4, new byte[0],
                List.of(), false, true, null);
        Uplink minSeq = new Uplink(UplinkKind.SIGFOX_DATA, "t", "i", "n", Integer.MIN_VALUE, 0, 0, new byte[0],
                List.of(), false, false, null);

        assertSameUplink(codec.decodeBody(ByteBuffer.wrap(hex.parseHex("010105fe3f0000018bcfe56800f4030461636d6508736967666f78"
                + "2d310631413242334303c0ffee01043144324103c05e600000000000402c8000000000000e7b226c7169223a22476f6f64227d"))),
                data);
        assertSameUplink(codec.decodeBody(ByteBuffer.wrap(hex.parseHex("0102020100000000000000050101740169063030343241420000"))),
                advanced);
        assertSameUplink(codec.decodeBody(ByteBuffer.wrap(hex.parseHex("010100ffffffff0f00000000000000000001740169016e0000"))),
                minSeq);
        assertThat(bodyOf(data)).isEqualTo(ByteBuffer.wrap(hex.parseHex("010105fe3f0000018bcfe56800f4030461636d650873696766"
                + "6f782d310631413242334303c0ffee01043144324103c05e600000000000402c8000000000000e7b226c7169223a22476f6f64227d")));
    }

    @Test
    void encode_typicalUplink_isCompact() {
        Uplink uplink = JournalFixtures.uplink(1);

        // 12-byte payload, two receptions (three doubles), ids and a 20-byte meta: 91 bytes of content.
        // Header, lengths, flags and times add 32.
        assertThat(UplinkCodec.encodedSize(uplink)).isEqualTo(123);
        assertThat(UplinkCodec.maxEncodedSize(uplink)).isGreaterThanOrEqualTo(UplinkCodec.encodedSize(uplink));
    }

    @Test
    void encode_uplinkOverTheRecordLimit_isRefused() {
        Uplink uplink = uplink(new byte[UplinkCodec.MAX_BODY_BYTES], List.of(), null);
        ByteBuffer buffer = ByteBuffer.allocate(2 * UplinkCodec.MAX_RECORD_BYTES);

        assertThat(UplinkCodec.fits(uplink)).isFalse();
        assertThatThrownBy(() -> codec.encode(uplink, buffer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record limit");
        assertThat(buffer.position()).isZero();
    }

    @Test
    void decode_unknownVersion_isCorrupt() {
        ByteBuffer body = bodyOf(JournalFixtures.uplink(1));
        body.put(0, (byte) 9);

        assertThatThrownBy(() -> codec.decodeBody(body))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("unsupported record version 9");
    }

    @Test
    void decode_unknownKind_isCorrupt() {
        ByteBuffer body = bodyOf(JournalFixtures.uplink(1));
        body.put(1, (byte) 99);

        assertThatThrownBy(() -> codec.decodeBody(body))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("unknown uplink kind code 99");
    }

    @Test
    void decode_unknownFlagBits_isCorrupt() {
        ByteBuffer body = bodyOf(JournalFixtures.uplink(1));
        body.put(2, (byte) 0x80);

        assertThatThrownBy(() -> codec.decodeBody(body))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("flags byte 0x80");
    }

    @Test
    void decode_truncatedBody_namesTheFieldThatRanOut() {
        ByteBuffer body = bodyOf(uplink(new byte[] {1, 2, 3}, List.of(), null));
        // version, kind, flags, seq(1), time(8), delta(2): tenant's length is at offset 14; cut inside "acme"
        ByteBuffer cut = body.limit(16).slice();

        assertThatThrownBy(() -> codec.decodeBody(cut))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("tenant length 4 exceeds the 1 bytes left");
    }

    @Test
    void decode_bytesLeftOver_isCorrupt() {
        ByteBuffer body = bodyOf(JournalFixtures.uplink(2));
        ByteBuffer longer = ByteBuffer.allocate(body.remaining() + 3).put(body).put(new byte[3]).flip();

        assertThatThrownBy(() -> codec.decodeBody(longer))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("3 bytes left over");
    }

    @Test
    void decode_overlongVarint_isCorrupt() {
        ByteBuffer body = ByteBuffer.wrap(new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1});

        assertThatThrownBy(() -> codec.decodeBody(body))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("version varint overflows 32 bits");
    }

    @Test
    void varintSizes_matchTheBytesWritten() {
        int[] ints = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
        for (int value : ints) {
            ByteBuffer buffer = ByteBuffer.allocate(10);
            UplinkCodec.putVarint(buffer, value);
            assertThat(buffer.position()).as("varint %d", value).isEqualTo(UplinkCodec.varintSize(value));
        }
        long[] longs = {0, 1, 127, 128, 1L << 35, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        for (long value : longs) {
            ByteBuffer buffer = ByteBuffer.allocate(10);
            UplinkCodec.putVarlong(buffer, value);
            assertThat(buffer.position()).as("varlong %d", value).isEqualTo(UplinkCodec.varlongSize(value));
        }
    }

    @Test
    void assertSameUplink_seesPayloadAndTinyDoubleDifferences() {
        // Guards the helper every round-trip test relies on.
        Uplink a = uplink(new byte[] {1, 2}, List.of(new Reception("s", 1.0, null)), null);
        Uplink b = uplink(new byte[] {1, 3}, List.of(new Reception("s", 1.0, null)), null);
        Uplink c = uplink(new byte[] {1, 2}, List.of(new Reception("s", Math.nextUp(1.0), null)), null);
        Uplink d = uplink(new byte[] {1, 2}, List.of(new Reception("s", 1.0, 0.0)), null);

        assertSameUplink(a, uplink(new byte[] {1, 2}, List.of(new Reception("s", 1.0, null)), null));
        assertThatThrownBy(() -> assertSameUplink(a, b)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertSameUplink(a, c)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertSameUplink(a, d)).isInstanceOf(AssertionError.class);
    }
}
