package dev.acmefilter.renewal;

import java.time.Instant;
import java.util.Optional;

/**
 * One check of one certificate, as the {@link RenewalScheduler} runs it: look at the files,
 * renew when needed, and say when to look again. The provisioner implements it; the
 * scheduler knows nothing else about ACME.
 */
public interface RenewalCheck {

    /** When the certificate now on disk should be renewed, and the CA's wish about polling. */
    record Outcome(Instant renewAt, Optional<Instant> retryAfter, String summary) {
    }

    /**
     * Runs the check.
     *
     * @throws Exception when it failed; a {@link RetryAfter} exception tells the earliest
     *         moment the CA accepts another attempt
     */
    Outcome check() throws Exception;

    /** The name of what is checked, for log lines. */
    String describe();

    /**
     * What kind of failure {@code failure} (thrown by {@link #check()}) is, as a short word
     * that never changes (such as {@code validation}): the scheduler keeps it with the last
     * error, across restarts, and counts failures by it. The check knows its failures; the
     * scheduler does not.
     */
    String failureKind(Exception failure);

    /** An exception that knows when the CA wants the next attempt at the earliest. */
    interface RetryAfter {
        Optional<Instant> retryAfter();
    }

    /**
     * An exception (anywhere in the cause chain of a failed check) that says the check was
     * handed over, not failed: in a cluster, another node took the certificate's lease over
     * while this one worked, and carries on. No backoff is counted; the scheduler looks again
     * soon.
     */
    interface Yielded {
    }
}
