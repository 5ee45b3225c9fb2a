package dev.acmefilter.cluster;

import dev.acmefilter.config.ClusterSettings;

import dev.acmefilter.testing.ClassFixture;
import dev.acmefilter.testing.PostgresServer;
import dev.acmefilter.testing.SimulatedClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/**
 * A real PostgreSQL for each test class (started once, stopped after the class even when a
 * test fails), a fresh database per test, and "nodes": {@link Cluster}s with their own
 * connections in this JVM, all on one simulated clock.
 */
abstract class ClusterTestBase {

    static final String USER = "acme";
    static final String PASSWORD = "acme pass";
    @RegisterExtension
    static final ClassFixture<PostgresServer> POSTGRES = ClassFixture.of(PostgresServer::start);
    private static int databases;

    final SimulatedClock clock = new SimulatedClock(Instant.parse("2026-06-01T10:00:00Z"));
    final byte[] secret = randomSecret();
    String database;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** This class's PostgreSQL. */
    static PostgresServer postgres() {
        return POSTGRES.get();
    }

    @BeforeEach
    void freshDatabase() {
        if (!postgres().isRunning()) {
            postgres().startAgain(); // a test that stopped it failed half-way
        }
        database = "t" + (++databases);
        postgres().createDatabase(database, USER, PASSWORD);
    }

    @AfterEach
    void closeNodes() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
    }

    ClusterSettings settings(String node) {
        return settings(node, secret);
    }

    ClusterSettings settings(String node, byte[] withSecret) {
        return ClusterSettings.builder().url(postgres().jdbcUrl(database)).user(USER).password(PASSWORD).node(node)
                .secret(withSecret).build();
    }

    /** A started node. */
    Cluster node(String name) {
        return node(Cluster.builder(settings(name), clock).version("test"));
    }

    Cluster node(Cluster.Builder builder) {
        Cluster c = builder.start();
        opened.add(c);
        return c;
    }

    /** A started database of a node, without the rest. */
    ClusterDatabase database(String node) {
        ClusterDatabase d = new ClusterDatabase(settings(node), clock);
        opened.add(d);
        d.start();
        return d;
    }

    /** How many rows {@code acme.<table>} of this test's database holds. */
    int rows(String table) {
        try (Connection c = postgres().superuserConnection(database); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM acme." + table)) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    <T extends AutoCloseable> T closeLater(T c) {
        opened.add(c);
        return c;
    }

    static byte[] randomSecret() {
        byte[] s = new byte[SecretBox.KEY_LENGTH];
        new SecureRandom().nextBytes(s);
        return s;
    }

    /** Waits (polling) until {@code condition} holds, or fails saying what was awaited. */
    static void eventually(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
