package dev.acmefilter.cluster;

import java.net.URI;
import java.security.KeyPair;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One ACME account for the whole cluster, so that any node can resume any order (an order
 * belongs to the account that placed it) and the CA sees one client. The first node that
 * starts stores its account key, sealed with the cluster secret; every other node uses that
 * one, whatever its own {@code account_key_file} holds. One key per CA directory: a change
 * of CA is a new account there.
 *
 * <p>Race-safe without a lease: the directory URL is the primary key, the first insert wins
 * and every node, the losers of the race included, reads the winner's key back.
 */
public final class SharedAccount {

    /**
     * The cluster's account key for a CA.
     *
     * @param keyPair     the key pair
     * @param createdBy   the node that stored it
     * @param createdAt   when
     * @param storedNow   whether this call stored it (this node's candidate won)
     */
    public record AccountKey(KeyPair keyPair, String createdBy, Instant createdAt, boolean storedNow) {

        /** Without the key. */
        @Override
        public String toString() {
            return "AccountKey[stored by " + createdBy + " at " + createdAt + (storedNow ? ", now" : "") + "]";
        }
    }

    private final ClusterDatabase database;
    private final SecretBox box;
    private final Clock clock;

    public SharedAccount(ClusterDatabase database, SecretBox box) {
        this.database = Objects.requireNonNull(database, "database");
        this.box = Objects.requireNonNull(box, "box");
        this.clock = database.clock();
    }

    /**
     * The cluster's account key for {@code directory}; when there is none yet, stores
     * {@code candidate} (this node's own key, typically from its account key file) and
     * returns it, unless another node stored its key first.
     *
     * @throws UndecryptableException      when the stored key was sealed with another secret
     * @throws ClusterUnavailableException when the database cannot be reached
     */
    public AccountKey keyFor(URI directory, Supplier<KeyPair> candidate) {
        Optional<AccountKey> existing = find(directory);
        if (existing.isPresent()) {
            return existing.get();
        }
        String url = directory.toString();
        byte[] plain = KeyPairCodec.encode(candidate.get());
        byte[] sealed;
        try {
            sealed = box.seal(plain, context(url));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        Instant now = clock.instant();
        boolean inserted = database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + database.table("accounts")
                    + " (directory_url, sealed_key, created_by, created_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (directory_url) DO NOTHING")) {
                insert.setString(1, url);
                insert.setBytes(2, sealed);
                insert.setString(3, database.node());
                SqlTime.set(insert, 4, now);
                return insert.executeUpdate() == 1;
            }
        });
        AccountKey stored = find(directory).orElseThrow(() -> new ClusterException("The account key for " + url
                + " vanished right after it was stored", null));
        return new AccountKey(stored.keyPair(), stored.createdBy(), stored.createdAt(), inserted);
    }

    /** The cluster's account key for {@code directory}, when a node stored one. */
    public Optional<AccountKey> find(URI directory) {
        String url = directory.toString();
        return database.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT sealed_key, created_by, created_at FROM "
                    + database.table("accounts") + " WHERE directory_url = ?")) {
                q.setString(1, url);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<AccountKey>empty();
                    }
                    byte[] plain = box.open(r.getBytes(1), context(url));
                    try {
                        return Optional.of(new AccountKey(KeyPairCodec.decode(plain), r.getString(2),
                                SqlTime.get(r, "created_at"), false));
                    } catch (IllegalArgumentException e) {
                        throw new UndecryptableException("The cluster's account key for " + url
                                + " decrypts to no key pair: " + e.getMessage(), null);
                    } finally {
                        Arrays.fill(plain, (byte) 0);
                    }
                }
            }
        });
    }

    static String context(String directoryUrl) {
        return "account-key:" + directoryUrl;
    }
}
