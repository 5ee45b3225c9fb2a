package dev.acmefilter.provision;

import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock that the fake sleeper moves forward. */
    private static final class FakeTime extends Clock {
        Instant now = T0;
        final List<Duration> sleeps = new ArrayList<>();

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }

        void sleep(Duration d) {
            sleeps.add(d);
            now = now.plus(d);
        }
    }

    /** Pending for a number of fetches, then the final status; optionally with a Retry-After. */
    private static final class Resource implements PollableResource {
        int fetchesLeft;
        final Status last;
        final FakeTime time;
        final Duration retryAfter;
        Status status = Status.PENDING;

        Resource(int pendingFetches, Status last, FakeTime time, Duration retryAfter) {
            this.fetchesLeft = pendingFetches;
            this.last = last;
            this.time = time;
            this.retryAfter = retryAfter;
        }

        @Override public Status getStatus() { return status; }

        @Override
        public Optional<Instant> fetch() {
            if (fetchesLeft-- <= 0) {
                status = last;
            }
            return Optional.ofNullable(retryAfter).map(d -> time.now.plus(d));
        }
    }

    @Test
    void withoutRetryAfterTheDelayStartsShortAndGrows() throws Exception {
        FakeTime time = new FakeTime();
        Poller poller = new Poller(time, time::sleep);

        Status status = poller.await(new Resource(4, Status.VALID, time, null), Set.of(Status.VALID),
                Duration.ofMinutes(1), "test");

        assertThat(status).isEqualTo(Status.VALID);
        assertThat(time.sleeps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(75),
                Duration.ofNanos(112_500_000), Duration.ofNanos(168_750_000));
    }

    @Test
    void theDelayNeverGrowsBeyondThreeSeconds() {
        Duration d = Poller.FIRST_DELAY;
        for (int i = 0; i < 30; i++) {
            d = Poller.grow(d);
        }
        assertThat(d).isEqualTo(Poller.MAX_DELAY).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void retryAfterFromTheCaIsHonoured() throws Exception {
        FakeTime time = new FakeTime();
        Poller poller = new Poller(time, time::sleep);

        poller.await(new Resource(2, Status.READY, time, Duration.ofSeconds(7)), Set.of(Status.READY),
                Duration.ofMinutes(1), "test");

        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterInThePastFallsBackToTheGrowingDelay() {
        assertThat(Poller.nextWait(T0, Optional.of(T0.minusSeconds(5)), Duration.ofMillis(75)))
                .isEqualTo(Duration.ofMillis(75));
    }

    @Test
    void pollingStopsWithAClearErrorWhenTheTimeoutPasses() {
        FakeTime time = new FakeTime();
        Poller poller = new Poller(time, time::sleep);

        assertThatThrownBy(() -> poller.await(new Resource(1000, Status.VALID, time, null), Set.of(Status.VALID),
                Duration.ofSeconds(20), "the CA to validate example.org"))
                .isInstanceOfSatisfying(ProvisioningException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.TIMEOUT))
                .hasMessage("Timed out after 20 s waiting for the CA to validate example.org (still pending)");
        assertThat(time.now).isBeforeOrEqualTo(T0.plusSeconds(20));
    }
}
