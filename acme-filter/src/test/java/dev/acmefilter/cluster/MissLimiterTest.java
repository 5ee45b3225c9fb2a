package dev.acmefilter.cluster;

import dev.acmefilter.testing.SimulatedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class MissLimiterTest {

    private final SimulatedClock clock = new SimulatedClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final MissLimiter limiter = new MissLimiter(clock);

    @Test
    void aTokenFoundMissingIsNotAskedAgainForAFewSecondsUnlessItBecomesKnown() {
        assertThat(limiter.tryStart("t")).isTrue();
        limiter.done("t", false);
        assertThat(limiter.tryStart("t")).isFalse();
        clock.advance(Duration.ofSeconds(MissLimiter.NEGATIVE_SECONDS));
        assertThat(limiter.tryStart("t")).isTrue();
        limiter.done("t", false);

        limiter.known("t");
        assertThat(limiter.tryStart("t")).isTrue();
        limiter.done("t", true);
    }

    @Test
    void theBucketAllowsABurstThenTheRefillRate() {
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (limiter.tryStart("t" + i)) {
                allowed++;
                limiter.done("t" + i, false);
            }
        }
        assertThat(allowed).isEqualTo(MissLimiter.BURST);
        clock.advance(Duration.ofMillis(500));
        int later = 0;
        for (int i = 100; i < 200; i++) {
            if (limiter.tryStart("t" + i)) {
                later++;
                limiter.done("t" + i, false);
            }
        }
        assertThat(later).isEqualTo(MissLimiter.PER_SECOND / 2);
    }

    @Test
    void onlyAFewQueriesRunAtOnce() {
        for (int i = 0; i < MissLimiter.CONCURRENT; i++) {
            assertThat(limiter.tryStart("busy" + i)).isTrue();
        }
        assertThat(limiter.tryStart("one-more")).isFalse();
        limiter.done("busy0", true);
        assertThat(limiter.tryStart("one-more")).isTrue();
    }
}
