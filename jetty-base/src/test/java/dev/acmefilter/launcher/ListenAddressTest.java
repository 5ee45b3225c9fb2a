package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

    private final List<String> warnings = new ArrayList<>();

    private ListenAddress of(int port, String... addresses) {
        return ListenAddress.of("/etc/hs.yaml", port, List.of(addresses), warnings::add);
    }

    @Test
    void aWildcardListWithTheDefaultPortListensEverywhereOn8009() {
        assertThat(of(8009, "::", "0.0.0.0")).isEqualTo(new ListenAddress(8009, ""));
    }

    @Test
    void theConfiguredPortWinsEvenWhenItIsSynapsesOld80() {
        assertThat(of(80, "127.0.0.1").port()).isEqualTo(80);
        assertThat(of(8123, "127.0.0.1").port()).isEqualTo(8123);
    }

    @Test
    void oneAddressIsBoundAsItIs() {
        assertThat(of(8009, "::1").host()).isEqualTo("::1");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aListWithAWildcardBindsAllInterfaces() {
        assertThat(of(8009, "127.0.0.1", "0.0.0.0").host()).isEmpty();
        assertThat(of(8009, "::", "192.0.2.1").describe()).isEqualTo("all interfaces port 8009");
        assertThat(warnings).isEmpty();
    }

    @Test
    void anyOtherListUsesItsFirstAddressAndNamesTheRest() {
        ListenAddress listen = of(8009, "::1", "127.0.0.1");

        assertThat(listen.describe()).isEqualTo("::1 port 8009");
        assertThat(warnings).containsExactly("/etc/hs.yaml: acme.bind_addresses: Jetty listens on one address:"
                + " using ::1, ignoring [127.0.0.1] (use '::' to listen on all interfaces)");
    }
}
