package dev.acmefilter.cluster;

import dev.acmefilter.renewal.AriWindow;
import dev.acmefilter.state.RenewalState;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedStateTest extends ClusterTestBase {

    @Test
    void theBackoffOneNodeSavedIsWhatAnotherNodeLoads() {
        Cluster a = node("a");
        Cluster b = node("b");
        Instant t = clock.instant();
        assertThat(b.state().load("default")).isEqualTo(RenewalState.INITIAL);

        a.state().update(a.leases().tryAcquire("default").orElseThrow(),
                s -> s.attempted(t).failed(t.plusSeconds(120), "urn:ietf:params:acme:error:rateLimited: slow down",
                        "rate_limited")
                        .withAlerted("failing"));

        assertThat(b.state().load("default")).isEqualTo(new RenewalState(t, null, 1, t.plusSeconds(120), null,
                "urn:ietf:params:acme:error:rateLimited: slow down", "rate_limited", "failing"));
        assertThat(b.state().load("element")).isEqualTo(RenewalState.INITIAL);
    }

    @Test
    void aNodeThatLostItsLeaseCannotOverwriteTheState() {
        Cluster a = node("a");
        Cluster b = node("b");
        Lease stale = a.leases().tryAcquire("default").orElseThrow();
        clock.advance(Duration.ofSeconds(31));
        Lease current = b.leases().tryAcquire("default").orElseThrow();
        Instant t = clock.instant();
        b.state().update(current, s -> s.attempted(t).succeeded(t, t.plus(Duration.ofHours(12))));

        assertThatThrownBy(() -> a.state().update(stale, s -> s.failed(t.plusSeconds(60), "stale news", "network")))
                .isInstanceOf(StaleLeaseException.class);
        assertThatThrownBy(() -> a.state().saveAriWindow(stale, Optional.empty()))
                .isInstanceOf(StaleLeaseException.class);

        assertThat(a.state().load("default").consecutiveFailures()).isZero();
        assertThat(a.state().load("default").lastSuccess()).isEqualTo(t);
    }

    @Test
    void theRenewalWindowOfTheCaIsShared() throws Exception {
        Cluster a = node("a");
        Cluster b = node("b");
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        AriWindow window = new AriWindow(Instant.parse("2026-07-01T00:00:00Z"), Instant.parse("2026-07-03T00:00:00Z"),
                Optional.of(URI.create("https://ca.example/why").toURL()),
                Optional.of(Instant.parse("2026-06-02T00:00:00Z")));

        a.state().saveAriWindow(lease, Optional.of(window));
        assertThat(b.state().ariWindow("default")).contains(window);

        a.state().saveAriWindow(lease, Optional.empty());
        assertThat(b.state().ariWindow("default")).isEmpty();
        assertThat(b.state().ariWindow("element")).isEmpty();
    }
}
