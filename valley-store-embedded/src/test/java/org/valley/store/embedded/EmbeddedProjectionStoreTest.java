package org.valley.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.store.ProjectionStore;

class EmbeddedProjectionStoreTest {

    @TempDir
    Path dir;

    private static Uplink uplink(int seq) {
        return new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "AB", seq, 1_763_719_200_000L + seq * 600_000L,
                1_763_719_201_000L + seq * 600_000L, new byte[] {(byte) seq}, List.of(new Reception("1D2A", -120.0, 8.0)),
                false, false, null);
    }

    @Test
    void open_afterCrashMidBatch_dropsTheUnfinishedBatchAndResumesFromTheLastCommit() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            assertThat(p.open().appliedPosition()).isEqualTo(-1);
            for (int seq = 0; seq < 3; seq++) {
                Uplink u = uplink(seq);
                p.frame(seq * 100L, u, seq, false);
                p.reception(seq * 100L, u, seq, u.receptions().get(0), false);
                p.reading("d1", u.time(), "v", seq, seq);
            }
            p.commit(200);
        }
        // a crash after the appenders of the next batch flushed, before the batch was recorded complete
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("insert into frames (batch, tenant, network_id, seq, ext) values (2, 'acme', 'AB', 3, 3)");
            s.execute("insert into readings (batch, device_id, key, num, kind, ext) values (2, 'd1', 'v', 3, 0, 3)");
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore.Resume resume = store.projection().open();
            assertThat(resume.appliedPosition()).isEqualTo(200);
            ProjectionStore.TrackState track = resume.tracks().get(0);
            assertThat(track.tenant()).isEqualTo("acme");
            assertThat(track.networkId()).isEqualTo("AB");
            assertThat(track.highest()).isEqualTo(2);
            assertThat(track.frames()).isEqualTo(3);
            assertThat(track.window()).isEqualTo(0b111);
            assertThat(store.projection().hasFrame("acme", "AB", 2)).isTrue();
            assertThat(store.projection().hasFrame("acme", "AB", 3)).isFalse();
            assertThat(store.projection().hasFrame("other", "AB", 2)).isFalse();
        }
        assertThat(count("frames")).isEqualTo(3);
        assertThat(count("readings")).isEqualTo(3);
    }

    /** A store written by the first version: frames had a 32-bit seq and none of the LoRaWAN columns. */
    @Test
    void open_storeOfTheFirstVersion_isMigratedAndItsFramesReadAsBefore() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("""
                    create table frames(batch bigint, journal_position bigint, tenant varchar, integration varchar,
                      network_id varchar, seq integer, ext bigint, time timestamp_ms, received_at timestamp_ms, payload blob,
                      ack boolean, restart boolean, meta varchar)""");
            s.execute("insert into frames values (1, 0, 'acme', 'sigfox-1', 'AB', 7, 7, make_timestamp_ms(1000),"
                    + " make_timestamp_ms(2000), '\\x2A'::blob, false, false, null)");
            s.execute("create table meta(k varchar primary key, v bigint)");
            s.execute("insert into meta values ('batch', 1), ('applied', 0)");
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            ProjectionStore.Resume resume = p.open();
            assertThat(resume.tracks()).singleElement().satisfies(t -> {
                assertThat(t.highest()).isEqualTo(7);
                assertThat(t.lorawan()).isFalse();
            });
            assertThat(p.frames("acme", "AB")).singleElement().satisfies(f -> {
                assertThat(f.payload()).containsExactly(0x2A);
                assertThat(f.kind()).isEqualTo(UplinkKind.SIGFOX_DATA);
                assertThat(f.fPort()).isEqualTo(Uplink.NO_PORT);
            });
            Uplink lorawan = new Uplink(UplinkKind.CHIRPSTACK_UPLINK, "acme", "chirpstack-1", "0101010101010101",
                    0xFFFF_FFFFL, 5000, 6000, new byte[] {1}, List.of(), false, false, null, 85, "00189440", "dedup-1");
            p.frame(1, lorawan, 0xFFFF_FFFFL, false);
            p.commit(1);
            assertThat(p.frames("acme", "0101010101010101")).singleElement().satisfies(f -> {
                assertThat(f.fPort()).isEqualTo(85);
                assertThat(f.kind()).isEqualTo(UplinkKind.CHIRPSTACK_UPLINK);
            });
            assertThat(store.queries().frames("acme", "0101010101010101", null, null, 10)).singleElement()
                    .satisfies(f -> assertThat(f.seq()).isEqualTo(0xFFFF_FFFFL));
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            assertThat(store.projection().open().tracks())
                    .filteredOn(t -> t.networkId().equals("0101010101010101"))
                    .singleElement().satisfies(t -> assertThat(t.lorawan()).isTrue());
        }
    }

    private long count(String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<String> decodesAndReadings(Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("""
                        select 'decode ' || ext || ' v' || codec_version || ' ' || decoded from decodes
                        union all select 'reading ' || ext || ' ' || key || '=' || num from readings order by 1""")) {
            List<String> out = new java.util.ArrayList<>();
            while (r.next()) {
                out.add(r.getString(1));
            }
            return out;
        }
    }

    private static void decodeV(ProjectionStore p, long ext, int version, double value) {
        p.decode("acme", "AB", ext, "d1", "c", version, "{\"v\":" + value + "}", null, 0);
        p.reading("d1", 0, "v", value, ext);
    }

    @Test
    void supersedeDecode_replacesTheFramesDecodeAndReadings_atTheCommit() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            for (int ext = 0; ext < 2; ext++) {
                p.frame(ext, uplink(ext), ext, false);
                decodeV(p, ext, 1, ext);
            }
            p.commit(1);
            p.supersedeDecode("acme", "AB", 0, "d1");
            decodeV(p, 0, 2, 10);
            p.commit(1);
        }
        assertThat(decodesAndReadings(dir)).containsExactly(
                "decode 0 v2 {\"v\":10.0}", "decode 1 v1 {\"v\":1.0}", "reading 0 v=10.0", "reading 1 v=1.0");
    }

    @Test
    void supersedeDecode_crashBeforeTheCommit_keepsTheEarlierDecode() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            p.frame(0, uplink(0), 0, false);
            decodeV(p, 0, 1, 0);
            p.commit(0);
        }
        // the re-decode's rows reached the table (appenders flush on their own), its commit never ran
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("insert into decodes (batch, tenant, network_id, ext, device_id, codec_version, decoded) "
                    + "values (2, 'acme', 'AB', 0, 'd1', 2, '{\"v\":10.0}')");
            s.execute("insert into readings (batch, device_id, key, num, kind, ext) values (2, 'd1', 'v', 10, 0, 0)");
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.projection().open();
        }
        assertThat(decodesAndReadings(dir)).containsExactly("decode 0 v1 {\"v\":0.0}", "reading 0 v=0.0");
    }

    /**
     * The projection's commits leave the log to grow past DuckDB's default checkpoint threshold
     * (16 MB) instead of folding it into the file on the projection's thread, and what the log holds
     * is there after reopening.
     */
    @Test
    void commits_keepTheLogPastDuckDbsDefaultThreshold_andReopeningKeepsEveryRow() throws Exception {
        int frames = 40_000;
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            for (int f = 0; f < frames; f++) {
                Uplink u = uplink(f % 4096);
                p.frame(f * 100L, u, f, false);
                p.reception(f * 100L, u, f, u.receptions().get(0), false);
                p.decode("acme", "AB", f, "d1", "sensit", 1, "{\"temperature\":21.5,\"humidity\":40,\"battery\":93}",
                        null, u.receivedAt());
                for (String key : new String[] {"temperature", "humidity", "battery", "batteryLevel", "mode"}) {
                    p.reading("d1", u.time(), key, f % 100, f);
                }
                if (f % 2_000 == 1_999) {
                    p.commit(f * 100L);
                }
            }
            assertThat(Files.size(dir.resolve("valley.duckdb.wal"))).isGreaterThan(16L << 20);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select (select count(*) from frames), (select count(*) from readings)")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(frames);
            assertThat(r.getLong(2)).isEqualTo(5L * frames);
        }
    }
}
