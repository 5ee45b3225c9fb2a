package dev.acmefilter.provision;

import dev.acmefilter.renewal.RenewalCheck;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An order, revocation or key rollover failed in a way that a later attempt (or the admin)
 * may fix: the CA refused or could not validate, the network failed, a poll timed out, a
 * local file was in the way. Its {@link FailureKind} says which, for every caller that
 * reacts to it (never the message text); it carries the CA's problem (RFC 8555, section
 * 6.7) when there is one, so the log line and the status say what the CA said.
 * Misconfiguration found before any attempt is a {@link dev.acmefilter.config.ConfigException}
 * instead.
 *
 * <p>Made with {@link #ProvisioningException(FailureKind, String, Throwable)}, or with
 * {@link #builder(FailureKind, String)} when there is an ACME problem or a
 * {@code Retry-After}: each part is named where it is set, so none can take another's place.
 */
public class ProvisioningException extends Exception implements RenewalCheck.RetryAfter {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;
    private final transient AcmeProblem problem;
    private final Instant retryAfter;

    /** A failure of {@code kind}; {@code cause} may be null. */
    public ProvisioningException(FailureKind kind, String message, Throwable cause) {
        this(new Builder(kind, message).cause(cause));
    }

    private ProvisioningException(Builder b) {
        super(b.message, b.cause);
        this.kind = b.kind;
        this.problem = b.problem;
        this.retryAfter = b.retryAfter;
    }

    /** A failure of {@code kind}, to be completed with its problem, Retry-After or cause. */
    public static Builder builder(FailureKind kind, String message) {
        return new Builder(kind, message);
    }

    /** What kind of failure this is: what callers decide by. */
    public FailureKind kind() {
        return kind;
    }

    /** The problem the CA reported, when it reported one. */
    public Optional<AcmeProblem> problem() {
        return Optional.ofNullable(problem);
    }

    /** The earliest moment the CA wants to hear from us again, when it said. */
    @Override
    public Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The parts of a {@link ProvisioningException} besides its kind and message; each optional. */
    public static final class Builder {
        private final FailureKind kind;
        private final String message;
        private AcmeProblem problem;
        private Instant retryAfter;
        private Throwable cause;

        private Builder(FailureKind kind, String message) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.message = Objects.requireNonNull(message, "message");
        }

        /** The problem document the CA sent. */
        public Builder problem(AcmeProblem problem) {
            this.problem = Objects.requireNonNull(problem, "problem");
            return this;
        }

        /** The earliest moment the CA accepts another attempt ({@code Retry-After}). */
        public Builder retryAfter(Instant retryAfter) {
            this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            return this;
        }

        /** The exception that caused this one; null for none. */
        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        public ProvisioningException build() {
            return new ProvisioningException(this);
        }
    }
}
