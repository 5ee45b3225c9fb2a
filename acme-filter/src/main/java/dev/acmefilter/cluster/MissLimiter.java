package dev.acmefilter.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Decides whether a challenge request for a token this node does not know may cost a
 * database query ({@link DatabaseChallengeStore}'s read-through). Anybody can send requests
 * for random tokens to {@code /.well-known/acme-challenge/}; without a bound each would be
 * a query. Three limits, all cheap:
 * <ul>
 * <li>a token just looked up in vain is not looked up again for {@value #NEGATIVE_SECONDS} s
 *     (a notification or a put of that token clears it at once);</li>
 * <li>a token bucket: at most {@value #BURST} queries at once, refilled at
 *     {@value #PER_SECOND} a second, for the whole node;</li>
 * <li>at most {@value #CONCURRENT} queries in flight: the others answer "unknown" at once
 *     instead of queueing for a connection.</li>
 * </ul>
 * A real token arrives by notification within milliseconds, so the read-through only
 * matters in the short race between the put on another node and the notification; these
 * limits never get in its way in practice.
 */
final class MissLimiter {

    static final int NEGATIVE_SECONDS = 5;
    static final int BURST = 20;
    static final int PER_SECOND = 10;
    static final int CONCURRENT = 2;
    /** Most tokens remembered as unknown; when full, the memory starts over (bounded either way). */
    static final int MAX_NEGATIVE = 10_000;

    private final Clock clock;
    private final Map<String, Instant> recentMisses = new ConcurrentHashMap<>();
    private final Semaphore inFlight = new Semaphore(CONCURRENT);
    private double tokens = BURST;
    private Instant refilled;

    MissLimiter(Clock clock) {
        this.clock = clock;
        this.refilled = clock.instant();
    }

    /** Whether {@code token} may be queried now; when true, call {@link #done} after the query. */
    boolean tryStart(String token) {
        Instant now = clock.instant();
        Instant missed = recentMisses.get(token);
        if (missed != null) {
            if (now.isBefore(missed.plusSeconds(NEGATIVE_SECONDS))) {
                return false;
            }
            recentMisses.remove(token, missed);
        }
        if (!takeBucketToken(now)) {
            return false;
        }
        return inFlight.tryAcquire();
    }

    /** The query that {@link #tryStart} allowed is over; {@code found} tells whether the token exists. */
    void done(String token, boolean found) {
        inFlight.release();
        if (!found) {
            if (recentMisses.size() >= MAX_NEGATIVE) {
                recentMisses.clear();
            }
            recentMisses.put(token, clock.instant());
        }
    }

    /** {@code token} exists now (put or notified): forget that it was missing. */
    void known(String token) {
        recentMisses.remove(token);
    }

    private synchronized boolean takeBucketToken(Instant now) {
        long elapsedMillis = Math.max(0, Duration.between(refilled, now).toMillis());
        tokens = Math.min(BURST, tokens + elapsedMillis * PER_SECOND / 1000.0);
        refilled = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
