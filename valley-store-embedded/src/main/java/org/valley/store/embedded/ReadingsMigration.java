package org.valley.store.embedded;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings the readings of a store made by an earlier version to the current layout, in one
 * transaction per step, when the store is opened:
 * <ol>
 *   <li>The first layout named the device and the key of every reading as text: each device and
 *       each key gets a number once, in {@code reading_devices} and {@code reading_keys}, and a
 *       reading row holds the two numbers (docs/decisions.md, section 12).
 *   <li>The second layout had a row per reading: the readings of one device, time and frame become
 *       one set, in the order they were written (section 16).
 *   <li>The third layout kept a set's lists as list columns of {@code reading_sets}; they become
 *       the text of the lists (section 17).
 *   <li>The fourth layout kept a set's keys and kinds on its row, in {@code reading_texts}: each
 *       distinct pair becomes a shape, numbered in {@code reading_shapes}, and the set's row in
 *       {@code reading_values} holds the shape's number (section 18).
 * </ol>
 * The first three steps write the fourth layout, which the last step then converts. Queries read
 * the sets through the view {@code reading_sets}, which joins each row to its shape and casts the
 * texts back to lists.
 */
final class ReadingsMigration {

    private ReadingsMigration() {}

    /** The fourth layout, which the earlier ones are first brought to. */
    private static final String TEXTS = """
            create table if not exists reading_texts(batch bigint, device_no integer, ts timestamp_ms, ext bigint,
              keys varchar, nums varchar, kinds varchar, strs varchar)""";

    static void apply(Statement s) throws SQLException {
        if (count(s, "select count(*) from information_schema.columns "
                + "where table_name = 'readings' and column_name = 'device_id'") > 0) {
            inTransaction(s, () -> {
                s.execute("""
                        insert into reading_devices
                        select 0, (row_number() over (order by device_id) - 1)::integer, device_id
                        from (select distinct device_id from readings)""");
                s.execute("""
                        insert into reading_keys
                        select 0, (row_number() over (order by key) - 1)::integer, key
                        from (select distinct key from readings)""");
                s.execute("alter table readings rename to readings_text");
                s.execute("""
                        create table readings(batch bigint, device_no integer, ts timestamp_ms, key_no integer,
                          num double, str varchar, kind tinyint, ext bigint)""");
                s.execute("""
                        insert into readings
                        select r.batch, d.no, r.ts, k.no, r.num, r.str, r.kind, r.ext from readings_text r
                        join reading_devices d on d.device_id = r.device_id join reading_keys k on k.key = r.key""");
                s.execute("drop table readings_text");
            });
        }
        if (count(s, "select count(*) from information_schema.tables where table_name = 'readings'") > 0) {
            inTransaction(s, () -> {
                s.execute(TEXTS);
                s.execute("""
                        insert into reading_texts
                        with r as (select *, row_number() over () i from readings)
                        select batch, device_no, ts, ext, list(key_no order by i)::varchar, list(num order by i)::varchar,
                               case when bool_and(kind = 0) then null else list(kind order by i)::varchar end,
                               case when bool_and(kind <> 2) then null else to_json(list(str order by i))::varchar end
                        from r group by batch, device_no, ts, ext""");
                s.execute("drop table readings");
            });
        }
        if (count(s, "select count(*) from information_schema.tables "
                + "where table_name = 'reading_sets' and table_type = 'BASE TABLE'") > 0) {
            inTransaction(s, () -> {
                s.execute(TEXTS);
                s.execute("""
                        insert into reading_texts
                        select batch, device_no, ts, ext, keys::varchar, nums::varchar, kinds::varchar, to_json(strs)::varchar
                        from reading_sets""");
                s.execute("drop table reading_sets");
            });
        }
        if (count(s, "select count(*) from information_schema.tables where table_name = 'reading_texts'") > 0) {
            inTransaction(s, () -> {
                // DuckDB writes a list's text with a space after each comma; the writer writes none, and a
                // shape is found by its text
                s.execute("""
                        insert into reading_shapes
                        select 0, (row_number() over (order by keys, kinds) - 1
                                   + (select count(*) from reading_shapes))::integer, keys, kinds
                        from (select distinct replace(keys, ' ', '') keys, replace(kinds, ' ', '') kinds from reading_texts)""");
                s.execute("""
                        insert into reading_values
                        select t.batch, t.device_no, t.ts, t.ext, h.no, t.nums, t.strs from reading_texts t
                        join reading_shapes h on h.keys = replace(t.keys, ' ', '')
                         and h.kinds is not distinct from replace(t.kinds, ' ', '')""");
                s.execute("drop view if exists reading_sets");
                s.execute("drop table reading_texts");
            });
        }
        s.execute("""
                create or replace view reading_sets as
                select r.batch, r.device_no, r.ts, r.ext, h.keys, r.nums::double[] nums, h.kinds, r.strs::json::varchar[] strs
                from reading_values r
                join (select no, keys::integer[] keys, kinds::tinyint[] kinds from reading_shapes) h on r.shape = h.no""");
    }

    private interface Step {
        void run() throws SQLException;
    }

    private static void inTransaction(Statement s, Step step) throws SQLException {
        s.execute("begin transaction");
        try {
            step.run();
            s.execute("commit");
        } catch (SQLException e) {
            s.execute("rollback");
            throw e;
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
