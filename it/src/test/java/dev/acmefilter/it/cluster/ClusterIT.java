package dev.acmefilter.it.cluster;

import dev.acmefilter.it.AcmeFilterOutput;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cluster mode end to end: three nodes, each the real acme.war in an embedded Jetty in a JVM
 * of its own (so that one can be killed), each with its own homeserver.yaml, port and files,
 * sharing one real PostgreSQL; a real Pebble whose http-01 requests reach the nodes through
 * nginx round-robin. One scenario, in the order a cluster lives it:
 *
 * <ol>
 * <li>While the nodes start, the test holds the certificate's lease itself (a row it keeps
 *     renewing), so that the first order starts only once all three are up.</li>
 * <li>One node takes the lease and orders a certificate for two names; while the CA's
 *     validation requests are held, that node is killed with {@code kill -9}.</li>
 * <li>Another node takes the lease over within {@code lease} + a few seconds, resumes the same
 *     order (the CA's requests, released, are answered by nodes that did not place it), and
 *     both live nodes end with the same certificate: one order at the CA, one finalization.</li>
 * <li>The killed node, started again, installs the certificate from the database without
 *     ordering: the same serial in all three nodes' files, each chain verified to Pebble's
 *     root, each key the certificate's.</li>
 * <li>A node's status shows the cluster; {@code pg_dump} holds no private key in clear.</li>
 * </ol>
 *
 * Runs in a failsafe execution of its own ({@code it-cluster}), once: not per embedded container.
 */
class ClusterIT {

    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final String DB = "synapse";
    private static final String DB_USER = "synapse";
    private static final String DB_PASSWORD = "synapse db pass";
    private static final Duration START = Duration.ofSeconds(120);

    private static Path work;
    private static PostgresServer postgres;
    private static Pebble pebble;
    private static Balancer balancer;
    private static HoldingProxy proxy;
    private static final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void startTheCluster() throws Exception {
        // with -Dit.test=ClusterIT failsafe runs it in every execution: only it-cluster's class path fits
        assumeTrue(System.getProperty("arquillian.launch") == null, "runs in the it-cluster execution only");
        work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "cluster-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        postgres = PostgresServer.start();
        postgres.createDatabase(DB, DB_USER, DB_PASSWORD);
        Path war = Path.of(System.getProperty("it.war", "../acme-war/target/acme.war")).toAbsolutePath();
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        for (int i = 0; i < 3; i++) {
            nodes.add(new NodeProcess("n" + (i + 1), ports.get(i), work.resolve("n" + (i + 1)), war));
        }
        balancer = Balancer.start(work.resolve("nginx"), freePort(), ports);
        proxy = new HoldingProxy(balancer.port());
        pebble = Pebble.builder().httpPort(proxy.port()).resolveAllNamesToLoopback(true).workDir(work.resolve("pebble"))
                .start();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        privateFile(work.resolve("cluster.key"), HexFormat.of().formatHex(secret) + "\n");
        privateFile(work.resolve("db.pass"), DB_PASSWORD + "\n");
        for (NodeProcess node : nodes) {
            writeConfig(node, true);
        }
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        List<Exception> problems = new ArrayList<>();
        for (NodeProcess node : nodes) {
            close(problems, node);
        }
        close(problems, proxy);
        close(problems, balancer);
        close(problems, pebble);
        close(problems, postgres);
        if (!problems.isEmpty()) {
            throw problems.get(0);
        }
    }

    @Test
    void threeNodesOneOrderTakeoverAfterKillNineLateJoinerAndNoKeyInTheDump() throws Exception {
        // 1. the schema exists once a node has connected; the test then holds the lease while all start
        NodeProcess first = nodes.get(0);
        writeConfig(first, false);
        first.start();
        first.awaitReady(START);
        first.get("/acme/status"); // the status servlet joins the cluster: the schema is created
        eventually("the cluster schema", Duration.ofSeconds(30), () -> query("SELECT count(*) FROM pg_tables"
                + " WHERE schemaname = 'acme' AND tablename = 'leases'").equals("1"));
        first.stop();
        writeConfig(first, true);
        update("INSERT INTO acme.leases (certificate_id, holder, fencing_token, acquired_at, expires_at)"
                + " VALUES ('default', 'it-test', 1, now(), now() + interval '5 seconds')");
        LeaseKeeper keeper = new LeaseKeeper();
        proxy.gate().hold();
        long ordersBefore = pebble.ordersCreated();
        try {
            nodes.forEach(NodeProcess::start);
            for (NodeProcess node : nodes) {
                node.awaitReady(START);
            }
        } finally {
            keeper.stop(); // from now on the lease ends within 5 s, and a node takes it
        }

        // 2. one node orders; its validation is held at the proxy; kill -9 it
        eventually("an order in progress with its validation held", Duration.ofSeconds(60),
                () -> !query("SELECT coalesce(pending_order, '') FROM acme.renewal_state WHERE certificate_id ="
                        + " 'default'").isEmpty() && proxy.gate().waiting() > 0);
        String holderName = query("SELECT holder FROM acme.leases WHERE certificate_id = 'default'");
        NodeProcess holder = nodes.stream().filter(n -> n.name().equals(holderName)).findFirst().orElseThrow();
        assertThat(query("SELECT fencing_token FROM acme.leases WHERE certificate_id = 'default'")).isEqualTo("2");
        holder.kill();
        Instant killed = Instant.now();
        proxy.gate().release();
        List<NodeProcess> live = nodes.stream().filter(n -> n != holder).toList();

        // 3. another node takes over, resumes the order, both live nodes get the certificate
        long[] takeoverMillis = {-1};
        eventually("the certificate on both live nodes", LEASE.plusSeconds(60), () -> {
            if (takeoverMillis[0] < 0) {
                String row = query("SELECT fencing_token || ' ' || (extract(epoch FROM acquired_at) * 1000)::bigint"
                        + " FROM acme.leases WHERE certificate_id = 'default'");
                if (row.startsWith("3 ")) {
                    takeoverMillis[0] = Long.parseLong(row.substring(2));
                }
            }
            return serialOf(live.get(0).certificate()).isPresent() && live.stream().map(n -> serialOf(n.certificate()))
                    .distinct().count() == 1;
        });
        Duration killToFiles = Duration.between(killed, Instant.now());
        assertThat(takeoverMillis[0]).as("the takeover's lease grant was seen").isPositive();
        Duration killToTakeover = Duration.ofMillis(Math.max(0, takeoverMillis[0] - killed.toEpochMilli()));
        recordTiming("TIMING cluster lease_s=" + LEASE.toSeconds() + " kill_to_takeover_ms=" + killToTakeover.toMillis()
                + " kill_to_files_on_all_live_nodes_ms=" + killToFiles.toMillis());
        assertThat(killToTakeover).as("takeover after kill -9").isLessThan(LEASE.plusSeconds(5));
        assertThat(query("SELECT count(*) FROM acme.certificates")).as("certificates stored").isEqualTo("1");
        assertThat(query("SELECT fencing_token || ' ' || issued_by FROM acme.certificates"))
                .as("stored under the takeover's lease, by a live node").startsWith("3 ")
                .isNotEqualTo("3 " + holder.name());
        String takeover = query("SELECT issued_by FROM acme.certificates");
        assertThat(live.stream().filter(n -> n.name().equals(takeover)).findFirst().orElseThrow().logText())
                .contains("Resuming the order");
        assertThat(pebble.ordersCreated() - ordersBefore).as("orders at the CA").isEqualTo(1);
        assertThat(pebble.certificatesIssued()).as("certificates issued by the CA").isEqualTo(1);
        List<String> answered = balancer.accessLog().stream().filter(l -> l.startsWith("GET /.well-known/acme-challenge/")
                && l.contains(" 200 ")).toList();
        assertThat(answered).as("the CA's requests, answered by nodes that did not place the order").isNotEmpty()
                .noneMatch(l -> l.contains(":" + holder.port() + " 200"));

        // 4. the killed node comes back and installs the certificate from the database, without an order
        holder.start();
        holder.awaitReady(START);
        BigInteger serial = serialOf(live.get(0).certificate()).orElseThrow();
        eventually("the restarted node installs the certificate", Duration.ofSeconds(60),
                () -> serialOf(holder.certificate()).equals(Optional.of(serial)));
        assertThat(pebble.ordersCreated() - ordersBefore).as("still one order").isEqualTo(1);
        assertThat(holder.get("/acme/metrics").orElseThrow())
                .contains("acme_orders_started_total{certificate=\"default\"} 0");
        for (NodeProcess node : nodes) {
            List<X509Certificate> chain = AcmeFilterOutput.readCertificates(node.certificate());
            assertThat(chain.get(0).getSerialNumber()).as(node.name()).isEqualTo(serial);
            Pebble.verifyChain(chain, pebble.roots());
            assertThat(AcmeFilterOutput.keyMatches(chain.get(0), AcmeFilterOutput.readPrivateKey(node.privateKey())))
                    .as(node.name() + "'s key").isTrue();
            assertThat(chain.get(0).getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                    .containsExactlyInAnyOrder("localhost", "matrix.example.org");
        }

        // 5. status shows the cluster; the dump holds no key in clear
        String status = holder.get("/acme/status").orElseThrow();
        assertThat(status).contains("\"node\": \"" + holder.name() + "\"").contains("\"database\": \"reachable\"")
                .contains("\"leases\"").contains("\"fencing_token\": ");
        eventually("three members seen in the last minute", Duration.ofSeconds(30), () -> holder.get("/acme/metrics")
                .orElse("").contains("acme_cluster_members{node=\"" + holder.name() + "\"} 3"));
        assertThat(holder.get("/acme/metrics").orElseThrow()).contains("acme_cluster_database_up{node=\""
                + holder.name() + "\"} 1");
        String dump = postgres.pgDump(DB);
        assertThat(dump).as("the dump holds the cluster's certificate").contains("CREATE TABLE acme.certificates")
                .contains(serial.toString(16));
        assertThat(dump).doesNotContain("PRIVATE KEY");
        List<byte[]> keys = new ArrayList<>();
        keys.add(AcmeFilterOutput.readPrivateKey(holder.privateKey()).getEncoded());
        for (NodeProcess node : nodes) {
            Path account = node.home().resolve("client.key");
            if (Files.exists(account)) {
                keys.add(AcmeFilterOutput.readPrivateKey(account).getEncoded());
            }
        }
        assertThat(keys).as("the certificate key and at least the account key that the cluster uses").hasSizeGreaterThan(1);
        for (byte[] der : keys) {
            assertThat(dump.toLowerCase()).doesNotContain(HexFormat.of().formatHex(der, der.length - 32, der.length));
            assertThat(dump).doesNotContain(Base64.getEncoder().encodeToString(der).substring(0, 40));
        }
    }

    // ------------------------------------------------------------------ set-up

    private static void writeConfig(NodeProcess node, boolean enabled) throws IOException {
        Files.createDirectories(node.home());
        String database = node.name().equals("n3")
                ? "    database: {url: '" + postgres.jdbcUrl(DB) + "', user: " + DB_USER + ", password_file: '"
                        + work.resolve("db.pass") + "'}\n"
                : "";
        String synapseDatabase = node.name().equals("n3") ? "" : """
                database:
                  name: psycopg2
                  args:
                    user: %s
                    password: '%s'
                    database: %s
                    host: 127.0.0.1
                    port: %d
                    cp_min: 5
                    cp_max: 10
                """.formatted(DB_USER, DB_PASSWORD, DB, postgres.port());
        Files.writeString(node.yaml(), """
                server_name: localhost
                tls_certificate_path: '%s'
                tls_private_key_path: '%s'
                %sacme:
                  enabled: %s
                  url: '%s'
                  ca_certificates: '%s'
                  account_key_file: '%s'
                  domains: [matrix.example.org]
                  preflight: {mode: off}
                  cluster:
                %s    node: %s
                    secret_file: '%s'
                    lease: %d
                """.formatted(node.certificate(), node.privateKey(), synapseDatabase, enabled, pebble.directoryUrl(),
                pebble.caCertificatesPem(), node.home().resolve("client.key"), database, node.name(),
                work.resolve("cluster.key"), LEASE.toSeconds()));
    }

    /** Keeps the test's own lease row alive (as a node's heartbeat would) until stopped. */
    private static final class LeaseKeeper {
        private volatile boolean running = true;
        private final Thread thread = new Thread(() -> {
            while (running) {
                try {
                    update("UPDATE acme.leases SET expires_at = now() + interval '5 seconds' WHERE certificate_id ="
                            + " 'default' AND holder = 'it-test'");
                    Thread.sleep(1000);
                } catch (Exception e) {
                    return;
                }
            }
        }, "it-lease-keeper");

        LeaseKeeper() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
        }
    }

    private static void privateFile(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static String query(String sql) {
        try (Connection c = postgres.superuserConnection(DB); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            return r.next() ? String.valueOf(r.getString(1)) : "";
        } catch (java.sql.SQLException e) {
            return "";
        }
    }

    private static void update(String sql) throws java.sql.SQLException {
        try (Connection c = postgres.superuserConnection(DB); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static Optional<BigInteger> serialOf(Path certificate) {
        try {
            return Optional.of(AcmeFilterOutput.readCertificates(certificate).get(0).getSerialNumber());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void eventually(String what, Duration timeout, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (NodeProcess node : nodes) {
                    logs.append("\n--- ").append(node.name()).append(" ---\n").append(node.tail(40));
                }
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + logs
                        + "\n--- nginx ---\n" + String.join("\n", balancer.accessLog()) + "\n--- pebble ---\n"
                        + pebble.log().lines().skip(Math.max(0, pebble.log().lines().count() - 30))
                        .reduce("", (a, b) -> a + b + "\n"));
            }
            Thread.sleep(50);
        }
    }

    private static void recordTiming(String line) {
        System.out.println(line);
        String file = System.getProperty("it.timings.file");
        if (file != null) {
            try {
                Files.writeString(Path.of(file), line + System.lineSeparator(),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.out.println("cannot append to " + file + ": " + e);
            }
        }
    }

    /** Closes {@code resource} unless it was never started (null); a failure is kept in {@code problems}. */
    private static void close(List<Exception> problems, AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            problems.add(e);
        }
    }
}
