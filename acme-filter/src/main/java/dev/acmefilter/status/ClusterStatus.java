package dev.acmefilter.status;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the status shows of a cluster node ({@code acme.cluster}): its name, whether the
 * shared database answers (and since when it does not, and why), the nodes seen in the last
 * minute, and for each certificate who holds its lease, under which fencing token, until when.
 * Built by the cluster ({@code dev.acmefilter.cluster.ClusterNode#status}); the database is
 * not asked while it is unreachable (members and leases are then empty).
 *
 * @param node              this node's name
 * @param databaseReachable whether the last use of the database worked
 * @param unreachableSince  since when it does not, when it does not
 * @param problem           why, when it does not
 * @param listening         whether this node hears the other nodes' notifications now
 * @param members           the nodes seen in the last minute
 * @param leases            the lease of each managed certificate that was ever granted
 */
public record ClusterStatus(String node, boolean databaseReachable, Optional<Instant> unreachableSince,
                            Optional<String> problem, boolean listening, List<Member> members, List<LeaseHolder> leases) {

    public ClusterStatus {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(unreachableSince, "unreachableSince");
        Objects.requireNonNull(problem, "problem");
        members = List.copyOf(members);
        leases = List.copyOf(leases);
    }

    /** A node as last seen. */
    public record Member(String node, String version, Instant startedAt, Instant lastSeen) {
    }

    /**
     * The lease of one certificate.
     *
     * @param certificateId the certificate
     * @param holder        the node that holds it, empty when released
     * @param fencingToken  its current grant
     * @param expiresAt     when it ends unless its holder renews it
     * @param held          whether it is held now (not released, not expired)
     */
    public record LeaseHolder(String certificateId, Optional<String> holder, long fencingToken, Instant expiresAt,
                              boolean held) {
    }

    /** "reachable" or "unreachable", as status and health say it. */
    public String databaseState() {
        return databaseReachable ? "reachable" : "unreachable";
    }
}
