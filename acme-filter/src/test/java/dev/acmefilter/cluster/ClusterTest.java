package dev.acmefilter.cluster;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterTest extends ClusterTestBase {

    @Test
    void aNodeStartedWhileTheDatabaseIsDownCatchesUpWhenItReturns() throws Exception {
        postgres().stop();
        Cluster a = node("a"); // no exception: the webapp must start and serve what it has

        assertThat(a.database().reachable()).isFalse();
        assertThatThrownBy(() -> a.leases().tryAcquire("default")).isInstanceOf(ClusterUnavailableException.class);
        postgres().startAgain();

        eventually("a listens", Duration.ofSeconds(20), () -> a.listener().listening());
        assertThat(a.leases().tryAcquire("default")).isPresent();
        assertThat(a.database().reachable()).isTrue();
    }

    @Test
    void standaloneIsDueOnlyAfterTheDatabaseWasUnreachableForStandaloneAfter() throws Exception {
        Cluster a = node("a");
        assertThat(a.standaloneDue()).isFalse();
        postgres().stop();
        eventually("a notices the outage", Duration.ofSeconds(10), () -> !a.database().reachable());

        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(a.standaloneDue()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.standaloneDue()).isTrue();

        postgres().startAgain();
        eventually("a reconnects", Duration.ofSeconds(20), () -> a.listener().listening());
        assertThat(a.standaloneDue()).isFalse();
    }

    @Test
    void closingANodeLeavesNoThreadAndNoConnectionBehind() throws Exception {
        Cluster a = Cluster.builder(settings("a"), clock).version("test").start();
        eventually("a listens", Duration.ofSeconds(10), () -> a.listener().listening());
        a.leases().tryAcquire("default").orElseThrow().keepAlive(a.leaseKeeper());
        assertThat(connections()).isPositive();

        a.close();

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && t.getName().startsWith("acme-cluster-") && t.getName().endsWith("a"));
        eventually("no connection of node a left", Duration.ofSeconds(10), () -> connections() == 0);
        assertThatThrownBy(() -> a.leases().tryAcquire("other")).isInstanceOf(ClusterUnavailableException.class)
                .hasMessageContaining("closed");
    }

    private int connections() {
        try (Connection c = postgres().superuserConnection(database); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'acme-filter a'")) {
            r.next();
            return r.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
