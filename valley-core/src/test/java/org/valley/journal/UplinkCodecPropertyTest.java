package org.valley.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.valley.journal.JournalFixtures.assertSameUplink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;

class UplinkCodecPropertyTest {

    @Property(tries = 500)
    void randomUplinks_roundTripExactly(@ForAll("uplinks") Uplink uplink) throws Exception {
        UplinkCodec codec = new UplinkCodec();
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) UplinkCodec.maxEncodedSize(uplink));
        int size = codec.encode(uplink, buffer);

        assertThat(size).isEqualTo(UplinkCodec.encodedSize(uplink));
        ByteBuffer body = ByteBuffer.allocate(size - UplinkCodec.HEADER_BYTES);
        body.put(buffer.flip().position(UplinkCodec.HEADER_BYTES)).flip();
        assertSameUplink(codec.decodeBody(body), uplink);
    }

    @Property(tries = 500)
    void strings_encodeLikeTheJdkUtf8Encoder(@ForAll @Size(max = 80) String text) throws Exception {
        // Any string, unpaired surrogates included: the codec must agree with String.getBytes(UTF_8).
        Uplink uplink = new Uplink(UplinkKind.SIGFOX_DATA, text, "i", "n", 0, 0, 0, new byte[0], List.of(), false, false, text);
        ByteBuffer buffer = ByteBuffer.allocate((int) UplinkCodec.maxEncodedSize(uplink));
        UplinkCodec codec = new UplinkCodec();
        int size = codec.encode(uplink, buffer);
        Uplink decoded = codec.decodeBody(buffer.flip().position(UplinkCodec.HEADER_BYTES).limit(size).slice());

        String viaJdk = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(decoded.tenant()).isEqualTo(viaJdk);
        assertThat(decoded.meta()).isEqualTo(viaJdk);
        assertThat(UplinkCodec.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Property(tries = 2000)
    void randomBytes_failOnlyWithJournalCorruptException(@ForAll @Size(max = 300) byte[] garbage) {
        assertDecodesOrIsCorrupt(ByteBuffer.wrap(garbage));
    }

    @Property(tries = 2000)
    void damagedRecords_failOnlyWithJournalCorruptException(
            @ForAll("uplinks") Uplink uplink, @ForAll int where, @ForAll byte value, @ForAll boolean truncate) {
        ByteBuffer buffer = ByteBuffer.allocate((int) UplinkCodec.maxEncodedSize(uplink));
        int size = new UplinkCodec().encode(uplink, buffer);
        byte[] body = Arrays.copyOfRange(buffer.array(), UplinkCodec.HEADER_BYTES, size);
        int at = Math.floorMod(where, body.length);
        if (truncate) {
            body = Arrays.copyOf(body, at);
        } else {
            body[at] = value;
        }
        assertDecodesOrIsCorrupt(ByteBuffer.wrap(body));
    }

    private static void assertDecodesOrIsCorrupt(ByteBuffer body) {
        try {
            new UplinkCodec().decodeBody(body);
        } catch (JournalCorruptException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable other) {
            throw new AssertionError("the decoder threw " + other + " for " + Arrays.toString(body.array()), other);
        }
    }

    @Provide
    Arbitrary<Uplink> uplinks() {
        Arbitrary<Identity> identities = Combinators.combine(
                        Arbitraries.of(UplinkKind.class), text(), text(), text(),
                        Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-1, 0xFFFF_FFFFL)),
                        Arbitraries.longs(), Arbitraries.longs())
                .as(Identity::new);
        Arbitrary<Lorawan> lorawan = Combinators.combine(Arbitraries.integers().between(-1, 255),
                        text().injectNull(0.4), text().injectNull(0.4), text().injectNull(0.5))
                .as(Lorawan::new);
        Arbitrary<Reception> receptions = Combinators.combine(text(), nullableDouble(), nullableDouble()).as(Reception::new);
        return Combinators.combine(
                        identities,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                        receptions.list().ofMaxSize(12),
                        Arbitraries.of(true, false), Arbitraries.of(true, false),
                        text().injectNull(0.3), lorawan)
                .as((id, payload, list, duplicate, ack, meta, l) -> new Uplink(id.kind, id.tenant, id.integration,
                        id.networkId, id.seq, id.time, id.receivedAt, payload, list, duplicate, ack, meta, l.fPort,
                        l.session, l.dedupKey, l.labels));
    }

    private record Identity(UplinkKind kind, String tenant, String integration, String networkId, long seq, long time,
            long receivedAt) {}

    private record Lorawan(int fPort, String session, String dedupKey, String labels) {}

    /** Any text a client could send, normalised the way UTF-8 stores it (unpaired surrogates become '?'). */
    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().ofMaxLength(60),
                        Arbitraries.strings().ofMinLength(40).ofMaxLength(400),
                        Arbitraries.strings().alpha().numeric().ofMaxLength(16))
                .map(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    private static Arbitrary<Double> nullableDouble() {
        return Arbitraries.oneOf(
                        Arbitraries.doubles(),
                        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, -140.5))
                .injectNull(0.3);
    }
}
