package dev.acmefilter.renewal;

import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.provision.ProvisioningException;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Provisioner#provisionIfNeeded()} at once and then again and again: after a
 * success at the renewal moment or after {@link #CHECK_INTERVAL}, whichever comes first
 * (Synapse checked daily; we check at least twice a day); after a failure with a growing
 * backoff, never sooner than the CA's {@code Retry-After}. One daemon thread, stopped by
 * {@link #close()}: an undeploy leaves nothing running.
 */
public final class RenewalScheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RenewalScheduler.class.getName());

    /** Longest time between two checks. */
    public static final Duration CHECK_INTERVAL = Duration.ofHours(12);
    /** First retry after a failure; doubles each time, up to {@link #CHECK_INTERVAL}. */
    public static final Duration FIRST_RETRY = Duration.ofMinutes(1);

    private final Provisioner provisioner;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private int failures;
    private volatile Instant nextCheck;
    private volatile ProvisionResult lastResult;
    private volatile Exception lastError;

    public RenewalScheduler(Provisioner provisioner, Clock clock) {
        this.provisioner = provisioner;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "acme-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the first check now, in the background. */
    public void start() {
        schedule(Duration.ZERO);
    }

    private void schedule(Duration delay) {
        nextCheck = clock.instant().plus(delay);
        if (!executor.isShutdown()) {
            executor.schedule(this::check, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        Duration next;
        try {
            ProvisionResult result = provisioner.provisionIfNeeded();
            lastResult = result;
            lastError = null;
            failures = 0;
            next = afterSuccess(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.INFO, "Certificate check interrupted: the application is stopping");
            return;
        } catch (ProvisioningException | RuntimeException e) {
            lastError = e;
            failures++;
            next = afterFailure(failures, e instanceof ProvisioningException p ? p.retryAfter() : Optional.empty());
            LOG.log(Level.ERROR, "Certificate check failed (" + failures + " in a row): " + e.getMessage()
                    + "; next attempt at " + clock.instant().plus(next), e);
        }
        schedule(next);
    }

    /** Until the renewal moment of the certificate on disk, but no longer than the check interval. */
    Duration afterSuccess(ProvisionResult result) {
        Instant renewAt = result.leaf().getNotAfter().toInstant().minus(provisioner.settings().reprovisionThreshold());
        Duration untilRenewal = Duration.between(clock.instant(), renewAt);
        if (untilRenewal.compareTo(FIRST_RETRY) < 0) {
            return FIRST_RETRY;
        }
        return untilRenewal.compareTo(CHECK_INTERVAL) < 0 ? untilRenewal : CHECK_INTERVAL;
    }

    /** 1, 2, 4, ... minutes up to the check interval, or later when the CA asked. */
    Duration afterFailure(int consecutiveFailures, Optional<Instant> retryAfter) {
        Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(consecutiveFailures - 1, 20));
        if (backoff.compareTo(CHECK_INTERVAL) > 0) {
            backoff = CHECK_INTERVAL;
        }
        if (retryAfter.isPresent()) {
            Duration asked = Duration.between(clock.instant(), retryAfter.get());
            if (asked.compareTo(backoff) > 0) {
                return asked;
            }
        }
        return backoff;
    }

    public Optional<Instant> nextCheck() {
        return Optional.ofNullable(nextCheck);
    }

    public Optional<ProvisionResult> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    public Optional<Exception> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Stops the thread, interrupting an order in progress; waits up to 10 s for it. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "The certificate check did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
