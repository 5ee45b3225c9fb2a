package dev.acmefilter.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressRangeTest {

    private static InetAddress ip(String text) {
        return AddressRange.literal(text).orElseThrow(() -> new AssertionError(text + " is not a literal"));
    }

    private static AddressRange range(String text) {
        return AddressRange.parse(text).orElseThrow(() -> new AssertionError(text + " is not a range"));
    }

    @Test
    void aCidrRangeContainsItsAddressesAndNoOthers() {
        AddressRange lan = range("192.168.1.0/24");
        assertThat(lan.contains(ip("192.168.1.0"))).isTrue();
        assertThat(lan.contains(ip("192.168.1.255"))).isTrue();
        assertThat(lan.contains(ip("192.168.2.1"))).isFalse();
        assertThat(range("10.1.2.3/8").contains(ip("10.200.0.1"))).as("host bits of the range are ignored").isTrue();
        assertThat(range("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(range("fd00::/8").contains(ip("fd12:3456::1"))).isTrue();
        assertThat(range("fd00::/8").contains(ip("fe80::1"))).isFalse();
    }

    @Test
    void aSingleAddressMatchesOnlyItself() {
        assertThat(range("192.0.2.7").contains(ip("192.0.2.7"))).isTrue();
        assertThat(range("192.0.2.7").contains(ip("192.0.2.8"))).isFalse();
        assertThat(range("::1").contains(ip("0:0:0:0:0:0:0:1"))).isTrue();
    }

    @Test
    void loopbackCoversBothFamiliesAndMappedAddresses() {
        assertThat(AddressRange.IPV4_LOOPBACK.contains(ip("127.0.0.1"))).isTrue();
        assertThat(AddressRange.IPV4_LOOPBACK.contains(ip("127.1.2.3"))).isTrue();
        assertThat(AddressRange.IPV4_LOOPBACK.contains(ip("::ffff:127.0.0.1"))).as("IPv4-mapped").isTrue();
        assertThat(AddressRange.IPV6_LOOPBACK.contains(ip("[::1]"))).isTrue();
        assertThat(AddressRange.IPV4_LOOPBACK.contains(ip("::1"))).as("an IPv6 address in an IPv4 range").isFalse();
    }

    @Test
    void containerAndProxyFormsAreRead() {
        assertThat(ip("[2001:db8::1]:4711").getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(ip("192.0.2.43:47011").getHostAddress()).isEqualTo("192.0.2.43");
        assertThat(ip("fe80::1%eth0").getHostAddress()).startsWith("fe80:0:0:0:0:0:0:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.org", "1.2.3", "01.2.3.4", "256.1.1.1", "10.0.0.0/33", "::1/129",
            "unknown", "_hidden", "", "1.2.3.4/", "::g"})
    void namesAndMalformedLiteralsAreRefusedWithoutALookup(String text) {
        assertThat(AddressRange.parse(text)).isEmpty();
    }
}
