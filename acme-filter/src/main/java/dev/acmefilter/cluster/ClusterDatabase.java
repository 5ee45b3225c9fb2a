package dev.acmefilter.cluster;

import dev.acmefilter.config.ClusterSettings;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The node's connections to the cluster database: a handful of pooled pgjdbc connections
 * for short transactions ({@link #inTransaction}), a dedicated one on request for
 * {@code LISTEN} ({@link #openDedicated}), the schema migrated on the first connection, and
 * the reachability that status shows ({@link #reachable()}, {@link #unreachableSince()}).
 *
 * <p>No pool library: a node runs a few short transactions a minute, plus a read on a
 * challenge the node did not hear of. Pooled connections idle for more than
 * {@value #VALIDATE_AFTER_SECONDS} s are checked before use, and after any connection
 * failure all idle ones are dropped (after a database restart they are all dead); a unit of
 * work that failed on a reused connection runs once more on a fresh one. Reconnecting is
 * nothing more than that: every call after an outage opens a new connection, so the node
 * recovers by itself as soon as the database answers.
 *
 * <p>Bounded waits everywhere, so that a dead database never hangs a thread: connect
 * {@value #CONNECT_TIMEOUT_SECONDS} s, socket reads {@value #SOCKET_TIMEOUT_SECONDS} s, row
 * locks 10 s, statements 30 s, and the server ends a transaction left idle for a minute
 * (a paused node cannot hold a lease row locked).
 *
 * <p>The schema is created and migrated when the first connection is made, at
 * {@link #start()} or later when the database was down then ({@link SchemaMigrations}).
 */
public final class ClusterDatabase implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterDatabase.class.getName());

    /** Connections open at once at most (pooled and borrowed; the listener's is extra). */
    public static final int MAX_CONNECTIONS = 4;
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int SOCKET_TIMEOUT_SECONDS = 30;
    static final int VALIDATE_AFTER_SECONDS = 30;
    /** SQLSTATEs that mean "no usable connection" rather than "this statement was wrong". */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300", "28000", "28P01",
            "3D000");

    private final ClusterSettings settings;
    private final Clock clock;
    private final Driver driver;
    private final Properties properties;
    private final SchemaMigrations migrations;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS, true);
    private final Object migrationLock = new Object();
    private final Reachability reachability;
    private volatile boolean migrated;
    private volatile boolean closed;

    private record Idle(Connection connection, long sinceNanos) {
    }

    private record Borrowed(Connection connection, boolean reused) {
    }

    public ClusterDatabase(ClusterSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.driver = new org.postgresql.Driver(); // not DriverManager: the webapp's class loader holds the driver
        this.properties = new Properties();
        properties.setProperty("user", settings.user());
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(2 * CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "acme-filter " + settings.node());
        properties.setProperty("options", "-c lock_timeout=10000 -c statement_timeout=30000"
                + " -c idle_in_transaction_session_timeout=60000");
        this.migrations = new SchemaMigrations(settings.schema(), settings.node(), clock);
        this.reachability = new Reachability(clock);
    }

    public ClusterSettings settings() {
        return settings;
    }

    Clock clock() {
        return clock;
    }

    /**
     * Connects and migrates the schema. When the database cannot be reached, logs a warning
     * and returns: the migration then runs at the first call that reaches it.
     *
     * @throws ClusterSchemaException when the schema cannot be set up (an admin must act)
     */
    public void start() {
        try {
            inTransaction(c -> null);
            LOG.log(Level.INFO, "Cluster node {0}: database {1} reached, schema {2} at version {3}", settings.node(),
                    redactedUrl(), settings.schema(), migrations.latest());
        } catch (ClusterUnavailableException e) {
            LOG.log(Level.WARNING, "Cluster node {0}: the database cannot be reached ({1}); retrying at every use",
                    settings.node(), e.getMessage());
        }
    }

    /**
     * Runs {@code work} in one transaction on a pooled connection and commits it.
     *
     * @throws ClusterUnavailableException when no connection could be made or it broke; rolled back
     * @throws ClusterSchemaException      when the schema could not be migrated
     * @throws ClusterException            when the database refused a statement; rolled back
     */
    public <T> T inTransaction(SqlWork<T> work) {
        for (int attempt = 0; ; attempt++) {
            Borrowed borrowed = borrow();
            Connection c = borrowed.connection();
            try {
                T result = work.run(c);
                c.commit();
                giveBack(c);
                markReachable();
                return result;
            } catch (SQLException e) {
                if (isConnectionFailure(e, c)) {
                    discard(c);
                    discardIdle();
                    if (borrowed.reused() && attempt == 0) {
                        continue; // the pooled connection had died (a database restart): once more on a fresh one
                    }
                    markUnreachable(e);
                    throw unavailable(e);
                }
                afterFailure(c);
                markReachable();
                throw new ClusterException("The cluster database refused a statement: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                afterFailure(c);
                throw e;
            } finally {
                permits.release();
            }
        }
    }

    /**
     * A connection of its own, outside the pool, in auto-commit mode: for {@code LISTEN},
     * which needs one connection for as long as it listens. The caller closes it.
     *
     * @throws SQLException when the database cannot be reached (also recorded for status)
     */
    public Connection openDedicated() throws SQLException {
        if (closed) {
            throw new SQLException("the cluster database of this node is closed", "08003");
        }
        try {
            Connection c = connect();
            ensureMigrated(c);
            c.setAutoCommit(true);
            markReachable();
            return c;
        } catch (SQLException e) {
            markUnreachable(e);
            throw e;
        }
    }

    /** Whether the last attempt to use the database worked. */
    public boolean reachable() {
        return reachability.reachable();
    }

    /** Since when the database has been unreachable (since start when it never was reached); empty when reachable. */
    public Optional<Instant> unreachableSince() {
        return reachability.unreachableSince();
    }

    /** Why the database is unreachable, as status shows it; empty when reachable. */
    public Optional<String> problem() {
        return reachability.problem();
    }

    /** {@code "<schema>".<name>}: a table of this cluster. */
    String table(String name) {
        return "\"" + settings.schema() + "\"." + name;
    }

    /** The notification channel {@code <schema>_<name>}, so that two clusters in one database do not hear each other. */
    String channel(String name) {
        return settings.schema() + "_" + name;
    }

    String node() {
        return settings.node();
    }

    /** Closes the pooled connections; borrowed ones are closed when given back. Later calls fail as unavailable. */
    @Override
    public void close() {
        closed = true;
        discardIdle();
    }

    // ------------------------------------------------------------------ connections

    private Borrowed borrow() {
        if (closed) {
            throw new ClusterUnavailableException("The cluster database of this node is closed", null);
        }
        try {
            if (!permits.tryAcquire(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new ClusterUnavailableException("All " + MAX_CONNECTIONS + " connections to the cluster database"
                        + " are busy", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("Interrupted while waiting for a cluster database connection", e);
        }
        try {
            Idle candidate;
            while ((candidate = pollIdle()) != null) {
                long idleSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - candidate.sinceNanos());
                if (idleSeconds < VALIDATE_AFTER_SECONDS || candidate.connection().isValid(CONNECT_TIMEOUT_SECONDS)) {
                    return new Borrowed(candidate.connection(), true);
                }
                discard(candidate.connection());
            }
            Connection fresh = connect();
            try {
                fresh.setAutoCommit(false);
                ensureMigrated(fresh);
            } catch (SQLException | RuntimeException e) {
                discard(fresh);
                throw e;
            }
            return new Borrowed(fresh, false);
        } catch (SQLException e) {
            permits.release();
            markUnreachable(e);
            throw unavailable(e);
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection connect() throws SQLException {
        Connection c = driver.connect(settings.jdbcUrl(), properties);
        if (c == null) {
            throw new SQLException("pgjdbc does not accept the URL " + redactedUrl(), "08001");
        }
        return c;
    }

    private void ensureMigrated(Connection c) throws SQLException {
        if (migrated) {
            return;
        }
        synchronized (migrationLock) {
            if (!migrated) {
                boolean autoCommit = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    migrations.apply(c);
                } finally {
                    c.setAutoCommit(autoCommit);
                }
                migrated = true;
            }
        }
    }

    private synchronized Idle pollIdle() {
        return idle.pollFirst();
    }

    private void giveBack(Connection c) {
        if (closed) {
            discard(c);
            return;
        }
        synchronized (this) {
            idle.addFirst(new Idle(c, System.nanoTime()));
        }
    }

    private void afterFailure(Connection c) {
        try {
            c.rollback();
            giveBack(c);
        } catch (SQLException | RuntimeException e) {
            discard(c);
        }
    }

    private void discardIdle() {
        Idle i;
        while ((i = pollIdle()) != null) {
            discard(i.connection());
        }
    }

    private static void discard(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // it is gone either way
        }
    }

    static boolean isConnectionFailure(SQLException e, Connection c) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
            return true;
        }
        try {
            return c != null && c.isClosed();
        } catch (SQLException closedCheck) {
            return true;
        }
    }

    // ------------------------------------------------------------------ reachability

    void markReachable() {
        reachability.reached();
    }

    void markUnreachable(SQLException e) {
        reachability.failed(describe(e));
    }

    private ClusterUnavailableException unavailable(SQLException e) {
        return new ClusterUnavailableException("Cluster database " + redactedUrl() + " unreachable: " + describe(e), e);
    }

    private static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getSQLState() == null ? message : message + " (SQLSTATE " + e.getSQLState() + ")";
    }

    private String redactedUrl() {
        return settings.jdbcUrl().replaceAll("(?i)(password=)[^&]*", "$1(hidden)");
    }
}
