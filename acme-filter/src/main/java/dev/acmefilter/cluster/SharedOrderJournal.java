package dev.acmefilter.cluster;

import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The order in progress of each certificate, cluster-wide: what {@code provision/OrderJournal}
 * keeps on one host (the order's URL, and from finalization on the certificate key the CSR
 * was made with), in the database. When the lease holder dies in the middle of an order,
 * the node that takes the lease over resumes that order instead of placing a second one;
 * the key is sealed with the cluster secret, bound to the certificate and the order.
 *
 * <p>Reads are free; writes are fenced by the writer's {@link Lease}
 * ({@link StaleLeaseException} when it was granted again since).
 */
public final class SharedOrderJournal {

    private static final System.Logger LOG = System.getLogger(SharedOrderJournal.class.getName());

    private final ClusterDatabase database;
    private final SecretBox box;

    public SharedOrderJournal(ClusterDatabase database, SecretBox box) {
        this.database = Objects.requireNonNull(database, "database");
        this.box = Objects.requireNonNull(box, "box");
    }

    /** The URL of the order in progress for {@code certificateId}, when there is one. */
    public Optional<URL> pendingOrder(String certificateId) {
        return row(certificateId).flatMap(r -> url(r.order(), certificateId));
    }

    /**
     * The key the pending order of {@code certificateId} is being finalized with, when
     * finalization started.
     *
     * @throws UndecryptableException when it was sealed with another secret
     */
    public Optional<KeyPair> pendingKey(String certificateId) {
        Optional<Row> row = row(certificateId);
        if (row.isEmpty() || row.get().order() == null || row.get().sealedKey() == null) {
            return Optional.empty();
        }
        byte[] plain = box.open(row.get().sealedKey(), context(certificateId, row.get().order()));
        try {
            return Optional.of(KeyPairCodec.decode(plain));
        } catch (IllegalArgumentException e) {
            throw new UndecryptableException("The pending order key of " + certificateId + " decrypts to no key pair: "
                    + e.getMessage(), null);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** An order was created under {@code lease}: remember it (and drop any key of an earlier order). */
    public void orderCreated(Lease lease, URL order) {
        write(lease, order.toString(), null);
    }

    /**
     * Finalization of the pending order starts with {@code key}: from then on the order can
     * only be completed with it, so it is kept (sealed) before the CSR is sent.
     *
     * @throws IllegalStateException when no order is pending for the lease's certificate
     */
    public void finalizing(Lease lease, KeyPair key) {
        String order = pendingOrder(lease.certificateId()).map(URL::toString).orElseThrow(() ->
                new IllegalStateException("no pending order of " + lease.certificateId() + " to finalize"));
        byte[] plain = KeyPairCodec.encode(key);
        try {
            write(lease, order, box.seal(plain, context(lease.certificateId(), order)));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** The order is finished (its certificate stored) or abandoned: forget it and its key. */
    public void clear(Lease lease) {
        write(lease, null, null);
    }

    private void write(Lease lease, String order, byte[] sealedKey) {
        Instant now = database.clock().instant();
        database.inTransaction(c -> {
            SharedState.lockRow(database, c, lease, now);
            try (PreparedStatement save = c.prepareStatement("UPDATE " + database.table("renewal_state")
                    + " SET pending_order = ?, sealed_pending_key = ? WHERE certificate_id = ?")) {
                save.setString(1, order);
                save.setBytes(2, sealedKey);
                save.setString(3, lease.certificateId());
                save.executeUpdate();
            }
            return null;
        });
    }

    private record Row(String order, byte[] sealedKey) {
    }

    private Optional<Row> row(String certificateId) {
        ClusterNames.certificateId(certificateId);
        return database.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT pending_order, sealed_pending_key FROM "
                    + database.table("renewal_state") + " WHERE certificate_id = ?")) {
                q.setString(1, certificateId);
                try (ResultSet r = q.executeQuery()) {
                    return r.next() ? Optional.of(new Row(r.getString(1), r.getBytes(2))) : Optional.<Row>empty();
                }
            }
        });
    }

    private static Optional<URL> url(String text, String certificateId) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(URI.create(text).toURL());
        } catch (MalformedURLException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Ignoring the unreadable pending order URL {0} of {1}", text, certificateId);
            return Optional.empty();
        }
    }

    /** What a pending key is bound to: its certificate and its order. */
    static String context(String certificateId, String orderUrl) {
        return "pending-key:" + certificateId + ":" + orderUrl;
    }
}
