package dev.acmefilter.cluster;

/**
 * The cluster database cannot be reached (down, restarting, refusing the login, out of
 * connections). Nothing was changed by the failed call, or its transaction was rolled back;
 * the next call connects again.
 */
public class ClusterUnavailableException extends ClusterException {

    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
