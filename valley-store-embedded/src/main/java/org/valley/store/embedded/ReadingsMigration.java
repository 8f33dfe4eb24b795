package org.valley.store.embedded;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Rewrites a readings table of the first layout, which named the device and the key of every
 * reading as text, into the numbered layout: each device and each key gets a number once, in
 * {@code reading_devices} and {@code reading_keys}, and a reading row holds the two numbers. A
 * Sens'it frame makes ten readings, so the two strings were most of what the store wrote per
 * frame. The rewrite runs in one transaction when a store of the first layout is opened.
 */
final class ReadingsMigration {

    private ReadingsMigration() {}

    static void apply(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("select count(*) from information_schema.columns "
                + "where table_name = 'readings' and column_name = 'device_id'")) {
            r.next();
            if (r.getLong(1) == 0) {
                return;
            }
        }
        s.execute("begin transaction");
        try {
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
            s.execute("commit");
        } catch (SQLException e) {
            s.execute("rollback");
            throw e;
        }
    }
}
