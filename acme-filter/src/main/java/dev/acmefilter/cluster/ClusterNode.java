package dev.acmefilter.cluster;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ClusterSettings;
import dev.acmefilter.provision.Coordination;
import dev.acmefilter.provision.FileOrderJournal;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.provision.ProvisioningException;
import dev.acmefilter.state.StateFile;
import dev.acmefilter.status.ClusterStatus;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * This node in the cluster, as the application uses it: the {@link Cluster} (connections,
 * notifications, shared stores) and the {@link Coordination} that turns each certificate
 * into one order cluster-wide ({@link CertificateLease} as the gate of its checks, with the
 * shared journal, state, account key, certificates and challenge tokens).
 *
 * <p>When any node stores a certificate, every node hears it by notification and installs it
 * into its own files ({@link dev.acmefilter.provision.Provisioner#installShared()}) on a
 * thread of its own, one certificate at a time, a burst of notifications costing one install;
 * every {@link #INSTALL_CHECK} it looks anyway (a notification lost while the listener
 * reconnected is also covered by the listener's resync). Created only when
 * {@code acme.cluster} is set, so that nothing loads pgjdbc otherwise; {@link #close()}
 * stops its threads and connections.
 */
public final class ClusterNode implements Coordination, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());

    /** How often the node looks for a newer shared certificate without being told. */
    public static final Duration INSTALL_CHECK = Duration.ofMinutes(5);

    private final Clock clock;
    private final ScheduledExecutorService installer;
    private final Map<String, ManagedCertificate> attached = new ConcurrentHashMap<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final List<BiConsumer<CertificateSettings, String>> standaloneListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean accountWarned = new AtomicBoolean();
    private final Cluster cluster;

    private ClusterNode(ClusterSettings settings, Clock clock, String version) {
        this.clock = clock;
        this.installer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "acme-cluster-install-" + settings.node());
            t.setDaemon(true);
            return t;
        });
        try {
            Cluster.Builder builder = Cluster.builder(settings, clock).onCertificateStored(this::stored);
            if (version != null) {
                builder.version(version);
            }
            this.cluster = builder.start();
        } catch (RuntimeException e) {
            installer.shutdownNow();
            throw e;
        }
        installer.scheduleWithFixedDelay(this::installAll, INSTALL_CHECK.toMillis(), INSTALL_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Joins the cluster: connects (migrating the schema; an unreachable database is retried
     * at every use), listens, and starts the chores.
     *
     * @throws ClusterSchemaException when the schema cannot be set up
     */
    public static ClusterNode start(ClusterSettings settings, Clock clock) {
        return new ClusterNode(settings, clock, null);
    }

    /** The same, with the version shown in the members table. */
    public static ClusterNode start(ClusterSettings settings, Clock clock, String version) {
        return new ClusterNode(settings, clock, version);
    }

    public Cluster cluster() {
        return cluster;
    }

    /** The challenge store every node answers from: layer it first in the webapp's store. */
    public DatabaseChallengeStore challenges() {
        return cluster.challenges();
    }

    public String node() {
        return cluster.settings().node();
    }

    /**
     * Told (on the checking thread) when a certificate is renewed standalone, without the
     * lease, because the database has been unreachable too long: the alerts hang here.
     */
    public void onStandalone(BiConsumer<CertificateSettings, String> listener) {
        standaloneListeners.add(listener);
    }

    @Override
    public Parts partsFor(CertificateSettings settings, StateFile local, ChallengeStore challenges) {
        CertificateLease gate = new CertificateLease(cluster, settings, local, clock, this::standalone);
        return new Parts(new ClusterChallenges(gate, cluster.challenges(), challenges),
                new ClusterOrderJournal(gate, FileOrderJournal.of(settings, local)),
                new ClusterAccountKeys(gate, settings.account(), accountWarned), Optional.of(new ClusterShare(gate)),
                new ClusterStateStore(cluster, settings.id(), local), gate);
    }

    /** Installs the certificates other nodes store into {@code certificate}'s files, from now on and once now. */
    @Override
    public void attach(ManagedCertificate certificate) {
        attached.put(certificate.id(), certificate);
        stored(certificate.id());
    }

    /** What the status shows of this node, for the managed certificates {@code ids}. */
    public ClusterStatus status(List<String> ids) {
        ClusterDatabase db = cluster.database();
        List<ClusterStatus.Member> members = new ArrayList<>();
        List<ClusterStatus.LeaseHolder> leases = new ArrayList<>();
        if (db.reachable()) {
            try {
                cluster.members().recent().forEach(m -> members.add(new ClusterStatus.Member(m.node(), m.version(),
                        m.startedAt(), m.lastSeen())));
                for (String id : ids) {
                    cluster.leases().holder(id).ifPresent(h -> leases.add(new ClusterStatus.LeaseHolder(id, h.node(),
                            h.fencingToken(), h.expiresAt(), !h.expired())));
                }
            } catch (ClusterException e) {
                members.clear();
                leases.clear();
            }
        }
        return new ClusterStatus(node(), db.reachable(), db.unreachableSince(), db.problem(),
                cluster.listener().listening(), members, leases);
    }

    private void stored(String certificateId) {
        if (!attached.containsKey(certificateId) || !queued.add(certificateId)) {
            return; // not ours, or an install of it is already waiting
        }
        try {
            installer.execute(() -> {
                queued.remove(certificateId);
                install(certificateId);
            });
        } catch (RejectedExecutionException e) {
            queued.remove(certificateId); // closing
        }
    }

    private void installAll() {
        attached.keySet().forEach(this::stored);
    }

    private void install(String certificateId) {
        ManagedCertificate certificate = attached.get(certificateId);
        if (certificate == null) {
            return;
        }
        try {
            certificate.provisioner().installShared();
        } catch (ProvisioningException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot install the cluster''s certificate {0}: {1}", certificateId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void standalone(CertificateSettings settings, String message) {
        for (BiConsumer<CertificateSettings, String> listener : standaloneListeners) {
            try {
                listener.accept(settings, message);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A listener of standalone renewals failed: {0}", e.toString());
            }
        }
    }

    /** Stops installing, then leaves the cluster (held leases expire on their own). */
    @Override
    public void close() {
        installer.shutdownNow();
        try {
            installer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cluster.close();
    }
}
