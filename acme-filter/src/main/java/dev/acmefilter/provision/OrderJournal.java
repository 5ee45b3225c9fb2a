package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.state.StateFile;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * Remembers an order in progress across a crash or a restart, so that the next check resumes
 * it instead of ordering a duplicate certificate: the order's URL and, once finalization
 * starts, the certificate key the CSR was made with. On one host a state file and a key file
 * ({@link FileOrderJournal}); in a cluster the database, so that the node that takes over a
 * lease resumes the order of the node that died, and only while this node holds the lease.
 */
public interface OrderJournal {

    /** The order left in progress, when there is one. */
    Optional<URL> pendingOrder();

    /** The key the pending order is being finalized with, when finalization started. */
    Optional<KeyPair> pendingKey();

    /**
     * An order was created: remember it (and forget any key of an earlier order).
     *
     * @throws LeaseLostException when this node no longer holds the certificate's lease
     * @throws IOException        when it cannot be recorded: the order must not go on
     */
    void orderCreated(URL order) throws IOException;

    /**
     * Called before the CSR is sent: from then on the order can only be completed with this key.
     *
     * @throws LeaseLostException when this node no longer holds the certificate's lease: the
     *                            CSR must not be sent (the node that took over finalizes)
     */
    void finalizing(KeyPair key) throws IOException;

    /** The order is finished (its certificate written) or abandoned: forget it. */
    void clear() throws IOException;

    /** Where it is kept, for messages. */
    String describe();

    /** The journal of one host, beside the state file of {@code certificate}; for tests. */
    static FileOrderJournal forCertificate(Path stateDir, Path certificate) {
        return new FileOrderJournal(StateFile.forCertificate(stateDir, certificate),
                stateDir.resolve("acme-pending-" + certificate.getFileName() + ".key"));
    }

    /** The journal of one host for {@code settings}' certificate. */
    static FileOrderJournal forSettings(CertificateSettings settings) {
        return FileOrderJournal.of(settings, StateFile.of(settings.stateDir(), settings.id(),
                settings.certificatePath()));
    }
}
