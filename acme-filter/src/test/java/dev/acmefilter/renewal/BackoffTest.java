package dev.acmefilter.renewal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void startsAtOneMinuteAndDoublesUpToADay() {
        assertThat(Backoff.nominal(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Backoff.nominal(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Backoff.nominal(6)).isEqualTo(Duration.ofMinutes(32));
        assertThat(Backoff.nominal(11)).isEqualTo(Duration.ofMinutes(1024));
        assertThat(Backoff.nominal(12)).isEqualTo(Duration.ofHours(24));
        assertThat(Backoff.nominal(1000)).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void jitterOnlyEverAddsAtMostAFifth() {
        assertThat(Backoff.next(NOW, 3, Optional.empty(), () -> 0.0)).isEqualTo(NOW.plus(Duration.ofMinutes(4)));
        assertThat(Backoff.next(NOW, 3, Optional.empty(), () -> 0.999999))
                .isBefore(NOW.plus(Duration.ofMinutes(4)).plus(Duration.ofSeconds(48)))
                .isAfter(NOW.plus(Duration.ofMinutes(4)));
    }

    @Test
    void aLaterRetryAfterWins() {
        Instant asked = NOW.plus(Duration.ofHours(2));
        assertThat(Backoff.next(NOW, 1, Optional.of(asked), () -> 0.5)).isEqualTo(asked);
        assertThat(Backoff.next(NOW, 1, Optional.of(NOW.plusSeconds(5)), () -> 0.0))
                .isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    }
}
