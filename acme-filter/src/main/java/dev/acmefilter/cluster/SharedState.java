package dev.acmefilter.cluster;

import dev.acmefilter.renewal.AriWindow;
import dev.acmefilter.state.RenewalState;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The renewal state of each certificate, cluster-wide: what {@code state/StateFile} keeps on
 * one host (attempts, failures, the next allowed attempt, the last error, alerts announced,
 * the pending order's URL), plus the CA's last renewal window (ARI). Shared so that the
 * backoff holds for the cluster (the CA sees one client, not one per node) and a node that
 * takes over a lease knows what the previous holder was doing.
 *
 * <p>Anyone may read; every write carries the writer's {@link Lease} and is refused with
 * {@link StaleLeaseException} when that lease was granted again since. The pending order's
 * key is kept beside it by {@link SharedOrderJournal}; a change of the pending order URL
 * here drops that key (it belongs to the old order).
 */
public final class SharedState {

    private final ClusterDatabase database;

    public SharedState(ClusterDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** The state of {@code certificateId}; {@link RenewalState#INITIAL} when none was saved. */
    public RenewalState load(String certificateId) {
        ClusterNames.certificateId(certificateId);
        return database.inTransaction(c -> read(c, certificateId, false).orElse(RenewalState.INITIAL));
    }

    /**
     * Applies {@code change} to the current state and saves the result, in one transaction
     * fenced by {@code lease}. {@code change} may run twice (a retried transaction): it must
     * only compute.
     *
     * @throws StaleLeaseException         when the lease was granted again since: nothing changed
     * @throws ClusterUnavailableException when the database cannot be reached: nothing changed
     */
    public RenewalState update(Lease lease, UnaryOperator<RenewalState> change) {
        String id = lease.certificateId();
        Instant now = database.clock().instant();
        return database.inTransaction(c -> {
            lockRow(database, c, lease, now);
            RenewalState next = change.apply(read(c, id, true).orElse(RenewalState.INITIAL));
            try (PreparedStatement save = c.prepareStatement("UPDATE " + database.table("renewal_state")
                    + " SET last_attempt = ?, last_success = ?, consecutive_failures = ?, next_attempt = ?,"
                    + " last_error = ?, last_error_kind = ?, alerted = ?,"
                    + " sealed_pending_key = CASE WHEN pending_order IS NOT DISTINCT FROM ? THEN sealed_pending_key"
                    + " ELSE NULL END, pending_order = ? WHERE certificate_id = ?")) {
                SqlTime.set(save, 1, next.lastAttempt());
                SqlTime.set(save, 2, next.lastSuccess());
                save.setInt(3, next.consecutiveFailures());
                SqlTime.set(save, 4, next.nextAttempt());
                save.setString(5, next.lastError());
                save.setString(6, next.lastErrorKind());
                save.setString(7, next.alerted());
                save.setString(8, next.pendingOrder());
                save.setString(9, next.pendingOrder());
                save.setString(10, id);
                save.executeUpdate();
            }
            return next;
        });
    }

    /** The renewal window the CA last suggested for {@code certificateId}, when one was saved. */
    public Optional<AriWindow> ariWindow(String certificateId) {
        ClusterNames.certificateId(certificateId);
        return database.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT ari_start, ari_end, ari_explanation, ari_retry_after"
                    + " FROM " + database.table("renewal_state") + " WHERE certificate_id = ?")) {
                q.setString(1, certificateId);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next() || SqlTime.get(r, "ari_start") == null) {
                        return Optional.<AriWindow>empty();
                    }
                    return Optional.of(new AriWindow(SqlTime.get(r, "ari_start"), SqlTime.get(r, "ari_end"),
                            url(r.getString("ari_explanation")), Optional.ofNullable(SqlTime.get(r, "ari_retry_after"))));
                }
            }
        });
    }

    /**
     * Saves the window the CA suggested (or forgets it: empty), fenced by {@code lease}.
     *
     * @throws StaleLeaseException when the lease was granted again since
     */
    public void saveAriWindow(Lease lease, Optional<AriWindow> window) {
        Instant now = database.clock().instant();
        database.inTransaction(c -> {
            lockRow(database, c, lease, now);
            try (PreparedStatement save = c.prepareStatement("UPDATE " + database.table("renewal_state")
                    + " SET ari_start = ?, ari_end = ?, ari_explanation = ?, ari_retry_after = ?"
                    + " WHERE certificate_id = ?")) {
                SqlTime.set(save, 1, window.map(AriWindow::start).orElse(null));
                SqlTime.set(save, 2, window.map(AriWindow::end).orElse(null));
                save.setString(3, window.flatMap(AriWindow::explanation).map(URL::toString).orElse(null));
                SqlTime.set(save, 4, window.flatMap(AriWindow::retryAfter).orElse(null));
                save.setString(5, lease.certificateId());
                save.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Inside a writer's transaction: checks the fence, makes sure the certificate's row
     * exists, locks it and records who writes under which token.
     */
    static void lockRow(ClusterDatabase database, Connection c, Lease lease, Instant now) throws SQLException {
        Leases.checkFence(database, c, lease.certificateId(), lease.fencingToken());
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + database.table("renewal_state")
                + " AS s (certificate_id, updated_at, updated_by, fencing_token) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (certificate_id) DO UPDATE SET updated_at = excluded.updated_at,"
                + " updated_by = excluded.updated_by, fencing_token = excluded.fencing_token")) {
            upsert.setString(1, lease.certificateId());
            SqlTime.set(upsert, 2, now);
            upsert.setString(3, database.node());
            upsert.setLong(4, lease.fencingToken());
            upsert.executeUpdate();
        }
    }

    private Optional<RenewalState> read(Connection c, String certificateId, boolean forUpdate) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT last_attempt, last_success, consecutive_failures,"
                + " next_attempt, pending_order, last_error, last_error_kind, alerted FROM "
                + database.table("renewal_state")
                + " WHERE certificate_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            q.setString(1, certificateId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new RenewalState(SqlTime.get(r, "last_attempt"), SqlTime.get(r, "last_success"),
                        r.getInt("consecutive_failures"), SqlTime.get(r, "next_attempt"), r.getString("pending_order"),
                        r.getString("last_error"), r.getString("last_error_kind"), r.getString("alerted")));
            }
        }
    }

    private static Optional<URL> url(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(URI.create(text).toURL());
        } catch (MalformedURLException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
