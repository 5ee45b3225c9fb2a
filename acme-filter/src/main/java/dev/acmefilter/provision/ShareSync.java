package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.CertificatePairWriter;
import dev.acmefilter.output.PairDecision;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * One certificate's files and the cluster's {@link CertificateShare}, kept in step by the
 * {@link Provisioner} (under its lock): the newest shared certificate is installed when it
 * should replace the files, the files' certificate is published when the cluster lacks it,
 * and a certificate this node issues is published before it is written here. The rules of
 * "should replace" and "lacks" are {@link SharedPair}'s.
 */
final class ShareSync {

    private static final System.Logger LOG = System.getLogger(ShareSync.class.getName());

    private final CertificateSettings settings;
    private final Clock clock;
    private final CertificatePairWriter writer;
    private final DeliverySteps delivery;
    private final CertificateShare share;

    ShareSync(CertificateSettings settings, Clock clock, CertificatePairWriter writer, DeliverySteps delivery,
              CertificateShare share) {
        this.settings = settings;
        this.clock = clock;
        this.writer = writer;
        this.delivery = delivery;
        this.share = share;
    }

    /**
     * Installs the cluster's newest certificate when it should replace the files, else
     * publishes the files' certificate when the cluster lacks it (only under the lease: a
     * node without it is refused, which is fine here).
     *
     * @return the delivery of the certificate installed, or empty when the files stay as they are
     */
    Optional<Delivery> sync() throws ProvisioningException {
        Optional<IssuedCertificate> newest = share.newest();
        PairDecision disk = SharedPair.onDisk(settings, clock);
        if (newest.isPresent()) {
            Optional<String> why = SharedPair.replaces(newest.get(), disk, settings.domains(), clock);
            if (why.isPresent()) {
                return Optional.of(install(newest.get(), why.get()));
            }
            List<String> missing = SharedPair.missing(newest.get(), settings.domains());
            if (!missing.isEmpty()) {
                LOG.log(Level.WARNING, "The cluster''s certificate (serial {0}) does not cover {1}, which this node is"
                        + " configured for: every node should list the same names", newest.get().leaf()
                        .getSerialNumber().toString(16), missing);
            }
        }
        try {
            Optional<IssuedCertificate> mine = SharedPair.toPublish(settings, disk, newest);
            if (mine.isPresent() && share.publish(mine.get())) {
                LOG.log(Level.INFO, "Published the certificate of {0} (serial {1}) to the cluster: it is newer than"
                        + " the cluster''s", settings.certificatePath(), mine.get().leaf().getSerialNumber().toString(16));
            }
        } catch (LeaseLostException e) {
            LOG.log(Level.DEBUG, "Not publishing {0}: {1}", settings.certificatePath(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot read {0} to publish it to the cluster: {1}", settings.certificatePath(),
                    e.toString());
        }
        return Optional.empty();
    }

    /** Stores a certificate this node just issued for every node, before its own files are written. */
    void publishIssued(IssuedCertificate issued) throws ProvisioningException {
        try {
            if (!share.publish(issued)) {
                LOG.log(Level.WARNING, "Certificate serial {0} for {1} could not be stored in the cluster database;"
                        + " written here only, it is published by the next node that takes the lease",
                        issued.leaf().getSerialNumber().toString(16), settings.domains());
            }
        } catch (LeaseLostException e) {
            throw new ProvisioningException(FailureKind.LOCKED, "Certificate serial " + issued.leaf().getSerialNumber().toString(16)
                    + " for " + settings.domains() + " was issued, but " + e.getMessage()
                    + "; the node that holds the lease now completes the same order", e);
        }
    }

    /** Writes a certificate another node issued, then delivers it. */
    private Delivery install(IssuedCertificate shared, String why) throws ProvisioningException {
        try {
            writer.write(shared.chain(), shared.keyPair().getPrivate());
        } catch (IOException | RuntimeException e) {
            throw new ProvisioningException(FailureKind.FILES, "Cannot write the cluster's certificate to "
                    + settings.certificatePath()
                    + " / " + settings.privateKeyPath() + ": " + e + "; the previous files are unchanged", e);
        }
        X509Certificate leaf = shared.leaf();
        LOG.log(Level.INFO, "Certificate for {0} installed from the cluster into {1} and {2}: serial {3}, valid until"
                + " {4} ({5})", settings.domains(), settings.certificatePath(), settings.privateKeyPath(),
                leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant(), why);
        return delivery.deliver(shared);
    }
}
