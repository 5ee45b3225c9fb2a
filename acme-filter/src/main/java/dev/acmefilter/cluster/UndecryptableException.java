package dev.acmefilter.cluster;

/**
 * A sealed value from the database cannot be opened with this node's cluster secret: it was
 * sealed with another secret (every node needs the same {@code secret_file}), or it was
 * altered or moved to another row (the associated data no longer matches). The message says
 * which, and names the value, never its content.
 */
public class UndecryptableException extends ClusterException {

    private static final long serialVersionUID = 1L;

    public UndecryptableException(String message, Throwable cause) {
        super(message, cause);
    }
}
