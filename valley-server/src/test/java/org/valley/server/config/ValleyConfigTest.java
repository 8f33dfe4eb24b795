package org.valley.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValleyConfigTest {

    @TempDir
    Path dir;

    private ValleyConfig load(String json) throws IOException {
        Path file = dir.resolve("valley.json");
        Files.writeString(file, json);
        return ValleyConfig.load(file);
    }

    @Test
    void codecCpuTime_defaultsTo50ms_andIsReadFromTheFile() throws IOException {
        assertThat(ValleyConfig.defaults().codecCpuTime()).isEqualTo(Duration.ofMillis(50));
        assertThat(load("{\"codec-cpu-time\": \"PT0.2S\"}").codecCpuTime()).isEqualTo(Duration.ofMillis(200));
        assertThat(load("{\"codec-cpu-time\": \"PT0.2S\"}").withPort(9000).codecCpuTime()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void codecCpuTime_outOfRangeOrMalformed_isRefusedByName() {
        assertThatThrownBy(() -> load("{\"codec-cpu-time\": \"PT30S\"}")).hasMessageContaining("codec-cpu-time");
        assertThatThrownBy(() -> load("{\"codec-cpu-time\": \"fast\"}")).hasMessageContaining("codec-cpu-time");
        assertThatThrownBy(() -> load("{\"codec-cpu\": \"PT1S\"}")).hasMessageContaining("unknown key 'codec-cpu'");
    }

    @Test
    void journalGather_defaultsTo2ms_isReadFromTheFile_andRefusedOutOfRangeByName() throws IOException {
        assertThat(ValleyConfig.defaults().journal().gatherMicros()).isEqualTo(2_000);
        ValleyConfig off = load("{\"journal\": {\"gather-micros\": 0}}");
        assertThat(off.journal().gatherMicros()).isZero();
        assertThat(off.journal().fsync()).isTrue();
        assertThatThrownBy(() -> load("{\"journal\": {\"gather-micros\": -5}}")).hasMessageContaining("journal.gather-micros");
    }

    @Test
    void httpIdleTimeout_defaultsTo2Minutes_isReadFromTheFile_andRefusedOutOfRangeByName() throws IOException {
        assertThat(ValleyConfig.defaults().httpIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(load("{\"http-idle-timeout\": \"PT30S\"}").withPort(9000).httpIdleTimeout())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(load("{\"http-idle-timeout\": \"PT0S\"}").httpIdleTimeout()).as("never").isZero();
        assertThatThrownBy(() -> load("{\"http-idle-timeout\": \"PT0.5S\"}")).hasMessageContaining("http-idle-timeout");
        assertThatThrownBy(() -> load("{\"http-idle-timeout\": \"PT25H\"}")).hasMessageContaining("http-idle-timeout");
        assertThatThrownBy(() -> load("{\"http-idle-timeout\": \"-PT1M\"}")).hasMessageContaining("http-idle-timeout");
    }

    @Test
    void egress_defaultsToRefusingTheNodesOwnAddresses_isReadFromTheFile_andRefusedByName() throws Exception {
        assertThat(ValleyConfig.defaults().egress().denied()).isEqualTo(EgressPolicy.DEFAULT_DENY);
        assertThat(ValleyConfig.defaults().egress().permits(InetAddress.getByName("127.0.0.1"))).isFalse();

        ValleyConfig c = load("{\"egress-allow\": [\"loopback\"]}").withPort(9000).withDataDir(dir);
        assertThat(c.egress().allowed()).containsExactly("loopback");
        assertThat(c.egress().denied()).as("the default deny stays").isEqualTo(EgressPolicy.DEFAULT_DENY);
        assertThat(c.egress().permits(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(c.egress().permits(InetAddress.getByName("169.254.169.254"))).isFalse();

        ValleyConfig strict = load("{\"egress-deny\": [\"any\"], \"egress-allow\": [\"10.20.0.0/16\"]}");
        assertThat(strict.egress().permits(InetAddress.getByName("10.20.3.4"))).isTrue();
        assertThat(strict.egress().permits(InetAddress.getByName("10.21.3.4"))).isFalse();
        assertThat(strict.egress().permits(InetAddress.getByName("8.8.8.8"))).isFalse();

        assertThatThrownBy(() -> load("{\"egress-allow\": \"loopback\"}")).hasMessageContaining("egress-allow must be a list");
        assertThatThrownBy(() -> load("{\"egress-deny\": [\"campus\"]}")).hasMessageContaining("egress-deny")
                .hasMessageContaining("'campus'");
        assertThatThrownBy(() -> load("{\"egress-allow\": [\"10.0.0.0/33\"]}")).hasMessageContaining("egress-allow")
                .hasMessageContaining("prefix length");
        assertThatThrownBy(() -> load("{\"egress-allow\": [1]}")).hasMessageContaining("egress-allow entries must be text");
    }
}
