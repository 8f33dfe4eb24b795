package org.valley.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

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
                p.reception(u, seq, u.receptions().get(0), false);
                p.reading("d1", u.time(), "v", seq, seq);
            }
            p.commit(200);
        }
        // a crash after the appenders of the next batch flushed, before the batch was recorded complete
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement()) {
            s.execute("insert into frames (batch, tenant, network_id, seq, ext) values (2, 'acme', 'AB', 3, 3)");
            s.execute("insert into readings (batch, device_id, key, num, kind, ext) values (2, 'd1', 'v', 3, 0, 3)");
        }
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
        assertThat(count("readings")).isEqualTo(3);
    }

    private long count(String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("valley.duckdb"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from " + table)) {
            r.next();
            return r.getLong(1);
        }
    }
}
