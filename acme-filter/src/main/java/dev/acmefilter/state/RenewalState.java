package dev.acmefilter.state;

import java.time.Instant;
import java.util.Optional;

/**
 * What must survive a restart or a redeploy so that the provisioner neither hammers the CA
 * nor orders a duplicate certificate: the backoff (attempts, failures, the next allowed
 * attempt) and the order in progress. Never holds key material.
 *
 * @param lastAttempt         when the last check that could contact the CA started
 * @param lastSuccess         when a check last ended well (certificate kept or issued)
 * @param consecutiveFailures failed checks since the last success
 * @param nextAttempt         the earliest moment for the next check; a restart waits for it
 * @param pendingOrder        the URL of an order that was created but not completed
 * @param lastError           the last failure's message, with the ACME problem
 * @param lastErrorKind       the kind of the last failure ({@code validation}, {@code network}, ...), when known
 * @param alerted             the alert conditions already announced ({@code failing,expiring}), so that a
 *                            restart does not announce them again; null when none
 */
public record RenewalState(Instant lastAttempt, Instant lastSuccess, int consecutiveFailures, Instant nextAttempt,
                           String pendingOrder, String lastError, String lastErrorKind, String alerted) {

    public static final RenewalState INITIAL = new RenewalState(null, null, 0, null, null, null, null, null);

    public Optional<Instant> nextAttemptTime() {
        return Optional.ofNullable(nextAttempt);
    }

    public Optional<String> pendingOrderUrl() {
        return Optional.ofNullable(pendingOrder);
    }

    public RenewalState attempted(Instant now) {
        return new RenewalState(now, lastSuccess, consecutiveFailures, nextAttempt, pendingOrder, lastError,
                lastErrorKind, alerted);
    }

    public RenewalState succeeded(Instant now, Instant next) {
        return new RenewalState(lastAttempt, now, 0, next, pendingOrder, null, null, alerted);
    }

    /** One more failure: {@code error} is its message, {@code kind} its kind (see {@link #lastErrorKind}). */
    public RenewalState failed(Instant next, String error, String kind) {
        return new RenewalState(lastAttempt, lastSuccess, consecutiveFailures + 1, next, pendingOrder, error, kind,
                alerted);
    }

    public RenewalState withPendingOrder(String url) {
        return new RenewalState(lastAttempt, lastSuccess, consecutiveFailures, nextAttempt, url, lastError,
                lastErrorKind, alerted);
    }

    /** The alert conditions announced so far; null or empty for none. */
    public RenewalState withAlerted(String conditions) {
        String value = conditions == null || conditions.isEmpty() ? null : conditions;
        return new RenewalState(lastAttempt, lastSuccess, consecutiveFailures, nextAttempt, pendingOrder, lastError,
                lastErrorKind, value);
    }
}
