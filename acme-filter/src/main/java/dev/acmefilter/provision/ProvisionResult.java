package dev.acmefilter.provision;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@link Provisioner#provisionIfNeeded()} call.
 *
 * @param outcome  whether a certificate was issued and written, or the existing one kept
 * @param reason   why, in words for the log and the status
 * @param leaf     the certificate now on disk
 * @param elapsed  time from the start of the check to the files on disk
 * @param renewAt  when the certificate now on disk should be renewed
 * @param retryAfter when the CA wants renewal information asked again, when it said
 * @param profile  for an issued certificate, the profile the CA applied ({@code acme.profile}); empty when
 *                 the CA named none, and for a kept certificate
 */
public record ProvisionResult(Outcome outcome, String reason, X509Certificate leaf, Duration elapsed,
                              Instant renewAt, Optional<Instant> retryAfter, Optional<String> profile) {

    public ProvisionResult {
        Objects.requireNonNull(profile, "profile");
    }

    /** A result without a profile. */
    public ProvisionResult(Outcome outcome, String reason, X509Certificate leaf, Duration elapsed, Instant renewAt,
                           Optional<Instant> retryAfter) {
        this(outcome, reason, leaf, elapsed, renewAt, retryAfter, Optional.empty());
    }

    public enum Outcome {
        /** A new certificate was issued and written. */
        ISSUED,
        /** The certificate on disk is valid, covers the names and is outside the renewal window. */
        KEPT
    }

    @Override
    public String toString() {
        return outcome + ": " + reason;
    }
}
