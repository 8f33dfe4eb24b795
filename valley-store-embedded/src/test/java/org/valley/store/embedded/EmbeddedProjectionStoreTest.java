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
import org.valley.store.FrameQueries;
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
        execute("insert into frames (batch, tenant, network_id, seq, ext) values (2, 'acme', 'AB', 3, 3)",
                "insert into reading_devices values (2, 1, 'd2')",
                "insert into reading_keys values (2, 1, 'w')",
                "insert into reading_shapes values (2, 1, '[1]', null)",
                "insert into reading_values (batch, device_no, ext, shape, nums) values (2, 1, 3, 1, '[3]')");
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
        assertThat(count("reading_sets")).isEqualTo(3);
        assertThat(count("reading_devices")).isEqualTo(1);
        assertThat(count("reading_shapes")).isEqualTo(1);
        // the numbers the unfinished batch gave are free again, and given afresh
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            p.reading("d3", 1_763_719_200_000L, "w", 4.5, 3);
            p.commit(300);
            assertThat(store.queries().readings("d3", null, null, null, 10)).singleElement()
                    .satisfies(r -> assertThat(r.key()).isEqualTo("w"))
                    .satisfies(r -> assertThat(r.value()).isEqualTo(4.5));
            assertThat(store.queries().readings("d2", null, null, null, 10)).isEmpty();
            assertThat(store.queries().readings("d1", "v", null, null, 10)).hasSize(3);
            assertThat(store.queries().readings("d1", "w", null, null, 10)).isEmpty();
        }
    }

    /** A store whose readings named their device and key as text, as the first versions wrote them. */
    @Test
    void open_storeWithTextReadings_numbersDevicesAndKeys_andReadsTheSameReadings() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("""
                    create table readings(batch bigint, device_id varchar, ts timestamp_ms, key varchar,
                      num double, str varchar, kind tinyint, ext bigint)""");
            s.execute("""
                    insert into readings values
                      (1, 'desk-1', make_timestamp_ms(1000), 'occupied', 1, null, 1, 7),
                      (1, 'desk-1', make_timestamp_ms(1000), 'battery', 93, null, 0, 7),
                      (1, 'desk-2', make_timestamp_ms(2000), 'mode', null, 'standby', 2, 3),
                      (2, 'desk-1', make_timestamp_ms(3000), 'battery', 92, null, 0, 8)""");
            recordBatch(s, 2, 400);
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.projection().open();
            assertThat(readings(store, "desk-1")).containsExactly("3000 battery=92.0", "1000 battery=93.0", "1000 occupied=true");
            assertThat(store.queries().readings("desk-2", "mode", null, null, 10)).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo("standby"));
            assertThat(store.queries().aggregate("desk-1", "battery", 10_000, null, null)).singleElement()
                    .satisfies(b -> assertThat(b.count()).isEqualTo(2))
                    .satisfies(b -> assertThat(b.avg()).isEqualTo(92.5));
            // a new reading of a known device and a new key takes the numbers after the migrated ones
            store.projection().reading("desk-2", 4000, "battery", 80, 4);
            store.projection().reading("desk-3", 4000, "light", 12, 1);
            store.projection().commit(0);
            assertThat(store.queries().readings("desk-2", "battery", null, null, 10)).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(80.0));
            assertThat(store.queries().readings("desk-3", null, null, null, 10)).singleElement()
                    .satisfies(r -> assertThat(r.key()).isEqualTo("light"));
        }
        assertThat(count("reading_devices")).isEqualTo(3);
        assertThat(count("reading_keys")).isEqualTo(4);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from information_schema.columns "
                        + "where table_name = 'readings' and column_name in ('device_id', 'key')")) {
            r.next();
            assertThat(r.getLong(1)).isZero();
        }
    }

    /** A store with a row per reading: each frame's readings become one set, in the order they were written. */
    @Test
    void open_storeWithARowPerReading_groupsEachFramesReadingsIntoOneSet_andReadsTheSameReadings() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("""
                    create table readings(batch bigint, device_no integer, ts timestamp_ms, key_no integer,
                      num double, str varchar, kind tinyint, ext bigint)""");
            s.execute("create table reading_devices(batch bigint, no integer, device_id varchar)");
            s.execute("create table reading_keys(batch bigint, no integer, key varchar)");
            s.execute("insert into reading_devices values (1, 0, 'desk-1'), (1, 1, 'desk-2')");
            s.execute("insert into reading_keys values (1, 0, 'occupied'), (1, 1, 'battery'), (1, 2, 'mode')");
            s.execute("""
                    insert into readings values
                      (1, 0, make_timestamp_ms(1000), 1, 93, null, 0, 7),
                      (1, 0, make_timestamp_ms(1000), 0, 1, null, 1, 7),
                      (1, 1, make_timestamp_ms(2000), 2, null, 'standby', 2, 3),
                      (1, 1, make_timestamp_ms(2000), 1, 50, null, 0, 3),
                      (2, 0, make_timestamp_ms(3000), 1, 92, null, 0, 8)""");
            recordBatch(s, 2, 400);
        }
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.projection().open();
            assertThat(readings(store, "desk-1")).containsExactly("3000 battery=92.0", "1000 battery=93.0", "1000 occupied=true");
            assertThat(readings(store, "desk-2")).containsExactly("2000 battery=50.0", "2000 mode=standby");
            assertThat(store.queries().aggregate("desk-1", "battery", 10_000, null, null)).singleElement()
                    .satisfies(b -> assertThat(b.count()).isEqualTo(2))
                    .satisfies(b -> assertThat(b.min()).isEqualTo(92.0))
                    .satisfies(b -> assertThat(b.last()).isEqualTo(92.0));
            assertThat(store.queries().aggregate("desk-2", "mode", 10_000, null, null)).singleElement()
                    .satisfies(b -> assertThat(b.min()).isNull())
                    .satisfies(b -> assertThat(b.last()).isEqualTo("standby"));
        }
        assertThat(count("reading_sets")).isEqualTo(3);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select device_no, keys::varchar, nums::varchar, kinds::varchar, strs::varchar "
                        + "from reading_sets order by batch, device_no")) {
            List<String> sets = new java.util.ArrayList<>();
            while (r.next()) {
                sets.add(r.getInt(1) + " " + r.getString(2) + " " + r.getString(3) + " " + r.getString(4) + " "
                        + r.getString(5));
            }
            assertThat(sets).containsExactly(
                    "0 [1, 0] [93.0, 1.0] [0, 1] null",
                    "1 [2, 1] [NULL, 50.0] [2, 0] [standby, NULL]",
                    "0 [1] [92.0] null null");
            assertThat(count("information_schema.tables where table_name = 'readings'")).isZero();
        }
    }

    /** A store whose sets were list columns: each set becomes the text of its lists, and reads the same. */
    @Test
    void open_storeWithListColumns_keepsEachSetAsText_andReadsTheSameReadings() throws Exception {
        String lists = "keys integer[], nums double[], kinds tinyint[], strs varchar[]";
        earlierStore(
                "create table reading_sets(batch bigint, device_no integer, ts timestamp_ms, ext bigint, " + lists + ")",
                "insert into reading_sets values (1, 0, make_timestamp_ms(1000), 7, [1, 0], [93.25, 1], [0, 1], null), "
                    + "(1, 1, make_timestamp_ms(2000), 3, [2, 1], [null, 1e-7], [2, 0], ['stand, \"by\"]', null]), "
                    + "(2, 0, make_timestamp_ms(3000), 8, [1], [-0.1], null, null)");
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.projection().open();
            assertThat(readings(store, "desk-1")).containsExactly("3000 battery=-0.1", "1000 battery=93.25", "1000 occupied=true");
            assertThat(readings(store, "desk-2")).containsExactly("2000 battery=1.0E-7", "2000 mode=stand, \"by\"]");
            assertThat(store.queries().readings("desk-1", "battery", null, null, 10)).hasSize(2);
        }
        assertThat(count("reading_values")).isEqualTo(3);
        assertThat(count("reading_shapes")).isEqualTo(3);
        assertThat(count("information_schema.tables where table_name = 'reading_sets' and table_type = 'VIEW'"))
                .isEqualTo(1);
        assertThat(count("information_schema.tables where table_name = 'reading_texts'")).isZero();
        // opening again leaves the store as it is
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            store.projection().open();
            assertThat(readings(store, "desk-2")).containsExactly("2000 battery=1.0E-7", "2000 mode=stand, \"by\"]");
        }
        assertThat(count("reading_values")).isEqualTo(3);
        assertThat(count("reading_shapes")).isEqualTo(3);
    }

    /**
     * A store whose sets kept their keys and kinds on each row: the sets of one shape share it, whether
     * the writer or an earlier migration (which wrote a space after each comma) wrote the text, and new
     * sets of that shape take its number.
     */
    @Test
    void open_storeWithKeysOnEachSet_numbersEachShapeOnce_andReadsTheSameReadings() throws Exception {
        earlierStore(
                "create table reading_texts(batch bigint, device_no integer, ts timestamp_ms, ext bigint, "
                    + "keys varchar, nums varchar, kinds varchar, strs varchar)",
                "create view reading_sets as select batch, device_no, ts, ext, keys::integer[] keys, nums::double[] nums, "
                    + "kinds::tinyint[] kinds, strs::json::varchar[] strs from reading_texts",
                "insert into reading_texts values (1, 0, make_timestamp_ms(1000), 7, '[1,0]', '[93.25,1.0]', '[0,1]', null), "
                    + "(1, 0, make_timestamp_ms(2000), 8, '[1, 0]', '[92.0, 0.0]', '[0, 1]', null), "
                    + "(1, 1, make_timestamp_ms(2000), 3, '[2,1]', '[null,1.0E-7]', '[2,0]', '[\"stand, \\\"by\\\"]\",null]'), "
                    + "(2, 1, make_timestamp_ms(3000), 4, '[1]', '[-0.1]', null, null)");
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            assertThat(readings(store, "desk-1")).containsExactly("2000 battery=92.0", "2000 occupied=false",
                    "1000 battery=93.25", "1000 occupied=true");
            assertThat(readings(store, "desk-2")).containsExactly("3000 battery=-0.1", "2000 battery=1.0E-7",
                    "2000 mode=stand, \"by\"]");
            p.reading("desk-2", 4000, "battery", 91, 5);
            p.reading("desk-2", 4000, "occupied", false, 5);
            p.commit(500);
            assertThat(readings(store, "desk-2")).startsWith("4000 battery=91.0", "4000 occupied=false");
        }
        assertThat(count("reading_values")).isEqualTo(5);
        assertThat(count("reading_shapes")).isEqualTo(3);
        assertThat(count("information_schema.tables where table_name = 'reading_texts'")).isZero();
    }

    /** Readings of numbers only leave the kinds and texts out; a boolean or a text value brings both lists. */
    @Test
    void reading_aFramesReadingsAreOneSet_withKindsAndTextsOnlyWhenNotAllNumbers() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            p.reading("desk-1", 1000, "temperature", 21.5, 1);
            p.reading("desk-1", 1000, "humidity", 40, 1);
            p.reading("desk-1", 2000, "occupied", true, 2);
            p.reading("desk-1", 2000, "mode", "standby", 2);
            p.reading("desk-1", 2000, "battery", 90, 2);
            p.reading("desk-2", 2000, "battery", 80, 2);
            p.commit(0);
            assertThat(readings(store, "desk-1")).containsExactly("2000 battery=90.0", "2000 mode=standby", "2000 occupied=true",
                            "1000 humidity=40.0", "1000 temperature=21.5");
            assertThat(store.queries().readings("desk-1", "occupied", null, null, 10)).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(true));
            assertThat(store.queries().readings("desk-1", "battery", 1500L, 2500L, 10)).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(90.0));
            assertThat(store.queries().readings("desk-1", "battery", 500L, 1500L, 10)).isEmpty();
            assertThat(store.queries().readings("desk-1", "nothing", null, null, 10)).isEmpty();
            // values whose text needs care: quotes, commas and brackets in a text, the extremes of a double
            p.reading("desk-3", 3000, "label", "a \"b\", [c]\\", 3);
            p.reading("desk-3", 3000, "tiny", -4.9e-324, 3);
            p.reading("desk-3", 3000, "huge", Double.MAX_VALUE, 3);
            p.reading("desk-3", 3000, "third", 1 / 3.0, 3);
            p.commit(1);
            assertThat(store.queries().readings("desk-3", null, null, null, 10)).extracting(r -> r.key() + "=" + r.value())
                    .containsExactlyInAnyOrder("label=a \"b\", [c]\\", "tiny=-4.9E-324", "huge=1.7976931348623157E308",
                            "third=0.3333333333333333");
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select ext, len(keys), kinds::varchar, strs::varchar "
                        + "from reading_sets order by device_no, ext")) {
            List<String> sets = new java.util.ArrayList<>();
            while (r.next()) {
                sets.add(r.getLong(1) + " " + r.getInt(2) + " " + r.getString(3) + " " + r.getString(4));
            }
            assertThat(sets).containsExactly("1 2 null null", "2 3 [1, 2, 0] [NULL, standby, NULL]", "2 1 null null",
                    "3 4 [2, 0, 0, 0] ['a \"b\", [c]\\\\', NULL, NULL, NULL]"); // DuckDB writes the backslash escaped
        }
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

    /**
     * A store whose receptions and decodes were tables of their own: they become {@code
     * reception_rows} and {@code decode_rows}, its frames read back with them through the views, and
     * the delivery counts survive the change.
     */
    @Test
    void open_storeWithReceptionAndDecodeTables_keepsTheirRows_andReadsTheSameFrames() throws Exception {
        execute("""
                create table frames(batch bigint, journal_position bigint, tenant varchar, integration varchar,
                  network_id varchar, seq bigint, ext bigint, time timestamp_ms, received_at timestamp_ms, payload blob,
                  ack boolean, restart boolean, meta varchar, kind tinyint, f_port integer, dedup varchar)""",
                """
                create table receptions(batch bigint, tenant varchar, network_id varchar, ext bigint, station varchar,
                  rssi double, snr double, duplicate boolean, advanced boolean, received_at timestamp_ms,
                  journal_position bigint)""",
                """
                create table decodes(batch bigint, tenant varchar, network_id varchar, ext bigint, device_id varchar,
                  codec_id varchar, codec_version integer, decoded varchar, error varchar, decoded_at timestamp_ms)""",
                "insert into frames values (1, 100, 'acme', 'sigfox-1', 'AB', 7, 7, make_timestamp_ms(1000), "
                    + "make_timestamp_ms(2000), '\\x2A'::blob, false, false, null, 1, null, null)",
                "insert into receptions values (1, 'acme', 'AB', 7, '1D2A', -120.0, 8.0, false, false, "
                    + "make_timestamp_ms(2000), 100), (1, 'acme', 'AB', 7, '0B3F', -125.0, 4.0, true, false, "
                    + "make_timestamp_ms(2050), 160)",
                "insert into decodes values (1, 'acme', 'AB', 7, 'd1', 'c', 1, '{\"v\":1.0}', null, make_timestamp_ms(2000))",
                "create table meta(k varchar primary key, v bigint)",
                "insert into meta values ('batch', 1), ('applied', 160)");
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore.TrackState track = store.projection().open().tracks().get(0);
            assertThat(track.frames()).isEqualTo(1);
            assertThat(track.duplicates()).isEqualTo(1);
            assertThat(store.queries().frames("acme", "AB", null, null, 10)).singleElement().satisfies(f -> {
                assertThat(f.receptions()).extracting(FrameQueries.ReceptionView::station).containsExactly("1D2A", "0B3F");
                assertThat(f.decodedJson()).isEqualTo("{\"v\":1.0}");
            });
        }
        assertThat(count("reception_rows")).isEqualTo(2);
        assertThat(count("decode_rows")).isEqualTo(1);
        assertThat(count("information_schema.tables where table_name in ('receptions', 'decodes') "
                + "and table_type = 'VIEW'")).isEqualTo(2);
    }

    /** A device's readings, newest first, as "time key=value". */
    private static List<String> readings(EmbeddedStore store, String deviceId) {
        return store.queries().readings(deviceId, null, null, null, 10).stream()
                .map(r -> r.ts() + " " + r.key() + "=" + r.value()).toList();
    }

    /** Records batch {@code batch} as complete at journal position {@code applied}, as an earlier version did. */
    private static void recordBatch(Statement s, long batch, long applied) throws Exception {
        s.execute("create table meta(k varchar primary key, v bigint)");
        s.execute("insert into meta values ('batch', " + batch + "), ('applied', " + applied + ")");
    }

    /**
     * Writes a store of an earlier layout: two devices and three keys numbered, batch 2 complete at
     * position 400, and the given readings tables.
     */
    private void earlierStore(String... readings) throws Exception {
        execute("create table reading_devices(batch bigint, no integer, device_id varchar)",
                "create table reading_keys(batch bigint, no integer, key varchar)",
                "insert into reading_devices values (1, 0, 'desk-1'), (1, 1, 'desk-2')",
                "insert into reading_keys values (1, 0, 'occupied'), (1, 1, 'battery'), (1, 2, 'mode')",
                "create table meta(k varchar primary key, v bigint)",
                "insert into meta values ('batch', 2), ('applied', 400)");
        execute(readings);
    }

    /** Runs statements on the store's file, as another process would. */
    private void execute(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
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
                        union all select 'reading ' || ext || ' ' || key || '=' || num
                          from (select ext, unnest(keys) key_no, unnest(nums) num from reading_sets) join reading_keys on no = key_no
                        order by 1""")) {
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

    /** A reception with NaN or an infinity, which JSON cannot hold, and those after it are rows, in order. */
    @Test
    void receptionsWithoutAJsonNumber_areRowsOfTheirOwn_inTheOrderWritten() throws Exception {
        Uplink u = new Uplink(UplinkKind.CHIRPSTACK_UPLINK, "acme", "cs-1", "70B3D57E00000001", 5, 1_763_719_200_000L,
                1_763_719_201_000L, new byte[] {1}, List.of(new Reception("gw-1", -70.0, 7.0),
                        new Reception("gw-2", -80.0, 6.0), new Reception("gw-3", -90.0, Double.NaN),
                        new Reception("gw-4", Double.NEGATIVE_INFINITY, 4.0), new Reception("gw-5", -100.0, 3.0)),
                false, false, null);
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            p.frame(100, u, 5, false);
            for (Reception r : u.receptions()) {
                p.reception(100, u, 5, r, false);
            }
            p.decode("acme", "70B3D57E00000001", 5, "d1", "c", 1, "{}", null, 0);
            p.commit(100);
            List<FrameQueries.FrameView> frames = store.queries().frames("acme", "70B3D57E00000001", null, null, 10);
            assertThat(frames.get(0).receptions()).containsExactly(
                    new FrameQueries.ReceptionView("gw-1", -70.0, 7.0, false),
                    new FrameQueries.ReceptionView("gw-2", -80.0, 6.0, false),
                    new FrameQueries.ReceptionView("gw-3", -90.0, Double.NaN, false),
                    new FrameQueries.ReceptionView("gw-4", Double.NEGATIVE_INFINITY, 4.0, false),
                    new FrameQueries.ReceptionView("gw-5", -100.0, 3.0, false));
        }
        assertThat(count("frames where rx_more is not null")).isEqualTo(1);
        assertThat(count("reception_rows")).isEqualTo(3);
    }

    /**
     * A new frame's row keeps the delivery that brought it, all its receptions (the first in columns,
     * the others in a list, in the order they were written), and its first decode; the receptions of
     * later deliveries and a decode that comes later are rows of their own, and the frames read back
     * with all of them, as do the delivery counts after a restart.
     */
    @Test
    void frame_keepsItsFirstReceptionAndDecodeOnItsRow_andReadsBackEveryReceptionInOrder() throws Exception {
        Uplink first = new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "AB", 0, 1_763_719_200_000L,
                1_763_719_201_000L, new byte[] {1}, List.of(new Reception("1D2A", -120.0, 8.0), new Reception("0B3F", -110.5, null),
                new Reception("gw \"7\" \\ é", null, -3.25)), false, false, null);
        Uplink again = new Uplink(UplinkKind.SIGFOX_DATA, "acme", "sigfox-1", "AB", 0, 1_763_719_200_000L,
                1_763_719_201_050L, new byte[] {1}, List.of(new Reception("C3D4", -131.0, 2.5)), true, false, null);
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            p.frame(100, first, 0, false);
            for (Reception r : first.receptions()) {
                p.reception(100, first, 0, r, false);
            }
            decodeV(p, 0, 1, 7);
            p.reception(160, again, 0, again.receptions().get(0), false);
            Uplink second = uplink(1);
            p.frame(200, second, 1, false);
            p.reception(200, second, 1, second.receptions().get(0), false); // no decode follows: the commit ends the row
            p.commit(200);
            decodeV(p, 1, 1, 8);
            p.commit(200);
            List<FrameQueries.FrameView> frames = store.queries().frames("acme", "AB", null, null, 10);
            assertThat(frames).extracting(FrameQueries.FrameView::extended).containsExactly(1L, 0L);
            assertThat(frames.get(1).receptions()).containsExactly(
                    new FrameQueries.ReceptionView("1D2A", -120.0, 8.0, false),
                    new FrameQueries.ReceptionView("0B3F", -110.5, null, false),
                    new FrameQueries.ReceptionView("gw \"7\" \\ é", null, -3.25, false),
                    new FrameQueries.ReceptionView("C3D4", -131.0, 2.5, true));
            assertThat(frames.get(1).decodedJson()).isEqualTo("{\"v\":7.0}");
            assertThat(frames.get(1).codecVersion()).isEqualTo(1);
            assertThat(frames.get(0).receptions()).containsExactly(new FrameQueries.ReceptionView("1D2A", -120.0, 8.0, false));
            assertThat(frames.get(0).decodedJson()).isEqualTo("{\"v\":8.0}");
            assertThat(readings(store, "d1")).containsExactlyInAnyOrder("0 v=7.0", "0 v=8.0");
        }
        assertThat(count("frames where rx_station is not null and d_decoded is not null")).isEqualTo(1);
        assertThat(count("frames where rx_station is not null and d_decoded is null")).isEqualTo(1);
        assertThat(count("reading_values")).isEqualTo(2);
        assertThat(count("frames where rx_more is not null")).isEqualTo(1);
        assertThat(count("reception_rows")).isEqualTo(1); // the later delivery's
        assertThat(count("receptions")).isEqualTo(5);
        assertThat(count("decode_rows")).isEqualTo(1);
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore.TrackState track = store.projection().open().tracks().get(0);
            assertThat(track.frames()).isEqualTo(2);
            assertThat(track.duplicates()).isEqualTo(1); // frame 0 came in two deliveries
            assertThat(track.lastSeen()).isEqualTo(1_763_719_801_000L); // the second frame's delivery
        }
    }

    private static Uplink lorawan(long fCnt, String labels) {
        return new Uplink(UplinkKind.CHIRPSTACK_UPLINK, "acme", "chirpstack-1", "A84041000181C0DE", fCnt,
                1_763_719_200_000L + fCnt * 60_000L, 1_763_719_200_040L + fCnt * 60_000L, new byte[] {(byte) fCnt},
                List.of(new Reception("gw-1", -80.0, 7.0)), false, false, "{\"network\":\"chirpstack\",\"dr\":5}", 2,
                "01ab23cd", "k" + fCnt, labels);
    }

    /**
     * Labels are rows of their own, one per change; a frame reads the latest at or before its journal
     * position, among its metadata's members, and labels of a batch a crash left unfinished are gone
     * with it.
     */
    @Test
    void labels_areStoredPerChange_andEachFrameShowsThoseOfItsTime() throws Exception {
        String hall = "{\"applicationId\":\"campus\",\"deviceName\":\"hall\"}";
        String lobby = "{\"applicationId\":\"campus\",\"deviceName\":\"lobby\"}";
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            ProjectionStore p = store.projection();
            p.open();
            for (long fCnt = 1; fCnt <= 4; fCnt++) {
                Uplink u = lorawan(fCnt, fCnt < 3 ? hall : lobby);
                if (fCnt == 1 || fCnt == 3) {
                    p.labels(fCnt * 100, u);
                }
                p.frame(fCnt * 100, u, fCnt, false);
                p.reception(fCnt * 100, u, fCnt, u.receptions().get(0), false);
            }
            p.commit(400);
            // a batch the crash below leaves unfinished: its labels must not outlive it
            Uplink renamed = lorawan(5, "{\"deviceName\":\"gone\"}");
            p.labels(500, renamed);
            p.frame(500, renamed, 5, false);
        }
        assertThat(count("device_labels")).isEqualTo(3);
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            assertThat(store.projection().open().appliedPosition()).isEqualTo(400);
            List<FrameQueries.FrameView> frames = store.queries().frames("acme", "A84041000181C0DE", null, null, 10);
            assertThat(frames).extracting(FrameQueries.FrameView::extended).containsExactly(4L, 3L, 2L, 1L);
            assertThat(frames).extracting(FrameQueries.FrameView::metaJson).containsExactly(
                    "{\"network\":\"chirpstack\",\"dr\":5,\"applicationId\":\"campus\",\"deviceName\":\"lobby\"}",
                    "{\"network\":\"chirpstack\",\"dr\":5,\"applicationId\":\"campus\",\"deviceName\":\"lobby\"}",
                    "{\"network\":\"chirpstack\",\"dr\":5,\"applicationId\":\"campus\",\"deviceName\":\"hall\"}",
                    "{\"network\":\"chirpstack\",\"dr\":5,\"applicationId\":\"campus\",\"deviceName\":\"hall\"}");
            // another device's frames read no labels of this one
            Uplink other = new Uplink(UplinkKind.CHIRPSTACK_UPLINK, "acme", "chirpstack-1", "A84041000181C0DF", 1,
                    1_763_719_300_000L, 1_763_719_300_040L, new byte[] {1}, List.of(), false, false, null, 2, null, null);
            store.projection().frame(600, other, 1, false);
            store.projection().commit(600);
            assertThat(store.queries().frames("acme", "A84041000181C0DF", null, null, 10)).singleElement()
                    .satisfies(f -> assertThat(f.metaJson()).isNull());
        }
        assertThat(count("device_labels")).isEqualTo(2);
    }

    @Test
    void withLabels_mergesTwoObjectTexts_andLeavesEitherAloneWhenTheOtherIsEmpty() {
        assertThat(EmbeddedQueries.withLabels("{\"a\":1}", "{\"b\":\"x\"}")).isEqualTo("{\"a\":1,\"b\":\"x\"}");
        assertThat(EmbeddedQueries.withLabels(null, "{\"b\":\"x\"}")).isEqualTo("{\"b\":\"x\"}");
        assertThat(EmbeddedQueries.withLabels("{}", "{\"b\":\"x\"}")).isEqualTo("{\"b\":\"x\"}");
        assertThat(EmbeddedQueries.withLabels("{\"a\":1}", null)).isEqualTo("{\"a\":1}");
        assertThat(EmbeddedQueries.withLabels("{\"a\":1}", "{}")).isEqualTo("{\"a\":1}");
        assertThat(EmbeddedQueries.withLabels(null, null)).isNull();
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
            s.execute("insert into decode_rows (batch, tenant, network_id, ext, device_id, codec_version, decoded) "
                    + "values (2, 'acme', 'AB', 0, 'd1', 2, '{\"v\":10.0}')");
            s.execute("insert into reading_values (batch, device_no, ext, shape, nums) values (2, 0, 0, 0, '[10]')");
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
        int frames = 100_000;
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
                ResultSet r = s.executeQuery("select (select count(*) from frames), (select count(*) from reading_sets), "
                        + "(select sum(len(keys)) from reading_sets)")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(frames);
            assertThat(r.getLong(2)).isEqualTo(frames);
            assertThat(r.getLong(3)).isEqualTo(5L * frames);
        }
    }
}
