package dev.acmefilter.war;

import dev.acmefilter.cluster.ClusterNode;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.provision.Coordination;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;

/**
 * This WAR's place in a cluster: the {@link ClusterNode} when {@code acme.cluster} is set
 * (started on first use, by the challenge store or the certificates, and closed when the
 * webapp stops), nothing otherwise: without the section no class of pgjdbc is ever loaded.
 * It produces the {@link Coordination} the certificates are built with.
 */
@ApplicationScoped
public class ClusterProducer {

    private static final System.Logger LOG = System.getLogger(ClusterProducer.class.getName());

    @Inject
    Instance<AcmeConfig> settings;

    private Optional<ClusterNode> node;
    private boolean closed;

    /** The node, started now when it is configured and not started yet. */
    public synchronized Optional<ClusterNode> node() {
        if (node == null) {
            if (closed) {
                return Optional.empty();
            }
            AcmeConfig config = settings.get();
            node = config.cluster().map(cluster -> {
                LOG.log(Level.INFO, "Joining the cluster as node {0}: {1}", cluster.node(), cluster);
                return ClusterNode.start(cluster, Clock.systemUTC(), versionOfThisWar());
            });
        }
        return node;
    }

    @Produces
    @Dependent
    Coordination coordination() {
        return node().<Coordination>map(n -> n).orElse(Coordination.ALONE);
    }

    /** Leaves the cluster; called by the bootstrap after the certificates stopped, and at undeploy. */
    @PreDestroy
    public synchronized void close() {
        closed = true;
        if (node != null && node.isPresent()) {
            node.get().close();
            LOG.log(Level.INFO, "Left the cluster as node {0}", node.get().node());
        }
        node = Optional.empty();
    }

    private static String versionOfThisWar() {
        String v = ClusterProducer.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
