package dev.acmefilter.cluster;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node's one {@code LISTEN} connection: how a node hears, within milliseconds, of a
 * challenge token or a certificate that another node stored. One daemon thread holds a
 * dedicated connection, listens on the channels its subscribers asked for, and hands every
 * notification to them.
 *
 * <p>When the connection breaks (the database restarts, the network drops it) the thread
 * reconnects with a growing pause (a quarter second doubling to {@value #MAX_PAUSE_SECONDS}
 * s), listens again, and then tells every subscriber {@link Subscriber#resync()}: what was
 * notified while nobody listened is lost, so each subscriber reads what it needs afresh.
 * A silently dead connection is found by a {@code SELECT 1} every
 * {@value #PING_SECONDS} s.
 *
 * <p>Subscribers run on this thread: they must be quick (a map update) and hand anything
 * slow (writing certificate files) to another thread.
 */
public final class NotificationListener implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NotificationListener.class.getName());
    static final int MAX_PAUSE_SECONDS = 5;
    static final int PING_SECONDS = 10;
    private static final int POLL_MILLIS = 500;

    /** What a notification channel tells. */
    public interface Subscriber {

        /** A notification on the subscribed channel; {@code payload} is untrusted text. */
        void onNotification(String payload);

        /** Listening (again): read the state afresh, notifications may have been missed. */
        default void resync() {
        }
    }

    private final ClusterDatabase database;
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile Connection current;
    private volatile boolean listening;
    private volatile boolean closed;
    private volatile long connections;

    public NotificationListener(ClusterDatabase database) {
        this.database = database;
        this.thread = new Thread(this::run, "acme-cluster-listener-" + database.node());
        thread.setDaemon(true);
    }

    /**
     * Delivers the notifications on {@code channel} (a name from
     * {@link ClusterDatabase#channel}) to {@code subscriber}. Subscribe before {@link #start()}.
     */
    public void subscribe(String channel, Subscriber subscriber) {
        if (thread.isAlive()) {
            throw new IllegalStateException("subscribe before start()");
        }
        subscribers.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(subscriber);
    }

    public void start() {
        thread.start();
    }

    /** Whether the thread is connected and listening now. */
    public boolean listening() {
        return listening;
    }

    /** How many times the thread connected and started listening (1 after a clean start). */
    public long connections() {
        return connections;
    }

    private void run() {
        long pauseMillis = 250;
        while (!closed) {
            try (Connection c = database.openDedicated()) {
                current = c;
                if (closed) {
                    return;
                }
                try (Statement s = c.createStatement()) {
                    for (String channel : subscribers.keySet()) {
                        s.execute("LISTEN \"" + channel + "\"");
                    }
                }
                listening = true;
                connections++;
                pauseMillis = 250;
                LOG.log(Level.DEBUG, "Listening for cluster notifications on {0}", subscribers.keySet());
                subscribers.values().forEach(list -> list.forEach(this::resync));
                listen(c);
            } catch (SQLException e) {
                if (!closed) {
                    database.markUnreachable(e);
                    LOG.log(Level.DEBUG, "Cluster notifications interrupted: {0}; reconnecting", e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Cluster notification listener failed: {0}; reconnecting", e.toString());
            } finally {
                listening = false;
                current = null;
            }
            if (!closed) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                }
                pauseMillis = Math.min(pauseMillis * 2, Duration.ofSeconds(MAX_PAUSE_SECONDS).toMillis());
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastPing = System.nanoTime();
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    dispatch(n.getName(), n.getParameter());
                }
            }
            if (System.nanoTime() - lastPing > Duration.ofSeconds(PING_SECONDS).toNanos()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                lastPing = System.nanoTime();
            }
        }
    }

    private void dispatch(String channel, String payload) {
        for (Subscriber s : subscribers.getOrDefault(channel, List.of())) {
            try {
                s.onNotification(payload);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A subscriber of cluster channel {0} failed: {1}", channel, e.toString());
            }
        }
    }

    private void resync(Subscriber s) {
        try {
            s.resync();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A cluster subscriber could not read the state afresh: {0}", e.toString());
        }
    }

    /** Stops the thread and closes its connection; waits up to 5 s for it. */
    @Override
    public void close() {
        closed = true;
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
