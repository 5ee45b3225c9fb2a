package dev.acmefilter.cluster;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.ExistingPair;
import dev.acmefilter.output.Pem;
import dev.acmefilter.provision.LeaseLostException;
import dev.acmefilter.renewal.CheckGate;
import dev.acmefilter.renewal.RenewalPolicy;
import dev.acmefilter.state.StateFile;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The gate of one certificate's checks in a cluster ({@link CheckGate}): its {@link Lease}.
 * A check runs only while this node holds it, heart-beating on the cluster's chore thread;
 * another node's lease is {@link CheckGate.Busy} until it ends. The pass's state is the
 * shared state, fenced by the lease ({@link LeaseStateStore}); the cluster's journal, share
 * and account key ({@link ClusterOrderJournal}, {@link ClusterShare}, {@link ClusterAccountKeys})
 * ask this gate which lease they work under.
 *
 * <p>The one exception: when the database has been unreachable for
 * {@code acme.cluster.standalone_after} and the certificate is inside its renewal window (or
 * missing), the check runs without the lease, <em>standalone</em>: with this node's own state
 * file and journal, a warning and an alert, so that an outage of the database can never let
 * the certificate expire. Otherwise an unreachable database fails the check (with the usual
 * backoff) and nothing is ordered.
 */
final class CertificateLease implements CheckGate {

    private static final System.Logger LOG = System.getLogger(CertificateLease.class.getName());

    /** How the current check runs. */
    enum Mode {
        /** No check is running (or it runs outside the gate: it may read, not write). */
        NONE,
        /** Under the lease: everything shared, every write fenced. */
        CLUSTER,
        /** Without the database, after {@code standalone_after}: this node's own files. */
        STANDALONE
    }

    private final Cluster cluster;
    private final CertificateSettings settings;
    private final StateFile local;
    private final Clock clock;
    private final BiConsumer<CertificateSettings, String> onStandalone;
    private volatile Lease lease;
    private volatile Mode mode = Mode.NONE;

    CertificateLease(Cluster cluster, CertificateSettings settings, StateFile local, Clock clock,
                     BiConsumer<CertificateSettings, String> onStandalone) {
        this.cluster = cluster;
        this.settings = settings;
        this.local = local;
        this.clock = clock;
        this.onStandalone = onStandalone;
    }

    String certificateId() {
        return settings.id();
    }

    Cluster cluster() {
        return cluster;
    }

    Mode mode() {
        return mode;
    }

    /**
     * @throws ClusterUnavailableException when the database cannot be reached and standalone
     *                                     is not due: the check fails, nothing is ordered
     */
    @Override
    public Entry enter() {
        Optional<Lease> granted;
        try {
            granted = cluster.leases().tryAcquire(settings.id());
        } catch (ClusterUnavailableException e) {
            Optional<String> why = standaloneReason();
            if (why.isEmpty()) {
                throw e;
            }
            String message = "Renewing certificate " + settings.id() + " " + settings.domains() + " standalone, without"
                    + " the cluster's lease: the cluster database has been unreachable since "
                    + cluster.database().unreachableSince().map(Instant::toString).orElse("?") + ", longer than"
                    + " acme.cluster.standalone_after (" + cluster.settings().standaloneAfter() + "), and " + why.get()
                    + "; the certificate is shared with the other nodes once the database is back";
            LOG.log(Level.WARNING, message);
            mode = Mode.STANDALONE;
            onStandalone.accept(settings, message);
            return new Pass(local, false, () -> mode = Mode.NONE);
        }
        if (granted.isEmpty()) {
            return busy();
        }
        Lease held = granted.get().keepAlive(cluster.leaseKeeper());
        lease = held;
        mode = Mode.CLUSTER;
        return new Pass(new LeaseStateStore(cluster.state(), held), true, () -> {
            mode = Mode.NONE;
            lease = null;
            held.release();
        });
    }

    private Busy busy() {
        try {
            Optional<Leases.Holder> holder = cluster.leases().holder(settings.id());
            if (holder.isPresent()) {
                return new Busy(holder.get().node().orElse("another node"), holder.get().expiresAt());
            }
        } catch (ClusterException e) {
            // the grant was refused a moment ago: another node holds it, for at most one lease
        }
        return new Busy("another node", clock.instant().plus(cluster.leases().duration()));
    }

    /**
     * The lease the current check holds, when it still does.
     *
     * @throws LeaseLostException when no check holds it, or it was lost (taken over, expired)
     */
    Lease requireHeld(String what) throws LeaseLostException {
        Lease current = lease;
        if (mode != Mode.CLUSTER || current == null) {
            throw new LeaseLostException("node " + cluster.settings().node() + " does not hold the lease of "
                    + settings.id() + ", so it may not " + what, null);
        }
        if (!current.isHeld()) {
            throw new LeaseLostException("node " + cluster.settings().node() + " lost the lease of " + settings.id()
                    + " (fencing token " + current.fencingToken() + ", until " + current.expiresAt()
                    + "), so it may not " + what, null);
        }
        return current;
    }

    /** The lease the current check holds, lost or not; empty outside a cluster-mode check. */
    Optional<Lease> current() {
        return mode == Mode.CLUSTER ? Optional.ofNullable(lease) : Optional.empty();
    }

    /** Why a standalone renewal is due now, or empty when it is not. */
    private Optional<String> standaloneReason() {
        if (!cluster.standaloneDue()) {
            return Optional.empty();
        }
        X509Certificate leaf;
        try {
            leaf = Pem.readCertificates(settings.certificatePath()).get(0);
        } catch (IOException | RuntimeException e) {
            return Optional.of("there is no readable certificate at " + settings.certificatePath());
        }
        if (!ExistingPair.missingNames(leaf, settings.domains()).isEmpty()) {
            return Optional.of("the certificate does not cover " + ExistingPair.missingNames(leaf, settings.domains()));
        }
        RenewalPolicy.Decision decision = RenewalPolicy.decide(leaf, settings.reprovisionThreshold(), Optional.empty(),
                clock);
        return decision.renewNow() ? Optional.of("the certificate is inside its renewal window: " + decision.reason())
                : Optional.empty();
    }
}
