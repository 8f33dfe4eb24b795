package org.valley.store.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.valley.space.booking.Booking;
import org.valley.space.booking.BookingStatus;
import org.valley.space.occupancy.State;
import org.valley.space.occupancy.TimelinePoint;
import org.valley.store.SpaceStore;

/**
 * Sites, occupancy timelines and bookings in DuckDB tables of their own, and the stored readings
 * the occupancy engine replays.
 *
 * <p>Timeline writes come from the occupancy engine, which runs on the projection thread: they are
 * queued and written by a thread of this store (appended through a DuckDB appender, flushed before
 * each rewrite and after each batch), so that the projection never waits for them. The queue is
 * bounded; when it is full the engine waits, and with it the projection: back-pressure rather than
 * memory. A read of a timeline first waits until every write queued before it is written.
 */
final class EmbeddedSpaceStore implements SpaceStore, AutoCloseable {

    static final String[] SCHEMA = {
        "create table if not exists sites(id varchar primary key, tenant varchar, document varchar, updated_at timestamp_ms)",
        """
        create table if not exists space_timeline(space_id varchar, changed_at timestamp_ms, state varchar, count integer,
          confidence double, free_places integer, seq bigint)""",
        """
        create table if not exists bookings(id varchar primary key, space_id varchar, site_id varchar, start_at timestamp_ms,
          end_at timestamp_ms, organizer varchar, status varchar, created_at timestamp_ms, checked_in_at timestamp_ms,
          closed_at timestamp_ms)""",
        "alter table bookings add column if not exists created_by varchar",
    };
    private static final String BOOKING_COLUMNS = """
            select id, space_id, site_id, start_at, end_at, organizer, status, created_at, checked_in_at, closed_at,
              created_by from bookings""";
    private static final int QUEUE = 65_536;

    private sealed interface Op permits Append, Rewrite, Barrier {}

    private record Append(List<TimelinePoint> points) implements Op {}

    private record Rewrite(Collection<String> spaceIds, long from, List<TimelinePoint> points) implements Op {}

    private record Barrier(java.util.concurrent.CompletableFuture<Void> done) implements Op {}

    private final DuckDBConnection reads;
    private final DuckDBConnection writes;
    private final BlockingQueue<Op> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread writer;
    private volatile boolean running = true;
    private DuckDBAppender appender;
    private long seq;

    EmbeddedSpaceStore(DuckDBConnection reads, DuckDBConnection writes) throws SQLException {
        this.reads = reads;
        this.writes = writes;
        try (Statement s = writes.createStatement()) {
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
            try (ResultSet r = s.executeQuery("select coalesce(max(seq), 0) from space_timeline")) {
                r.next();
                seq = r.getLong(1);
            }
        }
        appender = writes.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "space_timeline");
        writer = Thread.ofPlatform().name("valley-timeline-writer").daemon(true).start(this::run);
    }

    // ---- sites ----

    @Override
    public synchronized List<StoredSite> sites() {
        try {
            return Sql.query(reads, "select id, tenant, document, updated_at from sites order by id",
                    r -> new StoredSite(r.getString(1), r.getString(2), r.getString(3), r.getTimestamp(4).toInstant()));
        } catch (SQLException e) {
            throw new StoreException("reading sites", e);
        }
    }

    @Override
    public synchronized void putSite(StoredSite site) {
        try {
            Sql.update(reads, "insert or replace into sites values (?, ?, ?, ?)", site.id(), site.tenant(), site.document(),
                    site.updatedAt());
        } catch (SQLException e) {
            throw new StoreException("writing site " + site.id(), e);
        }
    }

    @Override
    public synchronized void deleteSite(String id) {
        try {
            Sql.update(reads, "delete from sites where id = ?", id);
        } catch (SQLException e) {
            throw new StoreException("deleting site " + id, e);
        }
    }

    // ---- bookings ----

    @Override
    public synchronized void putBooking(Booking b) {
        try {
            Sql.update(reads, "insert or replace into bookings (id, space_id, site_id, start_at, end_at, organizer, status, "
                    + "created_at, checked_in_at, closed_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", b.id(),
                    b.space(), b.site(), b.start(), b.end(), b.organizer(), b.status().jsonName(), b.createdAt(),
                    b.checkedInAt(), b.closedAt(), b.createdBy());
        } catch (SQLException e) {
            throw new StoreException("writing booking " + b.id(), e);
        }
    }

    @Override
    public synchronized Booking booking(String id) {
        try {
            List<Booking> found = Sql.query(reads, BOOKING_COLUMNS + " where id = ?", EmbeddedSpaceStore::booking, id);
            return found.isEmpty() ? null : found.get(0);
        } catch (SQLException e) {
            throw new StoreException("reading booking " + id, e);
        }
    }

    @Override
    public synchronized List<Booking> activeBookings() {
        try {
            return Sql.query(reads, BOOKING_COLUMNS + " where status in ('booked', 'checked-in') order by start_at",
                    EmbeddedSpaceStore::booking);
        } catch (SQLException e) {
            throw new StoreException("reading active bookings", e);
        }
    }

    @Override
    public synchronized List<Booking> bookings(Collection<String> siteIds, String spaceId, Instant from, Instant to,
            int limit) {
        if (siteIds.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement p = reads.prepareStatement(BOOKING_COLUMNS + " " + """
                 where site_id in (select unnest(?::varchar[])) and (? is null or space_id = ?)
                  and start_at < ? and end_at > ? order by start_at, id limit ?""")) {
            p.setArray(1, reads.createArrayOf("VARCHAR", siteIds.toArray()));
            p.setString(2, spaceId);
            p.setString(3, spaceId);
            p.setTimestamp(4, Timestamp.from(to));
            p.setTimestamp(5, Timestamp.from(from));
            p.setInt(6, limit);
            List<Booking> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(booking(r));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("reading bookings", e);
        }
    }

    private static Booking booking(ResultSet r) throws SQLException {
        return new Booking(r.getString(1), r.getString(2), r.getString(3), instant(r, 4), instant(r, 5), r.getString(6),
                BookingStatus.of(r.getString(7)), instant(r, 8), instant(r, 9), instant(r, 10), r.getString(11));
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    // ---- timeline ----

    @Override
    public void appendTimeline(List<TimelinePoint> points) {
        enqueue(new Append(points));
    }

    @Override
    public void rewriteTimeline(Collection<String> spaceIds, long from, List<TimelinePoint> points) {
        enqueue(new Rewrite(List.copyOf(spaceIds), from, points));
    }

    private void enqueue(Op op) {
        if (!running) {
            throw new IllegalStateException("the space store is closed");
        }
        try {
            queue.put(op);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a timeline write", e);
        }
    }

    /** Waits until every timeline write queued so far is in the database. */
    void flush() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        enqueue(new Barrier(done));
        try {
            done.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for timeline writes", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timeline writes did not complete: " + e.getMessage(), e);
        }
    }

    private void run() {
        List<Op> batch = new ArrayList<>(1024);
        while (running || !queue.isEmpty()) {
            try {
                Op first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1023);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | SQLException e) {
                System.getLogger(EmbeddedSpaceStore.class.getName()).log(System.Logger.Level.ERROR,
                        "writing the occupancy timeline failed; these changes are lost until the spaces are rebuilt "
                                + "(at the next start)", e);
                for (Op op : batch) {
                    if (op instanceof Barrier b) {
                        b.done().completeExceptionally(e);
                    }
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Op> batch) throws SQLException {
        for (Op op : batch) {
            switch (op) {
                case Append a -> a.points().forEach(this::append);
                case Rewrite r -> {
                    appender.flush();
                    try (PreparedStatement p = writes.prepareStatement(
                            "delete from space_timeline where space_id = ? and changed_at >= make_timestamp_ms(?)::timestamp_ms")) {
                        for (String id : r.spaceIds()) {
                            p.setString(1, id);
                            p.setLong(2, r.from());
                            p.addBatch();
                        }
                        p.executeBatch();
                    }
                    r.points().forEach(this::append);
                }
                case Barrier b -> {
                    appender.flush();
                    b.done().complete(null);
                }
            }
        }
        appender.flush();
    }

    private void append(TimelinePoint p) {
        try {
            appender.beginRow().append(p.spaceId()).appendEpochMillis(p.at()).append(p.state().jsonName()).append(p.count())
                    .append(p.confidence()).append(p.freePlaces()).append(++seq).endRow();
        } catch (SQLException e) {
            throw new StoreException("appending a timeline point", e);
        }
    }

    @Override
    public List<TimelinePoint> timeline(String spaceId, long from, long to) {
        flush();
        synchronized (this) {
            try {
                List<TimelinePoint> out = new ArrayList<>(Sql.query(reads, """
                        select space_id, epoch_ms(changed_at), state, count, confidence, free_places from space_timeline
                        where space_id = ? and changed_at <= make_timestamp_ms(?)::timestamp_ms order by changed_at desc, seq desc limit 1""",
                        EmbeddedSpaceStore::point, spaceId, from));
                out.addAll(Sql.query(reads, """
                        select space_id, epoch_ms(changed_at), state, count, confidence, free_places from space_timeline
                        where space_id = ? and changed_at > make_timestamp_ms(?)::timestamp_ms and changed_at < make_timestamp_ms(?)::timestamp_ms
                        order by changed_at, seq""", EmbeddedSpaceStore::point, spaceId, from, to));
                return out;
            } catch (SQLException e) {
                throw new StoreException("reading the timeline of " + spaceId, e);
            }
        }
    }

    private static TimelinePoint point(ResultSet r) throws SQLException {
        return new TimelinePoint(r.getString(1), r.getLong(2), State.of(r.getString(3)), r.getInt(4), r.getDouble(5),
                r.getInt(6));
    }

    // ---- readings ----

    @Override
    public void readings(Collection<String> deviceIds, long from, Consumer<StoredReading> sink) {
        if (deviceIds.isEmpty()) {
            return;
        }
        try (Connection c = reads.duplicate();
                PreparedStatement p = c.prepareStatement("""
                        with r as (select device_no, ext, ts, unnest(keys) key_no, unnest(nums) num, unnest(strs) str,
                                          unnest(kinds) kind
                                   from reading_sets
                                   where device_no in (select no from reading_devices
                                                       where device_id in (select unnest(?::varchar[])))
                                     and ts >= make_timestamp_ms(?)::timestamp_ms)
                        select n.device_id, r.ext, epoch_ms(r.ts), k.key, r.num, r.str, r.kind from r
                        join reading_devices n on n.no = r.device_no join reading_keys k on k.no = r.key_no
                        order by r.ts, n.device_id, r.ext""")) {
            p.setArray(1, c.createArrayOf("VARCHAR", deviceIds.toArray()));
            p.setLong(2, from);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    sink.accept(new StoredReading(r.getString(1), r.getLong(2), r.getLong(3), r.getString(4),
                            EmbeddedQueries.value(r, 5)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading the history of " + deviceIds.size() + " devices", e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            appender.close();
            writes.close();
            reads.close();
        } catch (SQLException e) {
            throw new StoreException("closing the space store", e);
        }
    }
}
