package dev.acmefilter.cluster;

/**
 * Something the cluster database refused or could not do. Unchecked, because the cluster
 * stands behind seams that predate it ({@link dev.acmefilter.challenge.ChallengeStore}); the
 * subclasses tell callers what happened without parsing messages:
 * {@link ClusterUnavailableException} (try again later), {@link StaleLeaseException} (this
 * node lost the certificate's lease), {@link UndecryptableException} (another secret),
 * {@link ClusterSchemaException} (the schema cannot be set up). Messages never hold secrets.
 */
public class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
