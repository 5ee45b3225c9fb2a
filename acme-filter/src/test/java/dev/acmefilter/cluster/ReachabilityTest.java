package dev.acmefilter.cluster;

import dev.acmefilter.testing.LogCapture;
import dev.acmefilter.testing.SimulatedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ReachabilityTest {

    private final SimulatedClock clock = new SimulatedClock(Instant.parse("2026-06-01T10:00:00Z"));

    @Test
    void aNodeIsUnreachableFromItsStartUntilItsFirstConnection() {
        Reachability r = new Reachability(clock);
        clock.advance(Duration.ofMinutes(5));

        assertThat(r.reachable()).isFalse();
        assertThat(r.unreachableSince()).contains(Instant.parse("2026-06-01T10:00:00Z"));
        assertThat(r.problem()).contains("not connected yet");
        r.reached();
        assertThat(r.reachable()).isTrue();
        assertThat(r.unreachableSince()).isEmpty();
        assertThat(r.problem()).isEmpty();
    }

    @Test
    void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds() {
        Reachability r = new Reachability(clock);
        r.reached();
        try (LogCapture log = LogCapture.of(ClusterDatabase.class)) {
            clock.advance(Duration.ofMinutes(1));
            Instant start = clock.instant();
            r.failed("Connection refused (SQLSTATE 08001)");
            clock.advance(Duration.ofSeconds(10));
            r.failed("Connection refused (SQLSTATE 08001)");
            r.failed("the database system is starting up (SQLSTATE 57P03)");

            assertThat(r.unreachableSince()).contains(start);
            assertThat(r.problem()).contains("the database system is starting up (SQLSTATE 57P03)");
            clock.advance(Duration.ofSeconds(32));
            r.reached();

            assertThat(log.lines()).containsExactly(
                    "Cluster database unreachable: Connection refused (SQLSTATE 08001)",
                    "Cluster database reachable again after 42 s");
        }
    }
}
