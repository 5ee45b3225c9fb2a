package dev.acmefilter.provision;

import dev.acmefilter.renewal.AriWindow;

import java.util.Optional;

/**
 * In a cluster: the certificates the nodes share, so that one order serves them all. The
 * node that ordered publishes the certificate (while it holds the lease); every node installs
 * the newest one into its own files. On one host there is none.
 */
public interface CertificateShare {

    /**
     * The newest certificate any node stored, with its key; empty when there is none yet, or
     * when it cannot be read now (the database is unreachable: the files on disk stay as they are).
     */
    Optional<IssuedCertificate> newest();

    /**
     * Stores {@code certificate} for every node, under this node's lease.
     *
     * @return whether it was stored; false when the database could not be reached (logged:
     *         the next node that takes the lease publishes it from its files)
     * @throws LeaseLostException when this node no longer holds the lease: nothing was stored
     */
    boolean publish(IssuedCertificate certificate) throws LeaseLostException;

    /** Shares the renewal window the CA suggested (ARI), or that it suggested none; best effort. */
    default void renewalWindow(Optional<AriWindow> window) {
    }
}
