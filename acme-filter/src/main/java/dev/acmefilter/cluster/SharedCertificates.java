package dev.acmefilter.cluster;

import dev.acmefilter.output.SubjectAltNames;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The certificates the cluster issued, so that one order serves every node: the node that
 * ordered stores the chain, its key sealed with the cluster secret ({@link SecretBox}) and
 * the metadata, in one transaction that only commits when its lease's fencing token is
 * still current ({@link Leases#checkFence}); every node (the one that ordered included)
 * hears of it by notification and fetches the {@link #newest} to write its own files. A
 * node that starts later fetches it the same way, without ordering.
 *
 * <p>The three newest certificates of each id are kept (older ones are deleted with each
 * store): enough to look back, little key material at rest.
 */
public final class SharedCertificates {

    static final String CHANNEL = "certificates";
    /** How many certificates of one id are kept. */
    static final int KEPT = 3;

    private final ClusterDatabase database;
    private final SecretBox box;
    private final Clock clock;

    public SharedCertificates(ClusterDatabase database, SecretBox box) {
        this.database = Objects.requireNonNull(database, "database");
        this.box = Objects.requireNonNull(box, "box");
        this.clock = database.clock();
    }

    /**
     * Calls {@code onStored} with the certificate id whenever any node stored a certificate,
     * and with every id after the listener (re)connected (a notification may have been
     * missed). It runs on the listener's thread: hand the file writing to another thread.
     */
    public void listenWith(NotificationListener listener, Consumer<String> onStored) {
        listener.subscribe(database.channel(CHANNEL), new NotificationListener.Subscriber() {
            @Override
            public void onNotification(String payload) {
                int space = payload == null ? -1 : payload.indexOf(' ');
                String id = space > 0 ? payload.substring(0, space) : payload;
                try {
                    onStored.accept(ClusterNames.certificateId(id));
                } catch (IllegalArgumentException e) {
                    // not a certificate id: not ours
                }
            }

            @Override
            public void resync() {
                certificateIds().forEach(onStored);
            }
        });
    }

    /**
     * Stores a newly issued certificate under {@code lease} and notifies every node.
     *
     * @param chain the chain, leaf first
     * @param key   the certificate's key pair (its public key must be the leaf's)
     * @throws StaleLeaseException         when the lease was granted again since: nothing was stored
     * @throws ClusterUnavailableException when the database cannot be reached: nothing was stored
     */
    public SharedCertificate store(Lease lease, List<X509Certificate> chain, KeyPair key) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an empty certificate chain");
        }
        X509Certificate leaf = chain.get(0);
        if (!Arrays.equals(leaf.getPublicKey().getEncoded(), key.getPublic().getEncoded())) {
            throw new IllegalArgumentException("the key is not the certificate's (serial "
                    + leaf.getSerialNumber().toString(16) + ")");
        }
        String certificateId = lease.certificateId();
        String serial = leaf.getSerialNumber().toString(16);
        String pem = pem(chain);
        List<String> names = SubjectAltNames.dnsNames(leaf).stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        Instant issuedAt = clock.instant();
        byte[] plain = KeyPairCodec.encode(key);
        byte[] sealed;
        try {
            sealed = box.seal(plain, keyContext(certificateId, serial));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        long id = database.inTransaction(c -> {
            Leases.checkFence(database, c, certificateId, lease.fencingToken());
            long rowId;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + database.table("certificates")
                    + " (certificate_id, serial, not_before, not_after, names, issued_at, issued_by, fencing_token,"
                    + " chain_pem, sealed_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (certificate_id, serial) DO UPDATE SET serial = excluded.serial RETURNING id")) {
                insert.setString(1, certificateId);
                insert.setString(2, serial);
                SqlTime.set(insert, 3, leaf.getNotBefore().toInstant());
                SqlTime.set(insert, 4, leaf.getNotAfter().toInstant());
                insert.setArray(5, c.createArrayOf("text", names.toArray()));
                SqlTime.set(insert, 6, issuedAt);
                insert.setString(7, database.node());
                insert.setLong(8, lease.fencingToken());
                insert.setString(9, pem);
                insert.setBytes(10, sealed);
                try (ResultSet r = insert.executeQuery()) {
                    r.next();
                    rowId = r.getLong(1);
                }
            }
            try (PreparedStatement prune = c.prepareStatement("DELETE FROM " + database.table("certificates")
                    + " WHERE certificate_id = ? AND id NOT IN (SELECT id FROM " + database.table("certificates")
                    + " WHERE certificate_id = ? ORDER BY id DESC LIMIT " + KEPT + ")")) {
                prune.setString(1, certificateId);
                prune.setString(2, certificateId);
                prune.executeUpdate();
            }
            try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, database.channel(CHANNEL));
                notify.setString(2, certificateId + " " + rowId);
                notify.execute();
            }
            return rowId;
        });
        return new SharedCertificate(id, certificateId, leaf.getSerialNumber(), leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant(), names, issuedAt, database.node(), lease.fencingToken(), chain, pem, key);
    }

    /**
     * The newest certificate stored for {@code certificateId}, its key decrypted.
     *
     * @throws UndecryptableException      when this node's secret is not the one that sealed it
     * @throws ClusterUnavailableException when the database cannot be reached
     */
    public Optional<SharedCertificate> newest(String certificateId) {
        ClusterNames.certificateId(certificateId);
        return database.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT * FROM " + database.table("certificates")
                    + " WHERE certificate_id = ? ORDER BY id DESC LIMIT 1")) {
                q.setString(1, certificateId);
                try (ResultSet r = q.executeQuery()) {
                    return r.next() ? Optional.of(read(r)) : Optional.<SharedCertificate>empty();
                }
            }
        });
    }

    /** The ids of every certificate stored. */
    public List<String> certificateIds() {
        return database.inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT certificate_id FROM "
                    + database.table("certificates") + " ORDER BY certificate_id");
                 ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            return ids;
        });
    }

    private SharedCertificate read(ResultSet r) throws SQLException {
        String certificateId = r.getString("certificate_id");
        String serial = r.getString("serial");
        String pem = r.getString("chain_pem");
        List<X509Certificate> chain = parse(pem, certificateId);
        byte[] plain = box.open(r.getBytes("sealed_key"), keyContext(certificateId, serial));
        KeyPair key;
        try {
            key = KeyPairCodec.decode(plain);
        } catch (IllegalArgumentException e) {
            throw new UndecryptableException("The key of certificate " + certificateId + " (serial " + serial
                    + ") decrypts to no key pair: " + e.getMessage(), null);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        List<String> names = Arrays.asList((String[]) r.getArray("names").getArray());
        return new SharedCertificate(r.getLong("id"), certificateId, new java.math.BigInteger(serial, 16),
                SqlTime.get(r, "not_before"), SqlTime.get(r, "not_after"), names, SqlTime.get(r, "issued_at"),
                r.getString("issued_by"), r.getLong("fencing_token"), chain, pem, key);
    }

    /** What a certificate key is bound to: its certificate and serial, so it cannot be moved to another row. */
    static String keyContext(String certificateId, String serialHex) {
        return "certificate-key:" + certificateId + ":" + serialHex;
    }

    private static String pem(List<X509Certificate> chain) {
        StringBuilder text = new StringBuilder();
        Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509Certificate certificate : chain) {
            try {
                text.append("-----BEGIN CERTIFICATE-----\n").append(encoder.encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("a certificate of the chain cannot be encoded: " + e.getMessage(), e);
            }
        }
        return text.toString();
    }

    private static List<X509Certificate> parse(String pem, String certificateId) {
        try {
            Collection<? extends java.security.cert.Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> chain = new ArrayList<>();
            for (java.security.cert.Certificate c : parsed) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            return chain;
        } catch (CertificateException | ClassCastException e) {
            throw new ClusterException("The stored chain of certificate " + certificateId + " cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
