package dev.acmefilter.output;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do about the certificate and key currently on disk; see {@link ExistingPair}.
 *
 * @param action what to do
 * @param reason a sentence for the admin's log (never contains key material)
 * @param leaf   the leaf certificate currently on disk, when one could be parsed
 */
public record PairDecision(Action action, String reason, Optional<X509Certificate> leaf) {

    public enum Action {
        /** Nothing on disk yet: obtain a certificate and write both files. */
        PROVISION,
        /** The pair on disk is fine: do nothing. */
        KEEP,
        /** The pair on disk is readable but must be replaced (expiring, wrong names, key missing or wrong). */
        REPLACE,
        /** Something on disk cannot be read or parsed: do not touch the files; tell the admin. */
        ERROR
    }

    public PairDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(leaf, "leaf");
    }

    @Override
    public String toString() {
        return action + ": " + reason;
    }
}
