package dev.acmefilter.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait after consecutive failures: 1 minute, doubling, up to 24 hours (as
 * CertMagic and mod_md do), plus up to 20% of random jitter so that many servers that failed
 * together (a CA outage) do not come back together. The jitter only ever adds: no retry is
 * sooner than the nominal backoff, and none sooner than the CA's {@code Retry-After}.
 */
public final class Backoff {

    public static final Duration FIRST = Duration.ofMinutes(1);
    public static final Duration MAX = Duration.ofHours(24);
    static final double JITTER = 0.2;

    private Backoff() {
    }

    /** The nominal wait after {@code failures} consecutive failures (1 or more). */
    public static Duration nominal(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 20);
        Duration d = FIRST.multipliedBy(1L << doublings);
        return d.compareTo(MAX) > 0 ? MAX : d;
    }

    /** The next attempt after {@code failures} consecutive failures at {@code now}. */
    public static Instant next(Instant now, int failures, Optional<Instant> retryAfter, DoubleSupplier random) {
        Duration nominal = nominal(failures);
        long jitterMillis = (long) (nominal.toMillis() * JITTER * Math.max(0, Math.min(1, random.getAsDouble())));
        Instant next = now.plus(nominal).plusMillis(jitterMillis);
        if (retryAfter.isPresent() && retryAfter.get().isAfter(next)) {
            return retryAfter.get();
        }
        return next;
    }
}
