package org.valley.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EgressPolicyTest {

    private static InetAddress at(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.1", "0.0.0.0", "0.1.2.3", "::",
        "169.254.169.254", "169.254.0.1", "fe80::1", "febf:ffff::1", "224.0.0.1", "239.255.255.250", "ff02::1"})
    void byDefault_theNodesOwnLinkLocalAndMulticastAddresses_areRefused(String address) throws Exception {
        assertThat(EgressPolicy.defaults().permits(at(address))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10.0.0.1", "172.16.0.1", "192.168.1.20", "100.64.0.1", "8.8.8.8", "128.0.0.1",
        "169.253.255.255", "169.255.0.0", "223.255.255.255", "2001:db8::1", "fd00::1", "fec0::1", "::ffff:10.0.0.1"})
    void byDefault_campusAndPublicAddresses_arePermitted(String address) throws Exception {
        assertThat(EgressPolicy.defaults().permits(at(address))).isTrue();
    }

    @Test
    void anAllowedBlock_winsOverADeniedOne() throws Exception {
        EgressPolicy policy = EgressPolicy.of(List.of("127.0.0.1/32", "fe80::/16"), EgressPolicy.DEFAULT_DENY);
        assertThat(policy.permits(at("127.0.0.1"))).isTrue();
        assertThat(policy.permits(at("::ffff:127.0.0.1"))).as("the mapped form is the IPv4 address").isTrue();
        assertThat(policy.permits(at("127.0.0.2"))).isFalse();
        assertThat(policy.permits(at("fe80::1"))).isTrue();
        assertThat(policy.permits(at("fe81::1"))).isFalse();
    }

    @Test
    void prefixes_matchBitByBit() throws Exception {
        EgressPolicy policy = EgressPolicy.of(List.of(), List.of("172.16.0.0/12", "10.1.2.3", "2001:db8:8000::/33"));
        assertThat(policy.permits(at("172.15.255.255"))).isTrue();
        assertThat(policy.permits(at("172.16.0.0"))).isFalse();
        assertThat(policy.permits(at("172.31.255.255"))).isFalse();
        assertThat(policy.permits(at("172.32.0.0"))).isTrue();
        assertThat(policy.permits(at("10.1.2.3"))).isFalse();
        assertThat(policy.permits(at("10.1.2.4"))).isTrue();
        assertThat(policy.permits(at("2001:db8:7fff::1"))).isTrue();
        assertThat(policy.permits(at("2001:db8:8000::1"))).isFalse();
        assertThat(policy.permits(at("2001:db8:ffff::1"))).isFalse();
        assertThat(policy.permits(at("2001:db9::1"))).isTrue();
    }

    @Test
    void denyingAny_andAllowingPrivate_keepsTheNodeOnTheCampusNetwork() throws Exception {
        EgressPolicy policy = EgressPolicy.of(List.of("private"), List.of("any"));
        assertThat(policy.permits(at("192.168.3.4"))).isTrue();
        assertThat(policy.permits(at("fd12::1"))).isTrue();
        assertThat(policy.permits(at("1.1.1.1"))).isFalse();
        assertThat(policy.permits(at("2606:4700::1111"))).isFalse();
        assertThat(policy.permits(at("127.0.0.1"))).isFalse();
    }

    @Test
    void resolve_checksEveryAddress_andNamesTheHostAndTheSettingWhenRefused() throws Exception {
        EgressPolicy policy = EgressPolicy.defaults();
        assertThat(policy.resolve("10.9.8.7")).isEqualTo(at("10.9.8.7"));
        assertThat(policy.resolve("[2001:db8::5]")).isEqualTo(at("2001:db8::5"));
        assertThatThrownBy(() -> policy.resolve("localhost")).isInstanceOf(EgressPolicy.Refused.class)
                .hasMessageContaining("host 'localhost' (").hasMessageContaining("egress-allow")
                .hasMessageContaining("egress-deny [loopback, unspecified, link-local, multicast]");
        assertThatThrownBy(() -> policy.resolve("169.254.169.254")).isInstanceOf(EgressPolicy.Refused.class)
                .hasMessageStartingWith("address 169.254.169.254 is not");
        assertThatThrownBy(() -> policy.resolve("[::1]")).isInstanceOf(EgressPolicy.Refused.class)
                .hasMessageStartingWith("address ::1 is not");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"campus", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::1/129",
        "example.org", "fe80::zz", ""})
    void aBlockThatIsNotACidrAnAddressOrAName_isRefusedNamingTheKeyAndTheEntry(String entry) {
        assertThatThrownBy(() -> EgressPolicy.of(List.of(entry), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("egress-allow").hasMessageContaining("'" + entry + "'");
        assertThatThrownBy(() -> EgressPolicy.of(List.of(), List.of(entry))).hasMessageContaining("egress-deny");
    }
}
