package dev.acmefilter.provision;

import dev.acmefilter.renewal.RenewalCheck;

import java.time.Instant;
import java.util.Optional;

/**
 * An order failed in a way that a later attempt may fix: the CA refused or could not
 * validate, the network failed, a poll timed out. Carries the ACME problem (RFC 8555,
 * section 6.7) when there is one, so the log line and the status say what the CA said.
 * Misconfiguration is a {@link dev.acmefilter.config.ConfigException} instead.
 */
public class ProvisioningException extends Exception implements RenewalCheck.RetryAfter {
    private static final long serialVersionUID = 1L;

    private final String problemType;
    private final String problemDetail;
    private final String identifier;
    private final Instant retryAfter;

    public ProvisioningException(String message, Throwable cause) {
        this(message, null, null, null, null, cause);
    }

    public ProvisioningException(String message, String problemType, String problemDetail, String identifier,
                                 Instant retryAfter, Throwable cause) {
        super(message, cause);
        this.problemType = problemType;
        this.problemDetail = problemDetail;
        this.identifier = identifier;
        this.retryAfter = retryAfter;
    }

    /** The ACME problem type URN, e.g. {@code urn:ietf:params:acme:error:connection}. */
    public Optional<String> problemType() {
        return Optional.ofNullable(problemType);
    }

    /** The CA's human-readable detail. */
    public Optional<String> problemDetail() {
        return Optional.ofNullable(problemDetail);
    }

    /** The name the problem concerns, when the CA said. */
    public Optional<String> identifier() {
        return Optional.ofNullable(identifier);
    }

    /** The earliest moment the CA wants to hear from us again, when it said. */
    @Override
    public Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
