package dev.acmefilter.cluster;

import dev.acmefilter.provision.LeaseLostException;
import dev.acmefilter.state.RenewalState;
import dev.acmefilter.state.RenewalStateStore;

import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * The renewal state of a certificate while this node holds its lease: the shared state,
 * every write fenced by the lease ({@link SharedState#update}), so that the backoff and the
 * failure counts hold cluster-wide and a node that lost the lease cannot overwrite the state
 * of the node that took over.
 */
final class LeaseStateStore implements RenewalStateStore {

    private final SharedState state;
    private final Lease lease;
    private volatile RenewalState last;

    LeaseStateStore(SharedState state, Lease lease) {
        this.state = state;
        this.lease = lease;
    }

    /** The shared state; while the database cannot be read, the last state read (never fails). */
    @Override
    public RenewalState load() {
        try {
            RenewalState now = state.load(lease.certificateId());
            last = now;
            return now;
        } catch (ClusterException e) {
            RenewalState known = last;
            return known != null ? known : RenewalState.INITIAL;
        }
    }

    /**
     * @throws LeaseLostException when the lease was granted again since
     * @throws IOException        when the database cannot be reached; nothing changed
     */
    @Override
    public RenewalState update(UnaryOperator<RenewalState> change) throws IOException {
        try {
            return state.update(lease, change);
        } catch (StaleLeaseException e) {
            throw new LeaseLostException(e.getMessage(), e);
        } catch (ClusterException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "the cluster database (certificate " + lease.certificateId() + ", fencing token "
                + lease.fencingToken() + ")";
    }
}
