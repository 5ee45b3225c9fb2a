package dev.acmefilter.cluster;

import dev.acmefilter.provision.FileOrderJournal;
import dev.acmefilter.provision.OrderJournal;

import java.io.IOException;
import java.net.URL;
import java.security.KeyPair;
import java.util.Optional;

/**
 * The journal of one certificate's order in a cluster: the shared one
 * ({@link SharedOrderJournal}), written only under the lease the current check holds
 * ({@link CertificateLease}), so that the node that takes a lease over resumes the order of
 * the node that died, and a node that lost the lease can neither create nor finalize an
 * order. During a standalone check (the database unreachable) it is this node's own
 * {@link FileOrderJournal}.
 *
 * <p>What the shared journal holds is read once per lease grant, when the check first asks,
 * and kept: nobody else writes it while the lease is held, and the order code must not meet
 * a database error halfway through reading it (it would order anew).
 */
final class ClusterOrderJournal implements OrderJournal {

    private final CertificateLease gate;
    private final SharedOrderJournal shared;
    private final FileOrderJournal file;
    private Snapshot snapshot;

    private record Snapshot(long fencingToken, Optional<URL> order, Optional<KeyPair> key) {
    }

    ClusterOrderJournal(CertificateLease gate, FileOrderJournal file) {
        this.gate = gate;
        this.shared = gate.cluster().journal();
        this.file = file;
    }

    @Override
    public synchronized Optional<URL> pendingOrder() {
        return switch (gate.mode()) {
            case STANDALONE -> file.pendingOrder();
            case CLUSTER -> snapshot().order();
            case NONE -> shared.pendingOrder(gate.certificateId());
        };
    }

    @Override
    public synchronized Optional<KeyPair> pendingKey() {
        return switch (gate.mode()) {
            case STANDALONE -> file.pendingKey();
            case CLUSTER -> snapshot().key();
            case NONE -> shared.pendingKey(gate.certificateId());
        };
    }

    @Override
    public synchronized void orderCreated(URL order) throws IOException {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            file.orderCreated(order);
            return;
        }
        Lease lease = gate.requireHeld("record a new order");
        LeaseWrites.retry(lease, "record the new order " + order, () -> {
            shared.orderCreated(lease, order);
            return null;
        });
        snapshot = new Snapshot(lease.fencingToken(), Optional.of(order), Optional.empty());
    }

    @Override
    public synchronized void finalizing(KeyPair key) throws IOException {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            file.finalizing(key);
            return;
        }
        Lease lease = gate.requireHeld("finalize the order");
        LeaseWrites.retry(lease, "record the key of the order being finalized", () -> {
            shared.finalizing(lease, key);
            return null;
        });
        snapshot = new Snapshot(lease.fencingToken(), snapshot().order(), Optional.of(key));
    }

    @Override
    public synchronized void clear() throws IOException {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            file.clear();
            return;
        }
        Lease lease = gate.requireHeld("clear the finished order");
        LeaseWrites.retry(lease, "clear the finished order", () -> {
            shared.clear(lease);
            return null;
        });
        snapshot = new Snapshot(lease.fencingToken(), Optional.empty(), Optional.empty());
    }

    @Override
    public String describe() {
        return gate.mode() == CertificateLease.Mode.STANDALONE ? file.describe()
                : "the cluster database (certificate " + gate.certificateId() + ")";
    }

    /** What the shared journal held when this lease was granted, read once. */
    private Snapshot snapshot() {
        Lease lease = gate.current().orElseThrow(() -> new IllegalStateException("no lease held"));
        Snapshot now = snapshot;
        if (now == null || now.fencingToken() != lease.fencingToken()) {
            String id = gate.certificateId();
            Optional<URL> order = shared.pendingOrder(id);
            now = new Snapshot(lease.fencingToken(), order, order.isPresent() ? shared.pendingKey(id) : Optional.empty());
            snapshot = now;
        }
        return now;
    }
}
