package dev.acmefilter.admin;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.cluster.ClusterNode;
import dev.acmefilter.cluster.ClusterUnavailableException;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ClusterSettings;
import dev.acmefilter.provision.CertificateFleet;
import dev.acmefilter.provision.FailureKind;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.provision.ProvisioningException;
import dev.acmefilter.renewal.CheckGate;

import java.time.Clock;

/**
 * {@code acme-admin renew} (and the renewal after {@code revoke}) in a cluster: the command
 * joins the cluster for the time of the renewal, as node {@code <node>-admin}, and renews
 * under the certificate's lease, as a node's check would: the order is the cluster's (its
 * journal, its account), its tokens go to the database so that whichever node the CA reaches
 * answers them, and the certificate is stored for every node, which install it by themselves.
 * While another node holds the lease, nothing is ordered and the command says who.
 */
final class ClusterRenewal implements AutoCloseable {

    private final ClusterNode node;
    private final CertificateFleet fleet;
    private final ManagedCertificate certificate;

    private ClusterRenewal(ClusterNode node, CertificateFleet fleet, ManagedCertificate certificate) {
        this.node = node;
        this.fleet = fleet;
        this.certificate = certificate;
    }

    /** Joins the cluster of {@code cluster} for {@code cert}. */
    static ClusterRenewal join(ClusterSettings cluster, CertificateSettings cert, Clock clock) {
        ClusterNode node = ClusterNode.start(asAdmin(cluster), clock, "acme-admin");
        try {
            CertificateFleet fleet = new CertificateFleet(AcmeConfig.builder().certificate(cert).cluster(cluster)
                    .maxConcurrentOrders(1).build(), node.challenges(), clock, node);
            return new ClusterRenewal(node, fleet, fleet.certificates().get(0));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** The same cluster, this command as node {@code <node>-admin}. */
    static ClusterSettings asAdmin(ClusterSettings cluster) {
        String name = cluster.node().length() > 57 ? cluster.node().substring(0, 57) : cluster.node();
        return ClusterSettings.builder().url(cluster.jdbcUrl()).user(cluster.user()).password(cluster.password())
                .schema(cluster.schema()).node(name + "-admin").secret(cluster.secret()).lease(cluster.lease())
                .standaloneAfter(cluster.standaloneAfter()).build();
    }

    Provisioner provisioner() {
        return certificate.provisioner();
    }

    /** Where the challenges of a dry run go: the database, which every node answers from. */
    ChallengeStore challenges() {
        return node.challenges();
    }

    /** Orders now, under the lease. */
    ProvisionResult renewNow() throws ProvisioningException, InterruptedException {
        try {
            return certificate.scheduler().passGate(() -> certificate.provisioner().renewNow());
        } catch (CheckGate.BusyException e) {
            throw new ProvisioningException(FailureKind.LOCKED, "nothing was ordered: " + e.getMessage() + "; that node stores what it"
                    + " orders for every node: wait for it, or try again once its lease has ended", e);
        } catch (ClusterUnavailableException e) {
            throw new ProvisioningException(FailureKind.NETWORK, "nothing was ordered: " + e.getMessage() + " (a cluster orders only"
                    + " under the certificate's lease, which is kept in the database)", e);
        } catch (ProvisioningException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ProvisioningException(FailureKind.INTERNAL, e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            fleet.close();
        } finally {
            node.close();
        }
    }
}
