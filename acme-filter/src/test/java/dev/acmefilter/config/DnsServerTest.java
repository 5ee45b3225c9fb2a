package dev.acmefilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DnsServerTest {

    @Test
    void anAddressWithoutPortGetsTheDefault() {
        assertThat(DnsServer.parse("192.0.2.53", 53)).isEqualTo(new DnsServer("192.0.2.53", 53));
        assertThat(DnsServer.parse(" ns1.example.org ", 53)).isEqualTo(new DnsServer("ns1.example.org", 53));
        assertThat(DnsServer.parse("2001:db8::53", 53)).isEqualTo(new DnsServer("2001:db8::53", 53));
        assertThat(DnsServer.parse("[2001:db8::53]", 53)).isEqualTo(new DnsServer("2001:db8::53", 53));
    }

    @Test
    void aPortIsTakenFromTheTextAndWrittenBackTheSameWay() {
        assertThat(DnsServer.parse("192.0.2.53:5353", 53)).hasToString("192.0.2.53:5353");
        assertThat(DnsServer.parse("[2001:db8::53]:5353", 53)).isEqualTo(new DnsServer("2001:db8::53", 5353))
                .hasToString("[2001:db8::53]:5353");
    }

    @Test
    void badTextIsOneClearErrorThatSaysWhatWasExpected() {
        assertThatThrownBy(() -> DnsServer.parse("192.0.2.53:dns", 53))
                .hasMessage("'192.0.2.53:dns' is not a DNS server; expected address[:port], e.g. 192.0.2.53:53 or"
                        + " [2001:db8::53]:53");
        assertThatThrownBy(() -> DnsServer.parse("192.0.2.53:70000", 53))
                .hasMessage("'192.0.2.53:70000': port out of range: 70000; expected address[:port], e.g."
                        + " 192.0.2.53:53 or [2001:db8::53]:53");
        assertThatThrownBy(() -> DnsServer.parse("[2001:db8::53", 53)).hasMessageStartingWith("'[2001:db8::53' is not");
        assertThatThrownBy(() -> DnsServer.parse("", 53)).hasMessageStartingWith("'': not a host name or address");
        assertThatThrownBy(() -> DnsServer.parse("http://192.0.2.53", 53))
                .hasMessageStartingWith("'http://192.0.2.53' is not a DNS server");
    }
}
