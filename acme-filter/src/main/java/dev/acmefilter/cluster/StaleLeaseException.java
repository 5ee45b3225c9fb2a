package dev.acmefilter.cluster;

/**
 * A write fenced by a {@link Lease} was refused: the lease of that certificate has been
 * granted again since (a higher fencing token) or released, so another node may already
 * have stored a newer result. Nothing was written. The node must stop working on that
 * certificate; it may take the lease again later and check afresh.
 */
public class StaleLeaseException extends ClusterException {

    private static final long serialVersionUID = 1L;

    private final String certificateId;
    private final long staleToken;

    public StaleLeaseException(String certificateId, long staleToken, String message) {
        super(message, null);
        this.certificateId = certificateId;
        this.staleToken = staleToken;
    }

    /** The certificate whose lease was lost. */
    public String certificateId() {
        return certificateId;
    }

    /** The fencing token the refused write carried. */
    public long staleToken() {
        return staleToken;
    }
}
