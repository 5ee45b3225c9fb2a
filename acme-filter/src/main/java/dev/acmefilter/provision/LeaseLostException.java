package dev.acmefilter.provision;

import dev.acmefilter.renewal.RenewalCheck;

import java.io.IOException;

/**
 * In a cluster: this node no longer holds the lease of the certificate it was ordering
 * (another node took it over after this one stopped heart-beating, or the lease expired
 * while the database was unreachable), so its write was refused and nothing was changed.
 * Not a failure of the certificate: the node that holds the lease now resumes the same order
 * from the shared journal. The renewal loop counts no backoff for it
 * ({@link RenewalCheck.Yielded}).
 */
public final class LeaseLostException extends IOException implements RenewalCheck.Yielded {

    private static final long serialVersionUID = 1L;

    public LeaseLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
