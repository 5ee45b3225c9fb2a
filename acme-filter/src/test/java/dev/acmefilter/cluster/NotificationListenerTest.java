package dev.acmefilter.cluster;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationListenerTest extends ClusterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aFailingSubscriberDoesNotKeepTheOthersFromHearing() throws Exception {
        ClusterDatabase db = database("a");
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        NotificationListener listener = closeLater(new NotificationListener(db));
        listener.subscribe(db.channel("test"), payload -> {
            throw new IllegalStateException("broken subscriber");
        });
        listener.subscribe(db.channel("test"), heard::add);
        listener.subscribe(db.channel("other"), payload -> heard.add("wrong channel: " + payload));
        listener.start();
        eventually("listening", WAIT, listener::listening);

        notify("acme_test", "hello");
        notify("acme_test", "again");

        assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
        assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("again");
        assertThat(heard).isEmpty();
    }

    @Test
    void aCutConnectionIsReopenedAndEverySubscriberResyncs() throws Exception {
        ClusterDatabase db = database("a");
        AtomicInteger resyncs = new AtomicInteger();
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        NotificationListener listener = closeLater(new NotificationListener(db));
        listener.subscribe(db.channel("test"), new NotificationListener.Subscriber() {
            @Override
            public void onNotification(String payload) {
                heard.add(payload);
            }

            @Override
            public void resync() {
                resyncs.incrementAndGet();
            }
        });
        listener.start();
        eventually("listening", WAIT, listener::listening);
        assertThat(resyncs.get()).isEqualTo(1);

        try (Connection c = postgres().superuserConnection(database); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'acme-filter a'"); // the listener's and the pooled connections
        }

        eventually("listening again", WAIT, () -> listener.connections() == 2 && listener.listening());
        assertThat(resyncs.get()).isEqualTo(2);
        notify("acme_test", "after");
        assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
    }

    @Test
    void closeStopsTheThreadAndItsConnection() throws Exception {
        ClusterDatabase db = database("a");
        NotificationListener listener = new NotificationListener(db);
        listener.subscribe(db.channel("test"), payload -> { });
        listener.start();
        eventually("listening", WAIT, listener::listening);

        listener.close();

        assertThat(listener.listening()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("acme-cluster-listener-a"));
        eventually("no LISTEN connection left", WAIT, () -> listeners() == 0);
    }

    private int listeners() {
        try (Connection c = postgres().superuserConnection(database); Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")) {
            r.next();
            return r.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private void notify(String channel, String payload) throws Exception {
        try (Connection c = postgres().superuserConnection(database);
             java.sql.PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, channel);
            s.setString(2, payload);
            s.execute();
        }
    }
}
