package org.valley.store.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.valley.codec.CodecDefinition;
import org.valley.device.Device;
import org.valley.device.NetworkRef;
import org.valley.store.Catalog;

/** The catalog in DuckDB tables, written with plain statements (a few rows at a time). */
final class EmbeddedCatalog implements Catalog {

    private final Connection connection;

    EmbeddedCatalog(Connection connection) {
        this.connection = connection;
    }

    private synchronized <T> List<T> query(String sql, Sql.Row<T> row, Object... args) {
        try {
            return Sql.query(connection, sql, row, args);
        } catch (SQLException e) {
            throw new StoreException("catalog query '" + sql + "'", e);
        }
    }

    private synchronized void update(String sql, Object... args) {
        try {
            Sql.update(connection, sql, args);
        } catch (SQLException e) {
            throw new StoreException("catalog update '" + sql + "'", e);
        }
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @Override
    public List<Tenant> tenants() {
        return query("select id, name, created_at from tenants order by id",
                r -> new Tenant(r.getString(1), r.getString(2), instant(r, 3)));
    }

    @Override
    public void putTenant(Tenant t) {
        update("insert or replace into tenants values (?, ?, ?)", t.id(), t.name(), t.createdAt());
    }

    @Override
    public List<ApiKey> keys() {
        return query("select hash, tenant, role, created_at from api_keys",
                r -> new ApiKey(r.getString(1), r.getString(2), r.getString(3), instant(r, 4)));
    }

    @Override
    public void putKey(ApiKey k) {
        update("insert or replace into api_keys values (?, ?, ?, ?)", k.hash(), k.tenant(), k.role(), k.createdAt());
    }

    @Override
    public List<Integration> integrations() {
        return query("select id, tenant, kind, key_hash, created_at, config from integrations order by id",
                r -> new Integration(r.getString(1), r.getString(2), r.getString(3), r.getString(4), instant(r, 5),
                        r.getString(6)));
    }

    @Override
    public void putIntegration(Integration i) {
        update("insert or replace into integrations (id, tenant, kind, key_hash, created_at, config) values (?, ?, ?, ?, ?, ?)",
                i.id(), i.tenant(), i.kind(), i.keyHash(), i.createdAt(), i.config());
    }

    @Override
    public void deleteIntegration(String id) {
        update("delete from integrations where id = ?", id);
    }

    private static CodecDefinition codec(ResultSet r) throws SQLException {
        return new CodecDefinition(r.getString(1), r.getString(3), r.getString(4), r.getString(5), r.getInt(2), instant(r, 6),
                r.getString(7));
    }

    @Override
    public List<CodecDefinition> codecs() {
        return query("""
                select id, version, tenant, kind, body, updated_at, examples from codecs c
                where version = (select max(version) from codecs d where d.id = c.id) order by id""",
                EmbeddedCatalog::codec);
    }

    @Override
    public List<CodecDefinition> codecVersions(String id) {
        return query("select id, version, tenant, kind, body, updated_at, examples from codecs where id = ? order by version",
                EmbeddedCatalog::codec, id);
    }

    @Override
    public void putCodec(CodecDefinition d) {
        update("insert into codecs(id, version, tenant, kind, body, updated_at, examples) values (?, ?, ?, ?, ?, ?, ?)",
                d.id(), d.version(), d.tenant(), d.kind(), d.body(), d.updatedAt(), d.examples());
    }

    @Override
    public List<Device> devices() {
        return query("""
                select id, name, tenant, network_kind, network_id, codec, space, role, role_key, created_at
                from devices order by id""",
                r -> new Device(r.getString(1), r.getString(2), r.getString(3), new NetworkRef(r.getString(4), r.getString(5)),
                        r.getString(6), r.getString(7), r.getString(8), r.getString(9), instant(r, 10)));
    }

    @Override
    public void putDevice(Device d) {
        update("insert or replace into devices values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                d.id(), d.name(), d.tenant(), d.network().kind(), d.network().id(), d.codec(), d.space(), d.role(),
                d.roleKey(), d.createdAt());
    }

    /** Devices per insert statement when storing many: one statement per row costs a statement's overhead each. */
    private static final int DEVICES_PER_STATEMENT = 256;

    @Override
    public synchronized void putDevices(List<Device> devices) {
        try {
            connection.setAutoCommit(false);
            for (int from = 0; from < devices.size(); from += DEVICES_PER_STATEMENT) {
                List<Device> chunk = devices.subList(from, Math.min(devices.size(), from + DEVICES_PER_STATEMENT));
                String rows = String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                try (PreparedStatement p = connection.prepareStatement("insert or replace into devices values " + rows)) {
                    int i = 0;
                    for (Device d : chunk) {
                        p.setString(++i, d.id());
                        p.setString(++i, d.name());
                        p.setString(++i, d.tenant());
                        p.setString(++i, d.network().kind());
                        p.setString(++i, d.network().id());
                        p.setString(++i, d.codec());
                        p.setString(++i, d.space());
                        p.setString(++i, d.role());
                        p.setString(++i, d.roleKey());
                        p.setTimestamp(++i, Timestamp.from(d.createdAt()));
                    }
                    p.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StoreException("storing " + devices.size() + " devices", e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                // the connection reports its own state on the next use
            }
        }
    }

    @Override
    public void deleteDevice(String id) {
        update("delete from devices where id = ?", id);
    }

    private static Downlink downlink(ResultSet r) throws SQLException {
        int port = r.getInt(4);
        return new Downlink(r.getString(1), r.getString(2), r.getString(3), r.wasNull() ? null : port, r.getString(5),
                instant(r, 6), instant(r, 7));
    }

    @Override
    public List<Downlink> downlinks(String deviceId) {
        return query("""
                select id, device_id, payload_hex, f_port, status, created_at, sent_at from downlinks
                where device_id = ? order by created_at, id""", EmbeddedCatalog::downlink, deviceId);
    }

    @Override
    public Downlink downlink(String id) {
        List<Downlink> found = query("""
                select id, device_id, payload_hex, f_port, status, created_at, sent_at from downlinks
                where id = ?""", EmbeddedCatalog::downlink, id);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public List<Downlink> queuedDownlinks() {
        return query("""
                select id, device_id, payload_hex, f_port, status, created_at, sent_at from downlinks
                where status = 'queued' order by created_at, id""", EmbeddedCatalog::downlink);
    }

    @Override
    public void putDownlink(Downlink d) {
        update("insert or replace into downlinks values (?, ?, ?, ?, ?, ?, ?)",
                d.id(), d.deviceId(), d.payloadHex(), d.fPort(), d.status(), d.createdAt(), d.sentAt());
    }

    synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("closing the catalog", e);
        }
    }
}
