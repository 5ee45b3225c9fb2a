package dev.acmefilter.status;

import dev.acmefilter.config.StatusSettings;
import dev.acmefilter.net.AddressRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StatusAccessTest {

    private static final StatusAccess DEFAULT = new StatusAccess(StatusSettings.DEFAULTS);

    private static Optional<String> refusal(StatusAccess access, String peer, Map<String, List<String>> headers) {
        return access.refusal(peer, name -> headers.getOrDefault(name, List.of()));
    }

    @Test
    void loopbackInBothFamiliesIsAllowedByDefault() {
        assertThat(refusal(DEFAULT, "127.0.0.1", Map.of())).isEmpty();
        assertThat(refusal(DEFAULT, "0:0:0:0:0:0:0:1", Map.of())).as("Tomcat's form").isEmpty();
        assertThat(refusal(DEFAULT, "[::1]", Map.of())).as("bracketed").isEmpty();
    }

    @Test
    void anotherClientIsToldWhy() {
        assertThat(refusal(DEFAULT, "192.0.2.7", Map.of()))
                .contains("the client 192.0.2.7 is not in acme.status.allow (default: loopback only)");
    }

    @Test
    void everyForwardedAddressMustBeAllowedNotJustTheFirst() {
        assertThat(refusal(DEFAULT, "127.0.0.1", Map.of("x-forwarded-for", List.of("127.0.0.1, 203.0.113.5"))))
                .as("a client that prepends 127.0.0.1 itself")
                .contains("the client forwarded by X-Forwarded-For 203.0.113.5 is not in acme.status.allow"
                        + " (default: loopback only)");
        assertThat(refusal(DEFAULT, "127.0.0.1", Map.of("x-real-ip", List.of("203.0.113.5")))).isPresent();
        assertThat(refusal(DEFAULT, "127.0.0.1", Map.of("x-forwarded-for", List.of("127.0.0.1", "::1")))).isEmpty();
    }

    @Test
    void theForwardedHeaderIsReadAsRfc7239Says() {
        assertThat(StatusAccess.forwardedFor("for=192.0.2.60;proto=http;by=203.0.113.43, For=\"[2001:db8:cafe::17]:4711\""))
                .containsExactly("192.0.2.60", "[2001:db8:cafe::17]:4711");
        assertThat(refusal(DEFAULT, "127.0.0.1", Map.of("forwarded", List.of("for=\"[::1]:4711\";proto=https"))))
                .isEmpty();
        assertThat(refusal(DEFAULT, "127.0.0.1", Map.of("forwarded", List.of("for=unknown"))))
                .contains("the client forwarded by Forwarded 'unknown' is not an IP address");
        assertThat(refusal(DEFAULT, "127.0.0.1", Map.of("forwarded", List.of("proto=https"))))
                .contains("the Forwarded header names no client (for=)");
    }

    @Test
    void anAllowListReplacesLoopback() {
        StatusAccess lan = new StatusAccess(new StatusSettings(true, List.of(AddressRange.parse("10.0.0.0/8")
                .orElseThrow())));

        assertThat(refusal(lan, "10.1.2.3", Map.of())).isEmpty();
        assertThat(refusal(lan, "127.0.0.1", Map.of())).contains("the client 127.0.0.1 is not in acme.status.allow");
    }
}
