package org.valley.store.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.valley.store.Catalog;
import org.valley.store.FrameQueries;
import org.valley.store.ProjectionStore;
import org.valley.store.SpaceStore;

/**
 * The embedded store: one DuckDB database file in the data directory. The projection writes
 * through the DuckDB appender on its own connection; the catalog and the queries use their own
 * connections to the same database (DuckDB's MVCC keeps readers consistent).
 */
public final class EmbeddedStore implements AutoCloseable {

    private static final String[] SCHEMA = {
        "create table if not exists meta(k varchar primary key, v bigint)",
        """
        create table if not exists frames(batch bigint, journal_position bigint, tenant varchar, integration varchar,
          network_id varchar, seq bigint, ext bigint, time timestamp_ms, received_at timestamp_ms, payload blob,
          ack boolean, restart boolean, meta varchar, kind tinyint, f_port integer, dedup varchar)""",
        """
        create table if not exists reception_rows(batch bigint, tenant varchar, network_id varchar, ext bigint, station varchar,
          rssi double, snr double, duplicate boolean, advanced boolean, received_at timestamp_ms, journal_position bigint)""",
        """
        create table if not exists runs(batch bigint, journal_position bigint, tenant varchar, network_id varchar,
          base bigint, session bigint, time timestamp_ms)""",
        """
        create table if not exists frame_meta(batch bigint, tenant varchar, network_id varchar, ext bigint, meta varchar,
          received_at timestamp_ms)""",
        """
        create table if not exists decode_rows(batch bigint, tenant varchar, network_id varchar, ext bigint, device_id varchar,
          codec_id varchar, codec_version integer, decoded varchar, error varchar, decoded_at timestamp_ms)""",
        """
        create table if not exists reading_values(batch bigint, device_no integer, ts timestamp_ms, ext bigint,
          shape integer, nums varchar, strs varchar)""",
        "create table if not exists reading_shapes(batch bigint, no integer, keys varchar, kinds varchar)",
        // a device's labels, written when they change rather than with every frame (decision 23)
        """
        create table if not exists device_labels(batch bigint, journal_position bigint, tenant varchar,
          network_id varchar, labels varchar, received_at timestamp_ms)""",
        "create table if not exists reading_devices(batch bigint, no integer, device_id varchar)",
        "create table if not exists reading_keys(batch bigint, no integer, key varchar)",
        "create table if not exists tenants(id varchar primary key, name varchar, created_at timestamp_ms)",
        "create table if not exists api_keys(hash varchar primary key, tenant varchar, role varchar, created_at timestamp_ms)",
        """
        create table if not exists integrations(id varchar primary key, tenant varchar, kind varchar,
          key_hash varchar, created_at timestamp_ms)""",
        """
        create table if not exists codecs(id varchar, version integer, tenant varchar, kind varchar, body varchar,
          updated_at timestamp_ms, primary key (id, version))""",
        "alter table codecs add column if not exists examples varchar",
        """
        create table if not exists devices(id varchar primary key, name varchar, tenant varchar, network_kind varchar,
          network_id varchar, codec varchar, space varchar, role varchar, role_key varchar, created_at timestamp_ms)""",
        """
        create table if not exists downlinks(id varchar primary key, device_id varchar, payload_hex varchar,
          f_port integer, status varchar, created_at timestamp_ms, sent_at timestamp_ms)""",
    };

    /**
     * Brings a store made by an earlier version up to the current schema: columns are only ever
     * added, at the end of their table (the appenders write columns in table order), and a widened
     * type is widened in place.
     */
    private static final String[] MIGRATIONS = {
        "alter table frames add column if not exists kind tinyint",
        "alter table frames add column if not exists f_port integer",
        "alter table frames add column if not exists dedup varchar",
        "alter table reception_rows add column if not exists journal_position bigint",
        "alter table integrations add column if not exists config varchar",
        // a new frame's first reception and first decode, on its own row (docs/decisions.md, section 19)
        "alter table frames add column if not exists rx_station varchar",
        "alter table frames add column if not exists rx_rssi double",
        "alter table frames add column if not exists rx_snr double",
        "alter table frames add column if not exists rx_duplicate boolean",
        "alter table frames add column if not exists d_device_id varchar",
        "alter table frames add column if not exists d_codec_id varchar",
        "alter table frames add column if not exists d_codec_version integer",
        "alter table frames add column if not exists d_decoded varchar",
        "alter table frames add column if not exists d_error varchar",
        "alter table frames add column if not exists d_decoded_at timestamp_ms",
        // a delivery's further receptions, on the frame's row (docs/decisions.md, section 27)
        "alter table frames add column if not exists rx_more varchar",
    };

    /**
     * The receptions and decodes as queries read them: those kept on their frame's row (a delivery's
     * first reception in its columns, the others in the list {@code rx_more}), and the others, each
     * a row of its own (docs/decisions.md, sections 19 and 27). A reception's {@code ordinal} orders
     * those of one delivery as they were written: the frame row's columns, its list, then rows.
     */
    private static final String[] VIEWS = {
        """
        create or replace view receptions as
        select batch, tenant, network_id, ext, r.s as station, r.r as rssi, r.n as snr, rx_duplicate as duplicate,
               false as advanced, received_at, journal_position, -1000000 + i as ordinal
        from (select batch, tenant, network_id, ext, rx_duplicate, received_at, journal_position,
                     unnest(l) as r, generate_subscripts(l, 1) as i
              from (select batch, tenant, network_id, ext, rx_duplicate, received_at, journal_position,
                           case when rx_more is null then [{'s': rx_station, 'r': rx_rssi, 'n': rx_snr}]
                                else list_prepend({'s': rx_station, 'r': rx_rssi, 'n': rx_snr},
                                                  from_json(rx_more, '[{"s":"VARCHAR","r":"DOUBLE","n":"DOUBLE"}]'))
                           end as l
                    from frames where rx_station is not null))
        union all
        select batch, tenant, network_id, ext, station, rssi, snr, duplicate, advanced, received_at, journal_position,
               rowid as ordinal
        from reception_rows""",
        """
        create or replace view decodes as
        select batch, tenant, network_id, ext, d_device_id as device_id, d_codec_id as codec_id, d_codec_version as codec_version,
               d_decoded as decoded, d_error as error, d_decoded_at as decoded_at
        from frames where d_decoded_at is not null
        union all
        select batch, tenant, network_id, ext, device_id, codec_id, codec_version, decoded, error, decoded_at
        from decode_rows""",
    };

    /**
     * The size the database's write-ahead log may reach before DuckDB folds it into the file (a
     * checkpoint, run by the connection whose commit crosses it: the projection's). The projection
     * writes about 1 KB of log per frame, so DuckDB's default, 16 MB, checkpointed about once a
     * second at full rate; at 128 MB the projection spends about a third less CPU per frame
     * ({@code ProjectionBench}), at the price of up to 128 MB replayed when the store opens after a
     * crash. See docs/decisions.md, section 9.
     */
    static final String CHECKPOINT_THRESHOLD = "128MB";

    /**
     * DuckDB's worker threads: half the cores, at least one. With one per core, a checkpoint (and the
     * compression it does) took every core from the HTTP event loops while it ran, which showed as
     * the tail of the acknowledgements' latency; on two cores one thread leaves one for the edge.
     * See docs/decisions.md, section 14.
     */
    static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final DuckDBConnection root;
    private final EmbeddedProjectionStore projection;
    private final EmbeddedCatalog catalog;
    private final EmbeddedQueries queries;
    private final EmbeddedSpaceStore spaces;

    private EmbeddedStore(DuckDBConnection root) throws SQLException {
        this.root = root;
        try (Statement s = root.createStatement()) {
            s.execute("set checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
            s.execute("set threads = " + THREADS);
            // receptions and decodes were tables until each frame's first ones moved to its row
            for (String table : new String[] {"receptions", "decodes"}) {
                try (var r = s.executeQuery("select count(*) from information_schema.tables where table_name = '" + table
                        + "' and table_type = 'BASE TABLE'")) {
                    r.next();
                    if (r.getLong(1) > 0) {
                        s.execute("alter table " + table + " rename to " + table.substring(0, table.length() - 1) + "_rows");
                    }
                }
            }
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
            for (String ddl : MIGRATIONS) {
                s.execute(ddl);
            }
            for (String ddl : VIEWS) {
                s.execute(ddl);
            }
            ReadingsMigration.apply(s);
            // the sequence number holds LoRaWAN's 32-bit frame counter since the first LoRaWAN version
            try (var r = s.executeQuery("select data_type from information_schema.columns "
                    + "where table_name = 'frames' and column_name = 'seq'")) {
                if (r.next() && !r.getString(1).equalsIgnoreCase("BIGINT")) {
                    s.execute("alter table frames alter column seq set data type bigint");
                }
            }
        }
        this.projection = new EmbeddedProjectionStore((DuckDBConnection) root.duplicate());
        this.catalog = new EmbeddedCatalog(root.duplicate());
        this.queries = new EmbeddedQueries(root);
        this.spaces = new EmbeddedSpaceStore((DuckDBConnection) root.duplicate(), (DuckDBConnection) root.duplicate());
    }

    /** Opens (creating if needed) the store in {@code dir}/valley.duckdb. */
    public static EmbeddedStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb").toAbsolutePath());
            return new EmbeddedStore((DuckDBConnection) c);
        } catch (SQLException e) {
            throw new IOException("cannot open the embedded store in " + dir + ": " + e.getMessage(), e);
        }
    }

    public ProjectionStore projection() {
        return projection;
    }

    public Catalog catalog() {
        return catalog;
    }

    public FrameQueries queries() {
        return queries;
    }

    public SpaceStore spaces() {
        return spaces;
    }

    @Override
    public void close() {
        spaces.close();
        projection.close();
        catalog.close();
        try {
            root.close();
        } catch (SQLException e) {
            throw new StoreException("closing the embedded store", e);
        }
    }
}
