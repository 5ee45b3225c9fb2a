package dev.acmefilter.renewal;

import dev.acmefilter.state.RenewalState;

import java.time.Instant;
import java.util.Optional;

/**
 * Told by the {@link RenewalScheduler} after each check, on its thread, once the outcome is
 * saved: the seam for alerts (and anything else that watches a certificate) without the
 * scheduler knowing about them. A listener must not throw; when it does, the scheduler logs
 * it and goes on: watching a certificate must never stop it from being renewed.
 */
@FunctionalInterface
public interface CheckListener {

    /**
     * What one check ended with.
     *
     * @param at      when the check ended
     * @param outcome the check's result, when it succeeded
     * @param failure why it failed, when it did
     * @param state   the persisted state after the check (failures in a row, next attempt)
     */
    record Report(Instant at, Optional<RenewalCheck.Outcome> outcome, Optional<Exception> failure,
                  RenewalState state) {
        public boolean succeeded() {
            return failure.isEmpty();
        }
    }

    void afterCheck(Report report);
}
