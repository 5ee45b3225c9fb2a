package dev.acmefilter.reload;

import java.util.Objects;

/**
 * What {@link LiveVerifier} found at the homeserver's TLS port.
 *
 * @param outcome whether the new certificate is served
 * @param message for the log and status output, naming the address and the serials
 */
public record VerifyResult(Outcome outcome, String message) {

    public enum Outcome {
        /** The homeserver serves exactly the certificate just written. */
        VERIFIED,
        /** It answers with another certificate (usually: it has not reloaded). */
        MISMATCH,
        /** No TLS handshake was possible (nothing listening, not TLS, timeout). */
        UNREACHABLE
    }

    public VerifyResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
    }

    public boolean verified() {
        return outcome == Outcome.VERIFIED;
    }
}
