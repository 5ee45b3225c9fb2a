package dev.acmefilter.admin;

import dev.acmefilter.cluster.ClusterNode;
import dev.acmefilter.cluster.Lease;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ClusterSettings;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.output.Pem;
import dev.acmefilter.provision.CertificateFleet;
import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.testing.ClassFixture;
import dev.acmefilter.testing.PebbleExtension;
import dev.acmefilter.testing.PostgresServer;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code acme-admin} with {@code acme.cluster}: renew joins the cluster for the time of the
 * renewal and orders under the certificate's lease; a running node (here in this JVM, with a
 * real challenge filter on Pebble's http-01 port answering from the database) answers the CA
 * and installs the new certificate into its own files. Real PostgreSQL, real Pebble.
 */
class ClusterRenewalTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.resolveAllNamesToLoopback(true));

    @RegisterExtension
    static final ClassFixture<PostgresServer> POSTGRES = ClassFixture.of(PostgresServer::start);
    private static int databases;

    @TempDir
    Path home;

    private Path yaml;
    private ClusterNode running;
    private CertificateFleet runningFleet;
    private CertificateSettings runningCertificate;
    private Server jetty;

    /** A homeserver.yaml with acme.cluster, and "fe1", a running node of the same cluster with files of its own. */
    @BeforeEach
    void clusterWithARunningNode() throws Exception {
        PostgresServer postgres = POSTGRES.get();
        String database = "admin" + (++databases);
        postgres.createDatabase(database, "acme", "db pass");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path secretFile = Files.writeString(home.resolve("cluster.key"), HexFormat.of().formatHex(secret));
        Path passwordFile = Files.writeString(home.resolve("db.pass"), "db pass\n");
        for (Path f : List.of(secretFile, passwordFile)) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        yaml = PEBBLE.homeserverYaml(home, """
                  cluster:
                    database: {url: '%s', user: acme, password_file: db.pass}
                    node: fe2
                    secret_file: cluster.key
                    lease: 10
                """.formatted(postgres.jdbcUrl(database)));
        AcmeConfig config = ConfigLoader.load(yaml);
        ClusterSettings fe1 = ClusterSettings.builder().url(postgres.jdbcUrl(database)).user("acme")
                .password("db pass").node("fe1").secret(secret).lease(Duration.ofSeconds(10)).build();
        runningCertificate = config.certificates().get(0).toBuilder()
                .accountKeyFile(home.resolve("fe1/client.key"))
                .certificatePath(home.resolve("fe1/tls.crt")).privateKeyPath(home.resolve("fe1/tls.key")).build();
        running = ClusterNode.start(fe1, Clock.systemUTC(), "test");
        runningFleet = new CertificateFleet(AcmeConfig.builder().certificate(runningCertificate).cluster(fe1).build(),
                running.challenges(), Clock.systemUTC(), running);
        jetty = ChallengeJetty.start(running.challenges(), PEBBLE.get().httpPort());
    }

    @AfterEach
    void stopTheRunningNode() throws Exception {
        try {
            jetty.stop();
        } finally {
            runningFleet.close();
            running.close();
        }
    }

    private AdminCommandTest.Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new AdminCommand(name -> null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC()).run(args);
        return new AdminCommandTest.Run(status, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    private static Optional<BigInteger> serialOf(Path certificate) {
        try {
            return Optional.of(Pem.readCertificates(certificate).get(0).getSerialNumber());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Test
    void renewOrdersUnderTheLeaseAndTheRunningNodeAnswersTheCaAndInstallsIt() throws Exception {
        long ordersBefore = PEBBLE.get().ordersCreated();

        AdminCommandTest.Run renew = run("--config", yaml.toString(), "renew");

        assertThat(renew.status()).as(renew.err()).isZero();
        assertThat(renew.out()).startsWith("default: new certificate written to " + home.resolve("tls/localhost.crt"));
        BigInteger serial = serialOf(home.resolve("tls/localhost.crt")).orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!serialOf(runningCertificate.certificatePath()).equals(Optional.of(serial))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(serialOf(runningCertificate.certificatePath())).as("fe1's files").contains(serial);
        assertThat(PEBBLE.get().ordersCreated() - ordersBefore).isEqualTo(1);
        assertThat(runningFleet.certificates().get(0).provisioner().ordersStarted()).isZero();
    }

    @Test
    void whileAnotherNodeHoldsTheLeaseRenewOrdersNothingAndSaysWho() throws Exception {
        long ordersBefore = PEBBLE.get().ordersCreated();
        try (Lease held = running.cluster().leases().tryAcquire("default").orElseThrow()) {
            AdminCommandTest.Run renew = run("--config", yaml.toString(), "renew");

            assertThat(renew.status()).isEqualTo(AdminCommand.FAILED);
            assertThat(renew.err()).startsWith("acme-admin: nothing was ordered: node fe1 is checking this certificate"
                    + " now (its lease runs until " + held.expiresAt().toString().substring(0, 19))
                    .contains("wait for it, or try again once its lease has ended");
        }
        assertThat(PEBBLE.get().ordersCreated()).isEqualTo(ordersBefore);
        assertThat(home.resolve("tls/localhost.crt")).doesNotExist();
    }

    @Test
    void accountKeyRolloverIsRefusedInACluster() {
        AdminCommandTest.Run rollover = run("--config", yaml.toString(), "rollover-account-key");

        assertThat(rollover.status()).isEqualTo(AdminCommand.USAGE);
        assertThat(rollover.err()).startsWith("acme-admin: rollover-account-key is not available in a cluster"
                + " (acme.cluster is set): every node uses the cluster's account key");
    }
}
