package dev.acmefilter.cluster;

import dev.acmefilter.provision.FileOrderJournal;
import dev.acmefilter.provision.OrderJournal;

import java.io.IOException;
import java.net.URL;
import java.security.KeyPair;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

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
        return read(file::pendingOrder, Snapshot::order, shared::pendingOrder);
    }

    @Override
    public synchronized Optional<KeyPair> pendingKey() {
        return read(file::pendingKey, Snapshot::key, shared::pendingKey);
    }

    @Override
    public synchronized void orderCreated(URL order) throws IOException {
        write(() -> file.orderCreated(order), "record a new order", "record the new order " + order,
                lease -> shared.orderCreated(lease, order),
                token -> new Snapshot(token, Optional.of(order), Optional.empty()));
    }

    @Override
    public synchronized void finalizing(KeyPair key) throws IOException {
        write(() -> file.finalizing(key), "finalize the order", "record the key of the order being finalized",
                lease -> shared.finalizing(lease, key),
                token -> new Snapshot(token, snapshot().order(), Optional.of(key)));
    }

    @Override
    public synchronized void clear() throws IOException {
        write(file::clear, "clear the finished order", "clear the finished order", shared::clear,
                token -> new Snapshot(token, Optional.empty(), Optional.empty()));
    }

    @Override
    public String describe() {
        return gate.mode() == CertificateLease.Mode.STANDALONE ? file.describe()
                : "the cluster database (certificate " + gate.certificateId() + ")";
    }

    /** A write to this node's own journal, during a standalone check. */
    private interface FileWrite {
        void run() throws IOException;
    }

    /**
     * Reads from this node's file during a standalone check, from what the shared journal
     * held at the lease grant while the lease is held, and from the database otherwise.
     */
    private <T> T read(Supplier<T> standalone, Function<Snapshot, T> held, Function<String, T> database) {
        return switch (gate.mode()) {
            case STANDALONE -> standalone.get();
            case CLUSTER -> held.apply(snapshot());
            case NONE -> database.apply(gate.certificateId());
        };
    }

    /**
     * Writes to this node's file during a standalone check; otherwise writes to the shared
     * journal under the lease (which must be held to {@code need}), tried again while the
     * database is briefly unreachable, then keeps what it now holds.
     *
     * @param next what the journal holds after the write, given the lease's fencing token
     */
    private void write(FileWrite standalone, String need, String what, Consumer<Lease> sharedWrite,
                       LongFunction<Snapshot> next) throws IOException {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            standalone.run();
            return;
        }
        Lease lease = gate.requireHeld(need);
        LeaseWrites.retry(lease, what, () -> {
            sharedWrite.accept(lease);
            return null;
        });
        snapshot = next.apply(lease.fencingToken());
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
