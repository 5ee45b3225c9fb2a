package dev.acmefilter.war;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.config.StatusSettings;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.status.ClusterStatus;
import dev.acmefilter.status.StatusServlet;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * {@code /acme/status}, {@code /acme/metrics} and {@code /acme/health} of this WAR (mapped in
 * its web.xml): the certificates the {@link AcmeBootstrap} keeps valid, judged with
 * {@code acme.alerts}' thresholds, answered to the addresses in {@code acme.status.allow}
 * (loopback by default). A cluster node adds its node, database state, members and leases.
 */
public class AcmeStatusServlet extends StatusServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient AcmeBootstrap bootstrap;

    @Inject
    transient Instance<AcmeConfig> settings;

    @Inject
    transient ClusterProducer cluster;

    @Override
    protected List<ManagedCertificate> certificates() {
        return bootstrap.certificates();
    }

    @Override
    protected StatusSettings statusSettings() {
        return settings.get().status();
    }

    @Override
    protected AlertSettings alertSettings() {
        return settings.get().alerts();
    }

    @Override
    protected Optional<ClusterStatus> clusterStatus(List<String> certificateIds) {
        return cluster.node().map(node -> node.status(certificateIds));
    }
}
