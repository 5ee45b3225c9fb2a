package dev.acmefilter.cluster;

import dev.acmefilter.state.RenewalState;
import dev.acmefilter.state.RenewalStateStore;
import dev.acmefilter.state.StateFile;

import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * The renewal state of a certificate as a cluster node sees it outside a check (status, the
 * plan at start): the shared state while the database answers, else this node's own state
 * file, which also records the checks that failed because the database could not be
 * reached (nobody could write the shared state then). Writes go to the state file: the
 * shared state is only written under the lease ({@link LeaseStateStore}).
 */
final class ClusterStateStore implements RenewalStateStore {

    private final Cluster cluster;
    private final String certificateId;
    private final StateFile local;

    ClusterStateStore(Cluster cluster, String certificateId, StateFile local) {
        this.cluster = cluster;
        this.certificateId = certificateId;
        this.local = local;
    }

    @Override
    public RenewalState load() {
        if (cluster.database().reachable()) {
            try {
                return cluster.state().load(certificateId);
            } catch (ClusterException e) {
                // unreachable since the check above: what this node knows
            }
        }
        return local.load();
    }

    @Override
    public RenewalState update(UnaryOperator<RenewalState> change) throws IOException {
        return local.update(change);
    }

    @Override
    public String describe() {
        return local.describe() + " (this node's; the cluster database is unreachable)";
    }
}
