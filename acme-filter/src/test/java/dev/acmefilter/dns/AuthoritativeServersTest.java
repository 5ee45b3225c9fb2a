package dev.acmefilter.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AuthoritativeServersTest {

    @Test
    void addressesAreWrittenAsPeopleWriteThem() throws Exception {
        assertThat(AuthoritativeServers.text(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(AuthoritativeServers.text(InetAddress.getByName("2001:db8:0:0:1:0:0:53")))
                .isEqualTo("2001:db8::1:0:0:53");
        assertThat(AuthoritativeServers.text(InetAddress.getByName("2001:db8:1:2:3:4:5:6")))
                .isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(AuthoritativeServers.text(InetAddress.getByName("2001:db8::"))).isEqualTo("2001:db8::");
        assertThat(AuthoritativeServers.text(InetAddress.getByName("192.0.2.53"))).isEqualTo("192.0.2.53");
    }

    @Test
    void loopbackIsAlwaysReachable() throws Exception {
        assertThat(AuthoritativeServers.routable(InetAddress.getByName("::1"))).isTrue();
        assertThat(AuthoritativeServers.routable(InetAddress.getByName("127.0.0.1"))).isTrue();
    }
}
