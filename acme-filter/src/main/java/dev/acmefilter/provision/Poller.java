package dev.acmefilter.provision;

import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Polls an ACME resource until it reaches one of the wanted states. Honours the CA's
 * {@code Retry-After}; without one (Pebble never sends it, Let's Encrypt often does not)
 * it starts short and grows the delay, because a flat multi-second sleep per poll makes
 * issuance several times slower than validation itself.
 */
final class Poller {

    /** Sleeps; a seam for tests. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    static final Duration FIRST_DELAY = Duration.ofMillis(50);
    static final Duration MAX_DELAY = Duration.ofSeconds(3);

    private final Clock clock;
    private final Sleeper sleeper;

    Poller(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    static Poller system() {
        return new Poller(Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /**
     * Fetches {@code resource} until its status is in {@code done}, or throws when
     * {@code timeout} passes first.
     */
    Status await(PollableResource resource, Set<Status> done, Duration timeout, String what)
            throws AcmeException, InterruptedException, ProvisioningException {
        Instant deadline = clock.instant().plus(timeout);
        Duration delay = FIRST_DELAY;
        while (true) {
            Optional<Instant> retryAfter = resource.fetch();
            Status status = resource.getStatus();
            if (done.contains(status)) {
                return status;
            }
            Instant now = clock.instant();
            Duration wait = nextWait(now, retryAfter, delay);
            if (now.plus(wait).isAfter(deadline)) {
                ProvisioningException.Builder timedOut = ProvisioningException.builder(FailureKind.TIMEOUT,
                        "Timed out after " + timeout.toSeconds() + " s waiting for " + what + " (still "
                        + status.name().toLowerCase() + ")");
                retryAfter.ifPresent(timedOut::retryAfter);
                throw timedOut.build();
            }
            sleeper.sleep(wait);
            delay = grow(delay);
        }
    }

    static Duration nextWait(Instant now, Optional<Instant> retryAfter, Duration delay) {
        if (retryAfter.isPresent()) {
            Duration asked = Duration.between(now, retryAfter.get());
            if (!asked.isNegative()) {
                return asked;
            }
        }
        return delay;
    }

    static Duration grow(Duration delay) {
        Duration next = delay.multipliedBy(3).dividedBy(2);
        return next.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : next;
    }
}
