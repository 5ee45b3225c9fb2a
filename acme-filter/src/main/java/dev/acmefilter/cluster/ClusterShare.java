package dev.acmefilter.cluster;

import dev.acmefilter.provision.CertificateShare;
import dev.acmefilter.provision.IssuedCertificate;
import dev.acmefilter.provision.LeaseLostException;
import dev.acmefilter.renewal.AriWindow;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * One certificate's {@link CertificateShare} in a cluster: {@link SharedCertificates} read
 * by anyone, written only under the lease the current check holds ({@link CertificateLease}),
 * tried again while a short database outage lasts and the lease holds ({@link LeaseWrites}).
 */
final class ClusterShare implements CertificateShare {

    private static final System.Logger LOG = System.getLogger(ClusterShare.class.getName());

    private final CertificateLease gate;
    private final Cluster cluster;

    ClusterShare(CertificateLease gate) {
        this.gate = gate;
        this.cluster = gate.cluster();
    }

    /**
     * @throws UndecryptableException when this node's secret is not the one that sealed it:
     *                                every node needs the same {@code secret_file}
     */
    @Override
    public Optional<IssuedCertificate> newest() {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            return Optional.empty();
        }
        try {
            return cluster.certificates().newest(gate.certificateId())
                    .map(c -> new IssuedCertificate(c.chain(), c.keyPair()));
        } catch (ClusterUnavailableException e) {
            LOG.log(Level.DEBUG, "Cannot read the cluster''s newest certificate of {0}: {1}", gate.certificateId(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public boolean publish(IssuedCertificate certificate) throws LeaseLostException {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            return false;
        }
        Lease lease = gate.requireHeld("store a certificate in the cluster");
        try {
            SharedCertificate stored = LeaseWrites.retry(lease, "store the certificate in the cluster", () ->
                    cluster.certificates().store(lease, certificate.chain(), certificate.keyPair()));
            LOG.log(Level.INFO, "Stored {0} for every node", stored);
            return true;
        } catch (LeaseLostException e) {
            throw e;
        } catch (IOException e) {
            LOG.log(Level.WARNING, e.getMessage());
            return false;
        }
    }

    @Override
    public void renewalWindow(Optional<AriWindow> window) {
        Optional<Lease> lease = gate.current();
        if (lease.isEmpty()) {
            return;
        }
        try {
            cluster.state().saveAriWindow(lease.get(), window);
        } catch (ClusterException e) {
            LOG.log(Level.DEBUG, "Cannot share the renewal window of {0}: {1}", gate.certificateId(), e.getMessage());
        }
    }
}
