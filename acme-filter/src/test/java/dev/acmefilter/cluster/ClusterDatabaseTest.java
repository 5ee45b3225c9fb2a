package dev.acmefilter.cluster;

import dev.acmefilter.config.ClusterSettings;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterDatabaseTest extends ClusterTestBase {

    @Test
    void nodesStartingAtOnceMigrateTheSchemaExactlyOnce() throws Exception {
        int nodes = 6;
        List<ClusterDatabase> databases = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            databases.add(closeLater(new ClusterDatabase(settings("n" + i), clock)));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (ClusterDatabase d : databases) {
                started.add(pool.submit(() -> {
                    go.await();
                    d.start();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : started) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(databases).allMatch(ClusterDatabase::reachable);
        assertThat(query("SELECT count(*) FROM acme.schema_version")).isEqualTo(
                String.valueOf(SchemaMigrations.MIGRATIONS.size()));
        assertThat(query("SELECT applied_by FROM acme.schema_version WHERE version = 1")).matches("n[0-5]");
        assertThat(query("SELECT count(*) FROM pg_tables WHERE schemaname = 'acme'")).isEqualTo("7");
    }

    @Test
    void aRestartedNodeFindsTheSchemaUpToDate() {
        try (ClusterDatabase first = new ClusterDatabase(settings("a"), clock)) {
            first.start();
        }
        ClusterDatabase again = database("a");
        assertThat(again.reachable()).isTrue();
        assertThat(query("SELECT count(*) FROM acme.schema_version")).isEqualTo("1");
    }

    @Test
    void aSchemaMigratedByANewerVersionIsRefusedWithWhatToDo() throws Exception {
        database("a");
        try (Connection c = postgres().superuserConnection(database); Statement s = c.createStatement()) {
            s.execute("INSERT INTO acme.schema_version VALUES (999, 'from the future', now(), 'z')");
        }
        ClusterDatabase old = closeLater(new ClusterDatabase(settings("b"), clock));

        assertThatThrownBy(old::start).isInstanceOf(ClusterSchemaException.class)
                .hasMessageContaining("at version 999").hasMessageContaining("upgrade this node");
    }

    @Test
    void aUserWhoMayNotCreateTheSchemaIsToldHowToCreateIt() throws Exception {
        try (Connection c = postgres().superuserConnection("postgres"); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'weak') THEN"
                    + " CREATE ROLE weak LOGIN PASSWORD 'weak'; END IF; END $$");
        }
        ClusterSettings weak = ClusterSettings.builder().url(postgres().jdbcUrl(database)).user("weak").password("weak")
                .node("a").secret(secret).build();
        ClusterDatabase d = closeLater(new ClusterDatabase(weak, clock));

        assertThatThrownBy(d::start).isInstanceOf(ClusterSchemaException.class)
                .hasMessageContaining("may not create the cluster schema acme")
                .hasMessageContaining("CREATE SCHEMA acme AUTHORIZATION");
    }

    @Test
    void aNodeStartedWhileTheDatabaseIsDownMigratesOnceItIsBack() {
        postgres().stop();
        ClusterDatabase d = closeLater(new ClusterDatabase(settings("a"), clock));
        d.start(); // no exception: the node runs without the database

        assertThat(d.reachable()).isFalse();
        assertThat(d.unreachableSince()).contains(clock.instant());
        assertThat(d.problem()).get().asString().contains("Connection to 127.0.0.1");
        postgres().startAgain();

        assertThat(d.<Integer>inTransaction(c -> count(c, "SELECT count(*) FROM acme.leases"))).isZero();
        assertThat(d.reachable()).isTrue();
        assertThat(d.unreachableSince()).isEmpty();
    }

    @Test
    void aRefusedLoginIsShownAsTheReasonTheDatabaseIsUnreachable() {
        ClusterSettings wrong = ClusterSettings.builder().url(postgres().jdbcUrl(database)).user(USER)
                .password("not the password").node("a").secret(secret).build();
        ClusterDatabase d = closeLater(new ClusterDatabase(wrong, clock));
        d.start();

        assertThat(d.reachable()).isFalse();
        assertThat(d.problem()).get().asString().contains("password authentication failed for user \"acme\"")
                .doesNotContain("not the password");
    }

    @Test
    void theFirstCallAfterADatabaseRestartWorks() {
        ClusterDatabase d = database("a");
        assertThat(d.<Integer>inTransaction(c -> count(c, "SELECT 1"))).isEqualTo(1);
        postgres().stop();
        postgres().startAgain();

        assertThat(d.<Integer>inTransaction(c -> count(c, "SELECT 2"))).as("the dead pooled connection is replaced")
                .isEqualTo(2);
        assertThat(d.reachable()).isTrue();
    }

    @Test
    void twoClustersInOneDatabaseKeepToTheirOwnSchemaAndChannels() throws Exception {
        Cluster a = node("a");
        ClusterSettings otherSchema = ClusterSettings.builder().url(postgres().jdbcUrl(database)).user(USER)
                .password(PASSWORD).node("b").schema("acme_staging").secret(secret).build();
        Cluster b = node(Cluster.builder(otherSchema, clock).version("test"));
        eventually("b listens", java.time.Duration.ofSeconds(10), () -> b.listener().listening());

        a.challenges().put("tok", "tok.thumb");
        Thread.sleep(300);

        assertThat(b.challenges().knownTokens()).isZero();
        assertThat(b.challenges().find("tok")).isEmpty();
        assertThat(query("SELECT count(*) FROM acme_staging.challenges")).isEqualTo("0");
    }

    @Test
    void sqlErrorsAreNotMistakenForAnOutage() {
        ClusterDatabase d = database("a");
        assertThatThrownBy(() -> d.inTransaction(c -> count(c, "SELECT * FROM acme.no_such_table")))
                .isInstanceOf(ClusterException.class).isNotInstanceOf(ClusterUnavailableException.class)
                .hasMessageContaining("no_such_table");
        assertThat(d.reachable()).isTrue();
        assertThat(d.<Integer>inTransaction(c -> count(c, "SELECT 3"))).as("the connection is still usable").isEqualTo(3);
    }

    @Test
    void everySessionHasBoundedWaitsSoAPausedNodeCannotHoldARowForever() {
        ClusterDatabase d = database("a");
        assertThat(d.<String>inTransaction(c -> text(c, "SHOW lock_timeout"))).isEqualTo("10s");
        assertThat(d.<String>inTransaction(c -> text(c, "SHOW statement_timeout"))).isEqualTo("30s");
        assertThat(d.<String>inTransaction(c -> text(c, "SHOW idle_in_transaction_session_timeout"))).isEqualTo("1min");
        assertThat(d.<String>inTransaction(c -> text(c, "SELECT current_setting('application_name')")))
                .isEqualTo("acme-filter a");
    }

    private static String text(Connection c, String sql) throws java.sql.SQLException {
        try (PreparedStatement q = c.prepareStatement(sql); ResultSet r = q.executeQuery()) {
            r.next();
            return r.getString(1);
        }
    }

    private static int count(Connection c, String sql) throws java.sql.SQLException {
        try (PreparedStatement q = c.prepareStatement(sql); ResultSet r = q.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    private String query(String sql) {
        try (Connection c = postgres().superuserConnection(database); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
