package dev.acmefilter.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One order per certificate, cluster-wide: a lease row per certificate id naming its holder,
 * a fencing token, and when it expires. {@link #tryAcquire} grants the lease only when it is
 * free (never granted, released, or expired because its holder stopped heart-beating), and
 * every grant increases the fencing token; the {@link Lease} handle renews it and releases
 * it.
 *
 * <p>Why a fencing token and not only an expiry: a node can pause (GC, a frozen VM, a
 * network partition) past its lease's expiry and then go on as if it still held it. Every
 * write to shared state carries the token it was granted ({@link #checkFence}), and the
 * database refuses a write whose token is no longer the lease's current one, inside the
 * writer's own transaction. So a node that lost its lease cannot overwrite the newer
 * result of the node that took over, however long it slept.
 *
 * <p>Expiries are computed with each node's clock: nodes must agree on the time to well
 * within a lease (NTP). Correctness does not depend on it (the fencing token does that);
 * only how soon a dead holder's lease can be taken over.
 */
public final class Leases {

    /** The lease row of a certificate, as status shows it. */
    public record Holder(String certificateId, Optional<String> node, long fencingToken, Instant expiresAt,
                         boolean expired) {
    }

    private final ClusterDatabase database;
    private final Duration duration;
    private final Clock clock;

    public Leases(ClusterDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
        this.duration = database.settings().lease();
        this.clock = database.clock();
    }

    /** How long a lease lasts after a grant or heartbeat. */
    public Duration duration() {
        return duration;
    }

    /**
     * Takes the lease of {@code certificateId} when it is free or expired.
     *
     * @return the lease with its new fencing token, or empty when another node holds it
     *         (this node too: a second grant to the same node would let two of its threads
     *         both think they hold it)
     * @throws ClusterUnavailableException when the database cannot be reached: nothing is held
     */
    public Optional<Lease> tryAcquire(String certificateId) {
        ClusterNames.certificateId(certificateId);
        Instant now = clock.instant();
        Instant expires = now.plus(duration);
        Optional<Long> token = database.inTransaction(c -> {
            try (PreparedStatement grant = c.prepareStatement("INSERT INTO " + database.table("leases")
                    + " AS l (certificate_id, holder, fencing_token, acquired_at, expires_at) VALUES (?, ?, 1, ?, ?)"
                    + " ON CONFLICT (certificate_id) DO UPDATE SET holder = excluded.holder,"
                    + " fencing_token = l.fencing_token + 1, acquired_at = excluded.acquired_at,"
                    + " expires_at = excluded.expires_at WHERE l.holder IS NULL OR l.expires_at <= ?"
                    + " RETURNING fencing_token")) {
                grant.setString(1, certificateId);
                grant.setString(2, database.node());
                SqlTime.set(grant, 3, now);
                SqlTime.set(grant, 4, expires);
                SqlTime.set(grant, 5, now);
                try (ResultSet r = grant.executeQuery()) {
                    return r.next() ? Optional.of(r.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
        return token.map(t -> new Lease(this, certificateId, t, expires));
    }

    /** Who holds the lease of {@code certificateId}, when it was ever granted. */
    public Optional<Holder> holder(String certificateId) {
        ClusterNames.certificateId(certificateId);
        Instant now = clock.instant();
        return database.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT holder, fencing_token, expires_at FROM "
                    + database.table("leases") + " WHERE certificate_id = ?")) {
                q.setString(1, certificateId);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<Holder>empty();
                    }
                    Instant expiresAt = SqlTime.get(r, "expires_at");
                    String node = r.getString("holder");
                    return Optional.of(new Holder(certificateId, Optional.ofNullable(node), r.getLong("fencing_token"),
                            expiresAt, node == null || !expiresAt.isAfter(now)));
                }
            }
        });
    }

    /**
     * Renews {@code lease} until now plus the duration, when it is still the current grant
     * and not expired.
     *
     * @return the new expiry, or empty when the lease was lost (taken over, released, expired)
     */
    Optional<Instant> renew(Lease lease) {
        Instant now = clock.instant();
        Instant expires = now.plus(duration);
        int updated = database.inTransaction(c -> {
            try (PreparedStatement renew = c.prepareStatement("UPDATE " + database.table("leases")
                    + " SET expires_at = ? WHERE certificate_id = ? AND fencing_token = ? AND holder = ?"
                    + " AND expires_at > ?")) {
                SqlTime.set(renew, 1, expires);
                renew.setString(2, lease.certificateId());
                renew.setLong(3, lease.fencingToken());
                renew.setString(4, database.node());
                SqlTime.set(renew, 5, now);
                return renew.executeUpdate();
            }
        });
        return updated == 1 ? Optional.of(expires) : Optional.empty();
    }

    /** Frees {@code lease} at once (when it is still the current grant), keeping its token for the next grant. */
    void release(Lease lease) {
        database.inTransaction(c -> {
            try (PreparedStatement free = c.prepareStatement("UPDATE " + database.table("leases")
                    + " SET holder = NULL, expires_at = ? WHERE certificate_id = ? AND fencing_token = ?"
                    + " AND holder = ?")) {
                SqlTime.set(free, 1, clock.instant());
                free.setString(2, lease.certificateId());
                free.setLong(3, lease.fencingToken());
                free.setString(4, database.node());
                return free.executeUpdate();
            }
        });
    }

    Clock clock() {
        return clock;
    }

    /**
     * Inside a writer's transaction: passes only when {@code fencingToken} is still the
     * current grant of {@code certificateId}'s lease and this node its holder. The lease row
     * stays share-locked until the writer commits, so a new grant waits for the write
     * instead of racing it: the write lands before the takeover or not at all.
     *
     * @throws StaleLeaseException when the lease was granted again or released since
     */
    static void checkFence(ClusterDatabase database, Connection c, String certificateId, long fencingToken)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT holder, fencing_token FROM " + database.table("leases")
                + " WHERE certificate_id = ? FOR SHARE")) {
            q.setString(1, certificateId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new StaleLeaseException(certificateId, fencingToken, "The lease of " + certificateId
                            + " was never granted; the write with fencing token " + fencingToken + " was refused");
                }
                String holder = r.getString(1);
                long current = r.getLong(2);
                if (current != fencingToken || !database.node().equals(holder)) {
                    throw new StaleLeaseException(certificateId, fencingToken, "Node " + database.node() + " lost the"
                            + " lease of " + certificateId + ": its fencing token " + fencingToken + " is stale (the"
                            + " lease now has token " + current + (holder == null ? ", released"
                            : ", held by " + holder) + "), so its write was refused and nothing was changed");
                }
            }
        }
    }
}
