package org.valley.store.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Prepared statements with positional arguments, shared by the catalog and the queries. */
final class Sql {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    private Sql() {}

    static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            List<T> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(row.map(r));
                }
            }
            return out;
        }
    }

    static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            p.executeUpdate();
        }
    }

    /** Binds null (as SQL NULL), Instant, Integer, Long, and anything else as its text. */
    private static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case null -> p.setNull(i + 1, Types.NULL);
                case Instant t -> p.setTimestamp(i + 1, Timestamp.from(t));
                case Integer n -> p.setInt(i + 1, n);
                case Long n -> p.setLong(i + 1, n);
                default -> p.setString(i + 1, args[i].toString());
            }
        }
    }
}
