package dev.acmefilter.renewal;

import java.time.Instant;

/**
 * Runs one check of a {@link RenewalScheduler} on the test's thread, with its bookkeeping
 * (state file, listeners), as its own thread would: for tests of other packages that drive
 * a scheduler with a simulated clock.
 */
public final class ManualChecks {

    private ManualChecks() {
    }

    /** One check now; returns when the next one would be due. */
    public static Instant runOnce(RenewalScheduler scheduler) throws InterruptedException {
        return scheduler.runOnce();
    }
}
