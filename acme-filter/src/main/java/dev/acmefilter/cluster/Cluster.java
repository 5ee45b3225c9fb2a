package dev.acmefilter.cluster;

import dev.acmefilter.config.ClusterSettings;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One node's part of the cluster, built from {@link ClusterSettings}: the database
 * connections, the notification listener, and the shared stores on top of them. The only
 * object the rest of the application creates (and only when {@code acme.cluster} is
 * configured, so that nothing loads pgjdbc otherwise); {@link #close()} stops its threads
 * and connections.
 *
 * <p>Its own daemon thread does the periodic chores: this node's membership heartbeat every
 * {@link ClusterMembers#HEARTBEAT}, the sweep of old challenge tokens every
 * {@link #SWEEP_INTERVAL}, and the lease heartbeats of {@link #leaseKeeper()}.
 */
public final class Cluster implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Cluster.class.getName());
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(5);

    private final ClusterSettings settings;
    private final ClusterDatabase database;
    private final NotificationListener listener;
    private final DatabaseChallengeStore challenges;
    private final Leases leases;
    private final SharedCertificates certificates;
    private final SharedAccount account;
    private final SharedState state;
    private final SharedOrderJournal journal;
    private final ClusterMembers members;
    private final ScheduledExecutorService chores;

    private Cluster(ClusterSettings settings, Clock clock, String version) {
        this.settings = settings;
        this.database = new ClusterDatabase(settings, clock);
        SecretBox box = new SecretBox(settings.secret());
        this.listener = new NotificationListener(database);
        this.challenges = new DatabaseChallengeStore(database, clock).listenWith(listener);
        this.leases = new Leases(database);
        this.certificates = new SharedCertificates(database, box);
        this.account = new SharedAccount(database, box);
        this.state = new SharedState(database);
        this.journal = new SharedOrderJournal(database, box);
        this.members = new ClusterMembers(database, version);
        this.chores = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "acme-cluster-" + settings.node());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects (migrating the schema), starts listening and the chores. To hear of stored
     * certificates, use {@link #builder} with {@link Builder#onCertificateStored}: the
     * subscription must exist before the listener starts.
     *
     * @throws ClusterSchemaException when the schema cannot be set up; an unreachable
     *                                database is not an error (the node retries)
     */
    public static Cluster start(ClusterSettings settings, Clock clock) {
        return builder(settings, clock).start();
    }

    public static Builder builder(ClusterSettings settings, Clock clock) {
        return new Builder(settings, clock);
    }

    /** Assembles a node's cluster; what must be subscribed before the listener starts is added here. */
    public static final class Builder {
        private final ClusterSettings settings;
        private final Clock clock;
        private String version = versionOfThisJar();
        private java.util.function.Consumer<String> onCertificateStored;

        private Builder(ClusterSettings settings, Clock clock) {
            this.settings = settings;
            this.clock = clock;
        }

        /** The version shown in the members table; default: this jar's. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /**
         * Called with a certificate id whenever a node stored a certificate of it, and for
         * every id after (re)connecting; on the listener thread, so hand the work off.
         */
        public Builder onCertificateStored(java.util.function.Consumer<String> callback) {
            this.onCertificateStored = callback;
            return this;
        }

        public Cluster start() {
            Cluster cluster = new Cluster(settings, clock, version);
            try {
                if (onCertificateStored != null) {
                    cluster.certificates.listenWith(cluster.listener, onCertificateStored);
                }
                cluster.database.start();
                cluster.listener.start();
                cluster.chores.scheduleWithFixedDelay(cluster::membershipHeartbeat, 0,
                        ClusterMembers.HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                cluster.chores.scheduleWithFixedDelay(cluster::sweep, SWEEP_INTERVAL.toMillis(),
                        SWEEP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
    }

    private void membershipHeartbeat() {
        try {
            members.heartbeat();
        } catch (ClusterException e) {
            LOG.log(Level.DEBUG, "Membership heartbeat failed: {0}", e.getMessage());
        }
    }

    private void sweep() {
        try {
            int swept = challenges.sweep();
            if (swept > 0) {
                LOG.log(Level.INFO, "Swept {0} challenge token(s) older than {1} min from the cluster database", swept,
                        DatabaseChallengeStore.MAX_AGE.toMinutes());
            }
        } catch (ClusterException e) {
            LOG.log(Level.DEBUG, "Challenge sweep failed: {0}", e.getMessage());
        }
    }

    private static String versionOfThisJar() {
        String v = Cluster.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /**
     * Whether the database has been unreachable for {@code standalone_after} or longer (since
     * this node's start, when it never reached it): then a certificate inside its renewal
     * window may be renewed without the lease, so that an outage of the database can never
     * let it expire. The scheduler decides; this only measures.
     */
    public boolean standaloneDue() {
        return database.unreachableSince()
                .map(since -> !database.clock().instant().isBefore(since.plus(settings.standaloneAfter())))
                .orElse(false);
    }

    public ClusterSettings settings() {
        return settings;
    }

    public ClusterDatabase database() {
        return database;
    }

    public NotificationListener listener() {
        return listener;
    }

    public DatabaseChallengeStore challenges() {
        return challenges;
    }

    public Leases leases() {
        return leases;
    }

    /** The executor that {@link Lease#keepAlive} should heartbeat on. */
    public ScheduledExecutorService leaseKeeper() {
        return chores;
    }

    public SharedCertificates certificates() {
        return certificates;
    }

    public SharedAccount account() {
        return account;
    }

    public SharedState state() {
        return state;
    }

    public SharedOrderJournal journal() {
        return journal;
    }

    public ClusterMembers members() {
        return members;
    }

    /** Stops the chores and the listener, closes the connections. Held leases expire on their own. */
    @Override
    public void close() {
        chores.shutdownNow();
        listener.close();
        database.close();
        try {
            chores.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
