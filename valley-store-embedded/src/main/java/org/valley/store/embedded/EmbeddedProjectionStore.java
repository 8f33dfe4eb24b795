package org.valley.store.embedded;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.json.Json;
import org.valley.store.ProjectionStore;

/**
 * The projection's writes, through DuckDB appenders.
 *
 * <p>Atomicity. A DuckDB appender commits on its own when flushed, so rows of several tables cannot
 * be made visible in one transaction. Every row therefore carries the number of the batch that
 * wrote it, and a commit flushes every appender before it records, in the {@code meta} table,
 * the batch as complete together with the journal position it reached. At start-up, rows of any
 * batch newer than the last complete one are deleted; the journal is replayed from the recorded
 * position and writes them again. Each uplink is thus applied exactly once, whatever instant a
 * crash hits.
 *
 * <p>A new frame's row also holds the first reception of the delivery that brought it and the
 * frame's first decode (docs/decisions.md, section 19): {@link #frame} begins the row and leaves it
 * open, a {@link #reception} of that delivery fills its reception columns, the frame's {@link
 * #decode} its decode columns and ends it. Any other call ends it first, with nulls for what did not
 * come. Later receptions and decodes are rows of {@code reception_rows} and {@code decode_rows};
 * the views {@code receptions} and {@code decodes} read both.
 */
final class EmbeddedProjectionStore implements ProjectionStore {

    private static final String[] TABLES =
            {"frames", "reception_rows", "frame_meta", "decode_rows", "reading_values", "reading_shapes", "runs",
             "reading_devices", "reading_keys", "device_labels"};
    /** Deduplication keys restored per track: as many as a track remembers. */
    private static final int KEYS_PER_TRACK = 8;
    /** The earliest and latest instants a bound on a frame's time is clamped to (years -100,000 and 100,000). */
    private static final long MIN_MILLIS = -3_217_862_419_200_000L;
    private static final long MAX_MILLIS = 3_093_527_980_800_000L;

    private final DuckDBConnection connection;
    private DuckDBAppender frames;
    private DuckDBAppender receptions;
    private DuckDBAppender frameMeta;
    private DuckDBAppender decodes;
    private DuckDBAppender readings;
    private DuckDBAppender readingShapes;
    private ReadingSets sets;
    private DuckDBAppender runs;
    private DuckDBAppender readingDevices;
    private DuckDBAppender readingKeys;
    private DuckDBAppender labels;
    /**
     * The number of each device and each key that has readings: a reading row holds the two
     * numbers, not the two strings (appending a text column costs the store about twice what an
     * integer does, and ten readings per frame made them most of its writes).
     */
    private final Map<String, Integer> deviceNumbers = new HashMap<>();
    private final Map<String, Integer> keyNumbers = new HashMap<>();
    private final Map<String, Integer> shapeNumbers = new HashMap<>();
    private long batch;
    private final List<Superseded> superseded = new ArrayList<>();

    private record Superseded(String tenant, String networkId, long extended, String deviceId) {}
    private long rows;

    /** The frame row {@link #frame} began and nothing has ended yet: which frame, and what it holds. */
    private boolean frameOpen;
    private boolean frameHasReception;
    /**
     * The open frame row's further receptions of the delivery that brought the frame, as the JSON
     * list its {@code rx_more} column holds (docs/decisions.md, section 27); empty when none came.
     */
    private final StringBuilder more = new StringBuilder(128);
    /** A further reception of the open row's delivery went to a row: the others after it go there too. */
    private boolean moreClosed;
    private long openPosition;
    private String openTenant;
    private String openNetworkId;
    private long openExtended;

    EmbeddedProjectionStore(DuckDBConnection connection) {
        this.connection = connection;
    }

    @Override
    public Resume open() {
        try {
            long lastBatch = meta("batch", 0);
            long applied = meta("applied", -1);
            try (Statement s = connection.createStatement()) {
                for (String table : TABLES) {
                    s.execute("delete from " + table + " where batch > " + lastBatch);
                }
            }
            batch = lastBatch + 1;
            frames = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "frames");
            receptions = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "reception_rows");
            frameMeta = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "frame_meta");
            decodes = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "decode_rows");
            readings = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "reading_values");
            readingShapes = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "reading_shapes");
            sets = new ReadingSets(readings, readingShapes, shapeNumbers);
            runs = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "runs");
            readingDevices = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "reading_devices");
            readingKeys = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "reading_keys");
            labels = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "device_labels");
            loadNumbers("select device_id, no from reading_devices", deviceNumbers);
            loadNumbers("select key, no from reading_keys", keyNumbers);
            loadNumbers("select keys || coalesce(kinds, ''), no from reading_shapes", shapeNumbers);
            return new Resume(applied, loadTracks(), loadKeys());
        } catch (SQLException e) {
            throw new StoreException("opening the projection store", e);
        }
    }

    /**
     * Drops what the appenders hold (closing one flushes it: rows of the unfinished batch, which
     * {@link #open} then deletes), rolls back any transaction a failed commit left open, forgets the open
     * frame row and the superseded frames, and opens again.
     */
    @Override
    public Resume reopen() {
        for (DuckDBAppender a : appenders()) {
            if (a != null) {
                try {
                    a.close();
                } catch (SQLException | RuntimeException e) {
                    // what it held belongs to the unfinished batch, deleted below in any case
                }
            }
        }
        try {
            rollbackIfOpen();
        } catch (SQLException e) {
            throw new StoreException("rolling back the failed batch " + batch, e);
        }
        frameOpen = false;
        superseded.clear();
        return open();
    }

    private void loadNumbers(String sql, Map<String, Integer> into) throws SQLException {
        into.clear();
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                into.put(r.getString(1), r.getInt(2));
            }
        }
    }

    private long meta(String key, long absent) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("select v from meta where k = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getLong(1) : absent;
            }
        }
    }

    /**
     * Rebuilds every network id's frame track from the stored frames: the highest extended number,
     * the window of the 64 numbers below it, frames, duplicates (deliveries beyond the first),
     * lost frames (gaps between consecutive numbers, except before a counter restart and between
     * LoRaWAN runs, which own 2^32 numbers each), the last delivery time, the last decoded battery
     * value, and for LoRaWAN the last two runs saved. Duplicates are deliveries beyond the first:
     * deliveries are counted by journal position among the receptions (a LoRaWAN delivery has one
     * reception per gateway); rows written before positions were kept count one each.
     */
    private List<TrackState> loadTracks() throws SQLException {
        Map<String, long[]> windows = new HashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("""
                        select f.tenant || '/' || f.network_id, f.ext, m.hi from frames f
                        join (select tenant, network_id, max(ext) hi from frames group by tenant, network_id) m
                          using (tenant, network_id)
                        where f.ext >= 0 and f.ext > m.hi - 64""")) {
            while (r.next()) {
                long[] w = windows.computeIfAbsent(r.getString(1), k -> new long[1]);
                w[0] |= 1L << (r.getLong(3) - r.getLong(2));
            }
        }
        Map<String, Float> battery = new HashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("""
                        with r as (select device_no, ts, unnest(keys) key_no, unnest(nums) num
                                   from reading_sets where list_contains(keys, (select no from reading_keys where key = 'battery')))
                        select d.tenant || '/' || d.network_id, arg_max(r.num, r.ts) from r
                        join reading_devices n on r.device_no = n.no join devices d on n.device_id = d.id
                        where r.key_no = (select no from reading_keys where key = 'battery')
                          and r.num is not null
                        group by d.tenant, d.network_id""")) {
            while (r.next()) {
                battery.put(r.getString(1), r.getFloat(2));
            }
        }
        Map<String, long[]> lastRuns = lastRuns();
        List<TrackState> tracks = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("""
                        with g as (
                          select tenant, network_id, ext, time, restart, kind,
                                 lag(ext) over (partition by tenant, network_id order by ext) prev
                          from frames where ext >= 0),
                        f as (
                          select tenant, network_id, max(ext) hi, epoch_ms(arg_max(time, ext)) hi_time, count(*) n,
                                 bool_or(coalesce(kind, 1) in (3, 6)) lorawan,
                                 sum(case when prev is null or restart or (ext >> 32) <> (prev >> 32) then 0
                                          else ext - prev - 1 end) lost
                          from g group by tenant, network_id),
                        u as (select tenant, network_id, count(*) n from frames where ext < 0 group by tenant, network_id),
                        j as (select distinct tenant, network_id from runs),
                        k as (select tenant, network_id from f union select tenant, network_id from u
                              union select tenant, network_id from j),
                        d as (select tenant, network_id,
                                     count(distinct journal_position) + count(*) filter (where journal_position is null) n,
                                     epoch_ms(max(received_at)) last_seen
                              from receptions where not advanced and ext >= 0 group by tenant, network_id),
                        s as (select tenant, network_id, epoch_ms(max(received_at)) last_seen
                              from receptions where not advanced group by tenant, network_id)
                        select k.tenant, k.network_id, f.hi, f.hi_time, coalesce(f.n, 0) + coalesce(u.n, 0),
                               coalesce(d.n, 0), coalesce(f.lost, 0), coalesce(s.last_seen, 0),
                               coalesce(f.lorawan, false) or j.tenant is not null, coalesce(f.n, 0)
                        from k left join f using (tenant, network_id) left join u using (tenant, network_id)
                        left join d using (tenant, network_id) left join s using (tenant, network_id)
                        left join j using (tenant, network_id)""")) {
            while (r.next()) {
                String key = r.getString(1) + "/" + r.getString(2);
                long high = r.getObject(3) == null ? Long.MIN_VALUE : r.getLong(3);
                int frameCount = r.getInt(5);
                int sequencedFrames = r.getInt(10);
                long[] w = windows.get(key);
                long[] run = lastRuns.get(key);
                tracks.add(new TrackState(
                        r.getString(1),
                        r.getString(2),
                        r.getBoolean(9),
                        high,
                        r.getLong(4),
                        w == null ? 0 : w[0],
                        frameCount,
                        Math.max(0, r.getInt(6) - sequencedFrames),
                        r.getInt(7),
                        r.getLong(8),
                        battery.getOrDefault(key, Float.NaN),
                        run == null ? null : run[0],
                        run == null ? 0 : run[1],
                        run == null ? 0 : run[2]));
            }
        }
        return tracks;
    }

    /**
     * The last two runs saved per track: {base, session, previous session}. A run's session may be
     * saved again (a join that named none, then its first uplink): the last row of a base wins.
     */
    private Map<String, long[]> lastRuns() throws SQLException {
        Map<String, long[]> out = new HashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("""
                        select tenant || '/' || network_id, base, session from runs
                        order by tenant, network_id, base, journal_position""")) {
            while (r.next()) {
                long[] run = out.get(r.getString(1));
                long base = r.getLong(2);
                if (run == null) {
                    out.put(r.getString(1), new long[] {base, r.getLong(3), 0});
                } else {
                    if (base != run[0]) {
                        run[2] = run[1];
                    }
                    run[0] = base;
                    run[1] = r.getLong(3);
                }
            }
        }
        return out;
    }

    /** The deduplication keys of each track's last frames, oldest first. */
    private List<KeyState> loadKeys() throws SQLException {
        List<KeyState> keys = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("""
                        select tenant, network_id, dedup, ext from (
                          select tenant, network_id, dedup, ext,
                                 row_number() over (partition by tenant, network_id order by ext desc) n
                          from frames where dedup is not null and ext >= 0)
                        where n <= %d order by tenant, network_id, ext""".formatted(KEYS_PER_TRACK))) {
            while (r.next()) {
                keys.add(new KeyState(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)));
            }
        }
        return keys;
    }

    @Override
    public void frame(long position, Uplink u, long extended, boolean restart) {
        try {
            endFrame();
            frames.beginRow()
                    .append(batch)
                    .append(position)
                    .append(u.tenant())
                    .append(u.integration())
                    .append(u.networkId())
                    .append(u.seq())
                    .append(extended)
                    .appendEpochMillis(u.time())
                    .appendEpochMillis(u.receivedAt())
                    .append(u.payload())
                    .append(u.ack())
                    .append(restart)
                    .append(u.meta())
                    .append((byte) u.kind().code());
            if (u.fPort() < 0) {
                frames.appendNull();
            } else {
                frames.append(u.fPort());
            }
            frames.append(u.dedupKey());
            frameOpen = true;
            frameHasReception = false;
            more.setLength(0);
            openPosition = position;
            openTenant = u.tenant();
            openNetworkId = u.networkId();
            openExtended = extended;
            rows++;
        } catch (SQLException e) {
            throw new StoreException("appending a frame", e);
        }
    }

    /** Whether {@code value} is absent or finite: what the list's JSON can hold. */
    private static boolean jsonNumber(Double value) {
        return value == null || Double.isFinite(value);
    }

    /** Whether the open frame row is that of frame {@code extended} of this network id. */
    private boolean isOpen(String tenant, String networkId, long extended) {
        return frameOpen && openExtended == extended && openNetworkId.equals(networkId) && openTenant.equals(tenant);
    }

    /** Ends the open frame row, if any, with nulls for the reception and the decode it did not get. */
    private void endFrame() throws SQLException {
        if (!frameOpen) {
            return;
        }
        passReception();
        frames.appendNull().appendNull().appendNull().appendNull().appendNull().appendNull();
        endRow();
    }

    /** Ends the open frame row after its decode columns: the further receptions, and the row. */
    private void endRow() throws SQLException {
        if (more.isEmpty()) {
            frames.appendNull();
        } else {
            frames.append(more.append(']').toString());
        }
        frames.endRow();
        frameOpen = false;
    }

    /** Moves the open frame row past its reception columns: nulls, when no reception filled them. */
    private void passReception() throws SQLException {
        if (!frameHasReception) {
            frames.appendNull().appendNull().appendNull().appendNull();
            frameHasReception = true;
        }
    }

    /** {@link #endFrame} for the calls that do not write to the frame row. */
    private void endFrameQuietly() {
        try {
            endFrame();
        } catch (SQLException e) {
            throw new StoreException("appending a frame", e);
        }
    }

    @Override
    public void reception(long position, Uplink u, long extended, Reception r, boolean fromAdvanced) {
        try {
            if (!fromAdvanced && openPosition == position && isOpen(u.tenant(), u.networkId(), extended)) {
                // the delivery that brought the frame: its first reception goes on the frame's row,
                // the others (more gateways heard it) in the row's list
                if (!frameHasReception) {
                    frames.append(r.station()).append(r.rssi()).append(r.snr()).append(u.duplicate());
                    frameHasReception = true;
                    moreClosed = false;
                    return;
                }
                if (!moreClosed && jsonNumber(r.rssi()) && jsonNumber(r.snr())) {
                    more.append(more.isEmpty() ? "[" : ",").append("{\"s\":");
                    if (r.station() == null) {
                        more.append("null");
                    } else {
                        Json.string(r.station(), more);
                    }
                    more.append(",\"r\":").append(r.rssi()).append(",\"n\":").append(r.snr()).append('}');
                    return;
                }
                // NaN or an infinity has no JSON form: this reception, and those after it (to keep
                // their order), are rows as before
                moreClosed = true;
            }
            receptions.beginRow()
                    .append(batch)
                    .append(u.tenant())
                    .append(u.networkId())
                    .append(extended)
                    .append(r.station())
                    .append(r.rssi())
                    .append(r.snr())
                    .append(u.duplicate())
                    .append(fromAdvanced)
                    .appendEpochMillis(u.receivedAt())
                    .append(position)
                    .endRow();
            rows++;
        } catch (SQLException e) {
            throw new StoreException("appending a reception", e);
        }
    }

    @Override
    public void frameMeta(Uplink u, long extended) {
        endFrameQuietly();
        try {
            frameMeta.beginRow()
                    .append(batch)
                    .append(u.tenant())
                    .append(u.networkId())
                    .append(extended)
                    .append(u.meta())
                    .appendEpochMillis(u.receivedAt())
                    .endRow();
            rows++;
        } catch (SQLException e) {
            throw new StoreException("appending frame metadata", e);
        }
    }

    @Override
    public void labels(long position, Uplink u) {
        endFrameQuietly();
        try {
            labels.beginRow()
                    .append(batch)
                    .append(position)
                    .append(u.tenant())
                    .append(u.networkId())
                    .append(u.labels())
                    .appendEpochMillis(u.receivedAt())
                    .endRow();
            rows++;
        } catch (SQLException e) {
            throw new StoreException("appending a device's labels", e);
        }
    }

    @Override
    public void run(long position, Uplink u, long base, long session) {
        endFrameQuietly();
        try {
            runs.beginRow()
                    .append(batch)
                    .append(position)
                    .append(u.tenant())
                    .append(u.networkId())
                    .append(base)
                    .append(session)
                    .appendEpochMillis(u.time())
                    .endRow();
            rows++;
        } catch (SQLException e) {
            throw new StoreException("appending a run", e);
        }
    }

    @Override
    public void decode(String tenant, String networkId, long extended, String deviceId, String codecId, int codecVersion,
            String decodedJson, String error, long at) {
        try {
            if (isOpen(tenant, networkId, extended)) {
                // the frame's first decode goes on the frame's row, which it ends
                passReception();
                frames.append(deviceId).append(codecId);
                if (codecId == null) {
                    frames.appendNull();
                } else {
                    frames.append(codecVersion);
                }
                frames.append(decodedJson).append(error).appendEpochMillis(at);
                endRow();
                return;
            }
            endFrame();
            decodes.beginRow()
                    .append(batch)
                    .append(tenant)
                    .append(networkId)
                    .append(extended)
                    .append(deviceId)
                    .append(codecId);
            if (codecId == null) {
                decodes.appendNull();
            } else {
                decodes.append(codecVersion);
            }
            decodes.append(decodedJson)
                    .append(error)
                    .appendEpochMillis(at)
                    .endRow();
            rows++;
        } catch (SQLException e) {
            throw new StoreException("appending a decode", e);
        }
    }

    @Override
    public void reading(String deviceId, long ts, String key, Object value, long extended) {
        endFrameQuietly();
        try {
            int device = number(deviceId, deviceNumbers, readingDevices);
            rows += sets.add(batch, device, ts, extended, number(key, keyNumbers, readingKeys), value);
        } catch (SQLException e) {
            throw new StoreException("appending a reading", e);
        }
    }

    /** The number of a device or a key, given the next free one (and recorded in this batch) when it has none. */
    private int number(String name, Map<String, Integer> numbers, DuckDBAppender table) throws SQLException {
        Integer known = numbers.get(name);
        if (known != null) {
            return known;
        }
        int next = numbers.size();
        table.beginRow().append(batch).append(next).append(name).endRow();
        numbers.put(name, next);
        rows++;
        return next;
    }

    @Override
    public void supersedeDecode(String tenant, String networkId, long extended, String deviceId) {
        endFrameQuietly();
        superseded.add(new Superseded(tenant, networkId, extended, deviceId));
    }

    /**
     * Flushes the appenders (their rows carry this batch's number, so recovery drops them until the
     * batch is recorded), then in one transaction deletes the decodes and readings this batch
     * supersedes and records the batch as complete.
     */
    @Override
    public void commit(long appliedPosition) {
        endFrameQuietly();
        try {
            frames.flush();
            receptions.flush();
            frameMeta.flush();
            decodes.flush();
            rows += sets.flush(batch);
            readingShapes.flush();
            readings.flush();
            runs.flush();
            readingDevices.flush();
            readingKeys.flush();
            labels.flush();
            boolean transaction = !superseded.isEmpty();
            if (transaction) {
                connection.setAutoCommit(false);
                deleteSuperseded();
            }
            try (PreparedStatement p = connection.prepareStatement(
                    "insert or replace into meta values ('batch', ?), ('applied', ?)")) {
                p.setLong(1, batch);
                p.setLong(2, appliedPosition);
                p.executeUpdate();
            }
            if (transaction) {
                connection.commit();
                connection.setAutoCommit(true);
                superseded.clear();
            }
            batch++;
        } catch (SQLException e) {
            try {
                rollbackIfOpen();
            } catch (SQLException ignored) {
                // the original failure is what the caller needs to see
            }
            throw new StoreException("committing batch " + batch, e);
        }
    }

    /** One pass over each table, joined with the superseded frames, however many there are. */
    private void deleteSuperseded() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("create temp table if not exists superseded(tenant varchar, network_id varchar, ext bigint, "
                    + "device_id varchar)");
            st.execute("delete from superseded");
        }
        try (PreparedStatement p = connection.prepareStatement("insert into superseded values (?, ?, ?, ?)")) {
            for (Superseded s : superseded) {
                p.setString(1, s.tenant());
                p.setString(2, s.networkId());
                p.setLong(3, s.extended());
                p.setString(4, s.deviceId());
                p.addBatch();
            }
            p.executeBatch();
        }
        try (Statement st = connection.createStatement()) {
            st.execute("delete from decode_rows d using superseded s where d.tenant = s.tenant "
                    + "and d.network_id = s.network_id and d.ext = s.ext and d.batch < " + batch);
            // a first decode kept on its frame's row (section 19) is cleared rather than deleted
            st.execute("update frames f set d_device_id = null, d_codec_id = null, d_codec_version = null, "
                    + "d_decoded = null, d_error = null, d_decoded_at = null from superseded s "
                    + "where f.tenant = s.tenant and f.network_id = s.network_id and f.ext = s.ext "
                    + "and f.d_decoded_at is not null and f.batch < " + batch);
            st.execute("delete from reading_values r using superseded s, reading_devices n where r.device_no = n.no "
                    + "and n.device_id = s.device_id and r.ext = s.ext and r.batch < " + batch);
        }
    }

    @Override
    public boolean hasFrame(String tenant, String networkId, long extended) {
        endFrameQuietly();
        try (PreparedStatement p = connection.prepareStatement(
                "select 1 from frames where tenant = ? and network_id = ? and ext = ? limit 1")) {
            p.setString(1, tenant);
            p.setString(2, networkId);
            p.setLong(3, extended);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new StoreException("looking up frame " + extended + " of " + networkId, e);
        }
    }

    @Override
    public String frameKey(String tenant, String networkId, long extended) {
        endFrameQuietly();
        try (PreparedStatement p = connection.prepareStatement(
                "select coalesce(dedup, '') from frames where tenant = ? and network_id = ? and ext = ? limit 1")) {
            p.setString(1, tenant);
            p.setString(2, networkId);
            p.setLong(3, extended);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("looking up frame " + extended + " of " + networkId, e);
        }
    }

    @Override
    public List<StoredFrame> frames(String tenant, String networkId) {
        return frames(tenant, networkId, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Bounded in SQL, as the columns' own type, so that DuckDB skips the row groups outside the range. */
    @Override
    public List<StoredFrame> frames(String tenant, String networkId, long from, long to) {
        endFrameQuietly();
        List<StoredFrame> out = new ArrayList<>();
        boolean bounded = from != Long.MIN_VALUE || to != Long.MAX_VALUE;
        try (PreparedStatement p = connection.prepareStatement(
                "select ext, epoch_ms(time), payload, f_port, kind from frames where tenant = ? and network_id = ? "
                        + (bounded ? "and time >= make_timestamp_ms(?)::timestamp_ms and time < make_timestamp_ms(?)::timestamp_ms " : "")
                        + "order by time, ext")) {
            p.setString(1, tenant);
            p.setString(2, networkId);
            if (bounded) {
                // make_timestamp_ms takes microseconds' range: keep the bounds within what a timestamp holds
                p.setLong(3, Math.max(from, MIN_MILLIS));
                p.setLong(4, Math.min(to, MAX_MILLIS));
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    int fPort = r.getInt(4);
                    fPort = r.wasNull() ? Uplink.NO_PORT : fPort;
                    int kind = r.getInt(5);
                    UplinkKind k = r.wasNull() ? UplinkKind.SIGFOX_DATA : UplinkKind.ofCode(kind);
                    out.add(new StoredFrame(networkId, r.getLong(1), r.getLong(2), r.getBytes(3), fPort, k));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading the frames of " + networkId, e);
        }
    }

    @Override
    public long rowsWritten() {
        return rows;
    }

    private void rollbackIfOpen() throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    /** Every appender, in the order their tables are flushed; null before {@link #open}. */
    private DuckDBAppender[] appenders() {
        return new DuckDBAppender[] {frames, receptions, frameMeta, decodes, readingShapes, readings, runs, readingDevices,
            readingKeys, labels};
    }

    void close() {
        try {
            endFrame();
            for (DuckDBAppender a : appenders()) {
                if (a != null) {
                    a.close();
                }
            }
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("closing the projection store", e);
        }
    }
}
