package org.valley.store.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.valley.frame.Hex;
import org.valley.store.FrameQueries;

/** Queries over the projected history; each call runs on a connection of its own. */
final class EmbeddedQueries implements FrameQueries {

    private static final String FRAME_COLUMNS = """
            select f.tenant, f.network_id, f.seq, f.ext, epoch_ms(f.time), epoch_ms(f.received_at), f.payload,
              (select list({'station': r.station, 'rssi': r.rssi, 'snr': r.snr, 'duplicate': r.duplicate}
                           order by r.advanced, r.received_at, r.ordinal)
                 from receptions r where r.tenant = f.tenant and r.network_id = f.network_id and r.ext = f.ext),
              d.decoded, d.error_text, d.codec_id, d.codec_version,
              coalesce((select last(m.meta order by m.received_at) from frame_meta m where m.tenant = f.tenant and m.network_id = f.network_id and m.ext = f.ext), f.meta),
              f.restart, f.f_port
            from frames f
            left join (select tenant, network_id, ext, arg_max(decoded, decoded_at) AS decoded, arg_max(error, decoded_at) AS error_text,
                              arg_max(codec_id, decoded_at) AS codec_id, arg_max(codec_version, decoded_at) AS codec_version
                       from decodes group by tenant, network_id, ext) d
              on d.tenant = f.tenant and d.network_id = f.network_id and d.ext = f.ext
            """;

    private final DuckDBConnection root;

    EmbeddedQueries(DuckDBConnection root) {
        this.root = root;
    }

    private <T> List<T> query(String sql, Sql.Row<T> row, Object... args) {
        try (Connection c = root.duplicate()) {
            return Sql.query(c, sql, row, args);
        } catch (SQLException e) {
            throw new StoreException("query", e);
        }
    }

    private static FrameView frame(ResultSet r) throws SQLException {
        List<ReceptionView> receptions = new ArrayList<>();
        java.sql.Array list = r.getArray(8);
        if (list != null) {
            java.util.Set<String> stations = new java.util.HashSet<>();
            for (Object o : (Object[]) list.getArray()) {
                java.sql.Struct s = (java.sql.Struct) o;
                Object[] a = s.getAttributes();
                String station = (String) a[0];
                // one reception per station: a DATA callback's own figures win over DATA_ADVANCED's summary
                if (!station.isEmpty() && !stations.add(station)) {
                    continue;
                }
                receptions.add(new ReceptionView(station.isEmpty() ? null : station, (Double) a[1], (Double) a[2],
                        Boolean.TRUE.equals(a[3])));
            }
        }
        int version = r.getInt(12);
        Integer codecVersion = r.wasNull() ? null : version;
        int port = r.getInt(15);
        int fPort = r.wasNull() ? -1 : port;
        return new FrameView(r.getString(1), r.getString(2), r.getLong(3), fPort, r.getLong(4), r.getLong(5), r.getLong(6),
                Hex.encode(r.getBytes(7)), receptions, r.getString(9), r.getString(10), r.getString(11), codecVersion,
                r.getString(13), r.getBoolean(14));
    }

    @Override
    public List<FrameView> frames(String tenant, String networkId, Long from, Long to, int limit) {
        return query(FRAME_COLUMNS + """
                where f.tenant = ? and f.network_id = ?
                  and (? is null or f.time >= make_timestamp_ms(?)) and (? is null or f.time < make_timestamp_ms(?))
                order by f.time desc, f.ext desc limit ?""",
                EmbeddedQueries::frame, tenant, networkId, from, from, to, to, limit);
    }

    @Override
    public List<ReadingView> readings(String deviceId, String key, Long from, Long to, int limit) {
        return query("""
                with w as (select no from reading_keys where key = ?),
                r as (select ts, unnest(keys) key_no, unnest(nums) num, unnest(strs) str, unnest(kinds) kind
                      from reading_sets
                      where device_no = (select no from reading_devices where device_id = ?)
                        and (? is null or list_contains(keys, (select no from w)))
                        and (? is null or ts >= make_timestamp_ms(?)) and (? is null or ts < make_timestamp_ms(?)))
                select epoch_ms(r.ts), k.key, r.num, r.str, r.kind from r join reading_keys k on k.no = r.key_no
                where ? is null or r.key_no = (select no from w)
                order by r.ts desc, k.key limit ?""",
                r -> new ReadingView(r.getLong(1), r.getString(2), value(r, 3)),
                key, deviceId, key, from, from, to, to, key, limit);
    }

    /** The value of a reading from its number, text and kind at {@code column} and the two after it. */
    static Object value(ResultSet r, int column) throws SQLException {
        byte kind = r.getByte(column + 2);
        return switch (kind) {
            case ReadingSets.BOOLEAN -> r.getDouble(column) != 0;
            case ReadingSets.TEXT -> r.getString(column + 1);
            default -> r.getDouble(column);
        };
    }

    @Override
    public List<Bucket> aggregate(String deviceId, String key, long intervalMillis, Long from, Long to) {
        return query("""
                with w as (select no from reading_keys where key = ?),
                r as (select ts, unnest(keys) key_no, unnest(nums) num, unnest(strs) str, coalesce(unnest(kinds), 0) kind
                      from reading_sets
                      where device_no = (select no from reading_devices where device_id = ?)
                        and list_contains(keys, (select no from w))
                        and (? is null or ts >= make_timestamp_ms(?)) and (? is null or ts < make_timestamp_ms(?)))
                select epoch_ms(time_bucket(to_milliseconds(?), ts)) b, count(*), min(num), max(num), avg(num),
                       arg_max(num, ts), arg_max(str, ts), arg_max(kind, ts)
                from r where key_no = (select no from w)
                group by b order by b""",
                r -> {
                    Object last = value(r, 6);
                    boolean numeric = r.getByte(8) != ReadingSets.TEXT;
                    return new Bucket(r.getLong(1), r.getLong(2), numeric ? r.getDouble(3) : null,
                            numeric ? r.getDouble(4) : null, numeric ? r.getDouble(5) : null, last);
                },
                key, deviceId, from, from, to, to, intervalMillis);
    }

    @Override
    public List<FrameView> unclaimed(String tenant, int limit) {
        return query(FRAME_COLUMNS + """
                where (? is null or f.tenant = ?)
                  and not exists (select 1 from devices v where v.network_id = f.network_id and v.tenant = f.tenant)
                order by f.received_at desc limit ?""",
                EmbeddedQueries::frame, tenant, tenant, limit);
    }
}
