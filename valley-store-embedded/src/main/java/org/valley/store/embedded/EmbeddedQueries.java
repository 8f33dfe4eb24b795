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

    /**
     * A frame with its receptions, its latest decode and its latest meta. The three {@code ?} bound
     * the receptions, the meta and the later decodes read to those of a batch at or after a given one
     * (0: all of them). A frame's receptions, decodes and meta are all written in its own batch or a
     * later one, and batches are numbered in the order rows are appended, so such a bound lets DuckDB
     * skip every row group whose zone map (the group's least and greatest value) lies before it. The
     * frame's first decode is on its own row (decision 19); a later one, in {@code decode_rows}, wins
     * when it is as recent or more. The device's labels are the latest written at or before the
     * frame's journal position (decision 23).
     */
    private static final String FRAME_COLUMNS = """
            select f.tenant, f.network_id, f.seq, f.ext, epoch_ms(f.time), epoch_ms(f.received_at), f.payload,
              (select list({'station': r.station, 'rssi': r.rssi, 'snr': r.snr, 'duplicate': r.duplicate}
                           order by r.advanced, r.received_at, r.ordinal)
                 from receptions r where r.tenant = f.tenant and r.network_id = f.network_id and r.ext = f.ext
                   and r.batch >= ?),
              %s, %s, %s, %s,
              coalesce((select last(m.meta order by m.received_at) from frame_meta m
                        where m.tenant = f.tenant and m.network_id = f.network_id and m.ext = f.ext
                          and m.batch >= ?), f.meta),
              f.restart, f.f_port,
              (select last(l.labels order by l.journal_position) from device_labels l
                where l.tenant = f.tenant and l.network_id = f.network_id and l.journal_position <= f.journal_position)
            from frames f
            left join (select tenant, network_id, ext, arg_max(decoded, decoded_at) AS decoded, arg_max(error, decoded_at) AS error,
                              arg_max(codec_id, decoded_at) AS codec_id, arg_max(codec_version, decoded_at) AS codec_version,
                              max(decoded_at) AS decoded_at
                       from decode_rows where batch >= ?
                       group by tenant, network_id, ext) later
              on later.tenant = f.tenant and later.network_id = f.network_id and later.ext = f.ext
            """.formatted(latest("decoded"), latest("error"), latest("codec_id"), latest("codec_version"));

    /** A column of the frame's latest decode: of its row's first decode, or of a later one as recent or more. */
    private static String latest(String column) {
        return "case when later.decoded_at is not null and (f.d_decoded_at is null or later.decoded_at >= f.d_decoded_at) "
                + "then later." + column + " else f.d_" + column + " end";
    }

    /** The first window the latest frames or readings are looked for in, back from now or from {@code to}. */
    private static final long FIRST_WINDOW_MILLIS = 86_400_000L;
    /** Each window after the first is this many times longer. */
    private static final int WINDOW_GROWTH = 8;
    /** Windows beyond this length are not tried: the query then reads the whole history. */
    private static final long LAST_WINDOW_MILLIS = 4 * 365 * 86_400_000L;

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
                withLabels(r.getString(13), r.getString(16)), r.getBoolean(14));
    }

    /**
     * A frame's metadata with the device's labels among its members. Both are JSON object texts
     * Valley wrote, and no member is in both: an uplink's labels are left out of its metadata.
     */
    static String withLabels(String meta, String labels) {
        if (labels == null || labels.length() <= 2) {
            return meta;
        }
        if (meta == null || meta.length() <= 2) {
            return labels;
        }
        return meta.substring(0, meta.length() - 1) + "," + labels.substring(1);
    }

    /**
     * The newest frames first. A query without {@code from} looks in windows back from now (or from
     * {@code to}): a day, then eight, 64 and 512, then the whole history, and stops at the first that
     * holds {@code limit} frames; each window's bound lets DuckDB skip the row groups before it, so the
     * frames of a device that sends every day cost what the last days of the store cost, not the
     * whole store (decision 21). Within a window, the frames are found first, and the receptions,
     * meta and decodes are then read from the earliest batch among them on.
     */
    @Override
    public List<FrameView> frames(String tenant, String networkId, Long from, Long to, int limit) {
        return windowed(from, to, limit, (lower, last) -> framesWhere(limit, last, """
                f.tenant = ? and f.network_id = ?
                  and (? is null or f.time >= make_timestamp_ms(?)::timestamp_ms) and (? is null or f.time < make_timestamp_ms(?)::timestamp_ms)
                order by f.time desc, f.ext desc limit ?""", tenant, networkId, lower, lower, to, to, limit));
    }

    /**
     * The frames {@code where} (a condition on {@code f}, then the order and the limit) selects, with
     * their receptions, decodes and meta read from the earliest batch among them on: first the
     * frames' count and batches, then the frames in full. Unless {@code last}, a window that holds
     * fewer than {@code limit} frames answers none without reading them in full: the next, wider
     * window is read instead.
     */
    private List<FrameView> framesWhere(int limit, boolean last, String where, Object... args) {
        List<long[]> first = query("select count(*), min(batch) from (select f.batch from frames f where " + where + ")",
                r -> new long[] {r.getLong(1), r.getLong(2)}, args);
        long found = first.isEmpty() ? 0 : first.get(0)[0];
        if (found == 0 || (found < limit && !last)) {
            return List.of();
        }
        long since = first.get(0)[1];
        Object[] all = new Object[args.length + 3];
        all[0] = since;
        all[1] = since;
        all[2] = since;
        System.arraycopy(args, 0, all, 3, args.length);
        return query(FRAME_COLUMNS + "where " + where, EmbeddedQueries::frame, all);
    }

    /**
     * Runs {@code within} for growing windows back from {@code to} (or now) until one gives {@code
     * limit} rows or reaches {@code from} (null: the start of the history). {@code within} is told
     * the window's lower bound and whether the window is the last one tried.
     */
    private static <T> List<T> windowed(Long from, Long to, int limit,
            java.util.function.BiFunction<Long, Boolean, List<T>> within) {
        long anchor = to != null ? to : System.currentTimeMillis();
        for (long span = FIRST_WINDOW_MILLIS; span <= LAST_WINDOW_MILLIS; span *= WINDOW_GROWTH) {
            long lower = anchor - span;
            if (from != null && lower - from < span) {
                break; // the window would hold half the interval or more: the interval itself costs little more
            }
            List<T> rows = within.apply(lower, false);
            if (rows.size() >= limit) {
                return rows;
            }
        }
        return within.apply(from, true);
    }

    /** The newest readings first, looked for in growing windows as {@link #frames} looks for frames. */
    @Override
    public List<ReadingView> readings(String deviceId, String key, Long from, Long to, int limit) {
        return windowed(from, to, limit, (lower, last) -> readingsWithin(deviceId, key, lower, to, limit));
    }

    private List<ReadingView> readingsWithin(String deviceId, String key, Long from, Long to, int limit) {
        return query("""
                with w as (select no from reading_keys where key = ?),
                r as (select ts, unnest(keys) key_no, unnest(nums) num, unnest(strs) str, unnest(kinds) kind
                      from reading_sets
                      where device_no = (select no from reading_devices where device_id = ?)
                        and (? is null or list_contains(keys, (select no from w)))
                        and (? is null or ts >= make_timestamp_ms(?)::timestamp_ms) and (? is null or ts < make_timestamp_ms(?)::timestamp_ms))
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
                        and (? is null or ts >= make_timestamp_ms(?)::timestamp_ms) and (? is null or ts < make_timestamp_ms(?)::timestamp_ms))
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

    /** The newest first, looked for in growing windows of reception time as {@link #frames} looks. */
    @Override
    public List<FrameView> unclaimed(String tenant, int limit) {
        return windowed(null, null, limit, (lower, last) -> framesWhere(limit, last, """
                (? is null or f.tenant = ?)
                  and (? is null or f.received_at >= make_timestamp_ms(?)::timestamp_ms)
                  and not exists (select 1 from devices v where v.network_id = f.network_id and v.tenant = f.tenant)
                order by f.received_at desc limit ?""", tenant, tenant, lower, lower, limit));
    }
}
