package dev.acmefilter.cluster;

/**
 * The cluster's schema cannot be created or migrated: the database user may not create it,
 * or it was migrated by a newer version of this software than this node's. Unlike
 * {@link ClusterUnavailableException}, waiting does not help: an admin must act, and the
 * message says what to do.
 */
public class ClusterSchemaException extends ClusterException {

    private static final long serialVersionUID = 1L;

    public ClusterSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
