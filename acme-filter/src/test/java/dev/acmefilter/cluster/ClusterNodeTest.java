package dev.acmefilter.cluster;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ClusterSettings;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.provision.CertificateFleet;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.status.ClusterStatus;
import dev.acmefilter.status.HealthRule;
import dev.acmefilter.status.StatusDocument;
import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.testing.ClassFixture;
import dev.acmefilter.testing.LogCapture;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.SimulatedClock;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cluster nodes in this JVM (each a {@link ClusterNode} with its own connections, files and
 * certificate fleet) on a real PostgreSQL and a real Pebble, whose http-01 requests a real
 * challenge filter answers from the store of the node the test picks. The checks run through
 * each certificate's gate as the scheduler runs them ({@code passGate}), so the test says
 * when; the scheduler's own use of the gate is {@code RenewalSchedulerTest}'s, the whole
 * product in three processes the {@code it} module's.
 */
class ClusterNodeTest extends ClusterTestBase {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final List<String> NAMES = List.of("localhost", "matrix.example.org");

    // 40 s certificates: renewed at half their life, which a simulated clock reaches in a test; a
    // renewal must be validated again (held in flight), so Pebble reuses no authorization (but 1 in 100)
    @RegisterExtension
    @Order(1)
    static final ClassFixture<Pebble> PEBBLE = ClassFixture.of(() -> Pebble.builder().resolveAllNamesToLoopback(true)
            .certificateValidityPeriod(Duration.ofSeconds(40)).env("PEBBLE_AUTHZREUSE", "0").start());
    private static final HeldChallenges answering = new HeldChallenges();
    /** The challenge filter on Pebble's http-01 port; stopped before Pebble (extensions close in reverse order). */
    @RegisterExtension
    @Order(2)
    static final ClassFixture<AutoCloseable> CHALLENGE_JETTY = ClassFixture.of(() -> {
        Server jetty = ChallengeJetty.start(answering, PEBBLE.get().httpPort());
        return jetty::stop;
    });

    @TempDir
    Path dir;

    /** A node: its cluster part, and its one certificate with files of its own. */
    private record Node(ClusterNode cluster, ManagedCertificate certificate, CertificateSettings settings) {

        ProvisionResult check() throws Exception {
            return certificate.scheduler().passGate(() -> certificate.provisioner().provisionIfNeeded());
        }

        ProvisionResult renewNow() throws Exception {
            return certificate.scheduler().passGate(() -> certificate.provisioner().renewNow());
        }

        BigInteger serialOnDisk() {
            try {
                return Pem.readCertificates(settings.certificatePath()).get(0).getSerialNumber();
            } catch (Exception e) {
                return BigInteger.ZERO;
            }
        }

        ClusterStatus status() {
            return cluster.status(List.of(certificate.id()));
        }
    }

    private Node node(String name, Clock nodeClock, Duration standaloneAfter) {
        ClusterSettings cluster = ClusterSettings.builder().url(postgres().jdbcUrl(database)).user(USER)
                .password(PASSWORD).node(name).secret(secret).lease(LEASE).standaloneAfter(standaloneAfter).build();
        Path home = dir.resolve(name);
        CertificateSettings certificate = CertificateSettings.builder().domains(NAMES)
                .directoryUrl(PEBBLE.get().directoryUrl()).caCertificates(PEBBLE.get().caCertificatesPem())
                .accountKeyFile(home.resolve("client.key")).certificatePath(home.resolve("tls/homeserver.tls.crt"))
                .privateKeyPath(home.resolve("tls/homeserver.tls.key")).build();
        ClusterNode node = closeLater(ClusterNode.start(cluster, nodeClock, "test"));
        CertificateFleet fleet = closeLater(new CertificateFleet(AcmeConfig.builder().certificate(certificate)
                .cluster(cluster).build(), node.challenges(), nodeClock, node));
        return new Node(node, fleet.certificates().get(0), certificate);
    }

    private long newOrders() {
        return PEBBLE.get().ordersCreated();
    }

    @Test
    void oneOrderServesBothNodesAndTheNodeThatDidNotOrderAnswersTheChallenges() throws Exception {
        Node a = node("a", Clock.systemUTC(), ClusterSettings.DEFAULT_STANDALONE_AFTER);
        Node b = node("b", Clock.systemUTC(), ClusterSettings.DEFAULT_STANDALONE_AFTER);
        answering.routeTo(b.cluster().challenges()); // the CA reaches b only, a orders
        int answeredBefore = answering.answered();
        long ordersBefore = newOrders();

        ProvisionResult issued = a.check();

        assertThat(issued.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        assertThat(answering.answered() - answeredBefore).as("tokens answered by b, which did not order")
                .isGreaterThanOrEqualTo(2);
        BigInteger serial = issued.leaf().getSerialNumber();
        eventually("b installs the certificate a stored", Duration.ofSeconds(20),
                () -> b.serialOnDisk().equals(serial));
        X509Certificate leafOfB = Pem.readCertificates(b.settings().certificatePath()).get(0);
        assertThat(KeyMatch.matches(leafOfB, Pem.readPrivateKey(b.settings().privateKeyPath()))).isTrue();
        Pebble.verifyChain(Pem.readCertificates(b.settings().certificatePath()), PEBBLE.get().roots());
        assertThat(b.check().outcome()).as("b's own check").isEqualTo(ProvisionResult.Outcome.KEPT);
        assertThat(b.certificate().provisioner().ordersStarted()).isZero();
        assertThat(b.certificate().provisioner().certificatesInstalled()).isEqualTo(1);
        assertThat(newOrders() - ordersBefore).as("orders at the CA").isEqualTo(1);
        assertThat(b.settings().account().accountKeyFile()).as("b never needed an account of its own")
                .doesNotExist();
    }

    @Test
    void theDatabaseStoppedDuringARenewalComesBackAndTheRenewalCompletesWhileStatusShowsTheOutage() throws Exception {
        Node a = node("a", Clock.systemUTC(), ClusterSettings.DEFAULT_STANDALONE_AFTER);
        Node b = node("b", Clock.systemUTC(), ClusterSettings.DEFAULT_STANDALONE_AFTER);
        answering.routeTo(b.cluster().challenges());
        BigInteger first = a.check().leaf().getSerialNumber();
        eventually("b installs the first certificate", Duration.ofSeconds(20), () -> b.serialOnDisk().equals(first));

        ExecutorService background = Executors.newSingleThreadExecutor();
        answering.gate().hold();
        try {
            Future<ProvisionResult> renewal = background.submit(a::renewNow);
            eventually("the CA's validation is in flight", Duration.ofSeconds(20), () -> answering.gate().waiting() > 0);
            postgres().stop();
            eventually("a's status shows the outage", Duration.ofSeconds(10), () -> !a.status().databaseReachable());
            StatusDocument during = new StatusDocument(List.of(), HealthRule.forSettings(
                    dev.acmefilter.config.AlertSettings.DEFAULTS), Instant.now(), Optional.of(a.status()));
            assertThat(during.json()).contains("\"node\": \"a\"").contains("\"database\": \"unreachable\"");
            assertThat(during.healthText()).contains("cluster: database unreachable since ");
            assertThat(during.metrics()).contains("acme_cluster_database_up{node=\"a\"} 0");
            postgres().startAgain();
            answering.gate().release();

            ProvisionResult renewed = renewal.get(90, TimeUnit.SECONDS);

            assertThat(renewed.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
            BigInteger second = renewed.leaf().getSerialNumber();
            assertThat(second).isNotEqualTo(first);
            eventually("b installs the renewed certificate", Duration.ofSeconds(30),
                    () -> b.serialOnDisk().equals(second));
            assertThat(a.status().databaseReachable()).isTrue();
            assertThat(new StatusDocument(List.of(), HealthRule.forSettings(dev.acmefilter.config.AlertSettings.DEFAULTS),
                    Instant.now(), Optional.of(a.status())).json()).contains("\"database\": \"reachable\"")
                    .contains("\"certificate\": \"default\"");
        } finally {
            answering.gate().release();
            if (!postgres().isRunning()) {
                postgres().startAgain();
            }
            background.shutdownNow();
        }
    }

    @Test
    void withoutTheDatabaseForStandaloneAfterANodeRenewsOnItsOwnAndSharesTheCertificateLater() throws Exception {
        SimulatedClock simulated = new SimulatedClock(Instant.now());
        Node a = node("a", simulated, LEASE);
        Node b = node("b", Clock.systemUTC(), ClusterSettings.DEFAULT_STANDALONE_AFTER);
        List<String> standalone = new CopyOnWriteArrayList<>();
        a.cluster().onStandalone((settings, why) -> standalone.add(settings.id() + ": " + why));
        answering.routeTo(a.cluster().challenges()); // without the database only a knows its tokens
        X509Certificate firstLeaf = a.check().leaf();
        BigInteger first = firstLeaf.getSerialNumber();
        eventually("b installs the first certificate", Duration.ofSeconds(20), () -> b.serialOnDisk().equals(first));
        // certificates are told apart by their notBefore, in whole seconds: the standalone one must start later
        Instant later = firstLeaf.getNotBefore().toInstant().plusSeconds(1);
        eventually("a second later than the first certificate", Duration.ofSeconds(5),
                () -> Instant.now().isAfter(later));
        simulated.set(Instant.now());
        long ordersBefore = newOrders();

        postgres().stop();
        try {
            assertThatThrownBy(a::check).as("just unreachable").isInstanceOf(ClusterUnavailableException.class);
            simulated.advance(LEASE.plusSeconds(1));
            assertThatThrownBy(a::check).as("unreachable long enough, but the certificate is not due")
                    .isInstanceOf(ClusterUnavailableException.class);
            assertThat(standalone).isEmpty();
            assertThat(newOrders()).isEqualTo(ordersBefore);
            simulated.advance(Duration.ofSeconds(10)); // 26 s into a 40 s certificate: inside its renewal window

            ProvisionResult renewed;
            try (LogCapture log = LogCapture.of(CertificateLease.class)) {
                renewed = a.check();
                assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("standalone"));
            }

            assertThat(renewed.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
            assertThat(standalone).singleElement().asString().startsWith("default: Renewing certificate default")
                    .contains("standalone_after");
            assertThat(newOrders() - ordersBefore).isEqualTo(1);
            assertThat(b.serialOnDisk()).as("b cannot hear of it yet").isEqualTo(first);
        } finally {
            postgres().startAgain();
        }
        BigInteger standaloneSerial = renewed(a);
        simulated.set(Instant.now());

        assertThat(a.check().outcome()).as("a's next check, with the lease").isEqualTo(ProvisionResult.Outcome.KEPT);
        eventually("b installs what a renewed standalone", Duration.ofSeconds(30),
                () -> b.serialOnDisk().equals(standaloneSerial));
        assertThat(newOrders() - ordersBefore).as("no further order").isEqualTo(1);
    }

    private static BigInteger renewed(Node a) {
        return a.serialOnDisk();
    }
}
