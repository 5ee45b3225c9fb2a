package dev.acmefilter.cluster;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the cluster database answers, as status shows it and as the fallback of
 * {@code standalone_after} will measure it: since when it has been unreachable and why.
 * A node counts as unreachable from its start until its first connection (a node started
 * during an outage has never seen the database). Logged once per outage, not per failed
 * call: a warning when it starts, a line when it ends.
 */
final class Reachability {

    private static final System.Logger LOG = System.getLogger(ClusterDatabase.class.getName());

    private final Clock clock;
    private Instant unreachableSince;
    private String problem;
    private boolean everReached;

    Reachability(Clock clock) {
        this.clock = clock;
        this.unreachableSince = clock.instant();
        this.problem = "not connected yet";
    }

    synchronized boolean reachable() {
        return unreachableSince == null;
    }

    synchronized Optional<Instant> unreachableSince() {
        return Optional.ofNullable(unreachableSince);
    }

    synchronized Optional<String> problem() {
        return unreachableSince == null ? Optional.empty() : Optional.ofNullable(problem);
    }

    synchronized void reached() {
        if (unreachableSince != null) {
            if (everReached) {
                LOG.log(Level.INFO, "Cluster database reachable again after {0} s",
                        Duration.between(unreachableSince, clock.instant()).toSeconds());
            }
            unreachableSince = null;
            problem = null;
            everReached = true;
        }
    }

    synchronized void failed(String reason) {
        if (unreachableSince == null) {
            unreachableSince = clock.instant();
            LOG.log(Level.WARNING, "Cluster database unreachable: {0}", reason);
        } else if (!everReached && !reason.equals(problem)) {
            LOG.log(Level.WARNING, "Cluster database not reached yet: {0}", reason);
        }
        problem = reason;
    }
}
