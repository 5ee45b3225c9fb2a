package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeFilter;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.KeyType;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.testing.LogCapture;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.util.KeyPairUtils;

import java.io.Reader;
import java.net.URL;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provisioner against a real Pebble (with its default 5% of rejected nonces), the
 * challenges answered by the {@link ChallengeFilter} in a real Jetty on Pebble's http-01
 * port. Names other than localhost resolve to 127.0.0.1 through pebble-challtestsrv.
 */
class ProvisionerTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.resolveAllNamesToLoopback(true))
            .answeringChallenges();

    @TempDir
    Path dir;

    /** A certificate for {@code names} with its files under {@code base}; one account key for all. */
    private CertificateSettings.Builder settings(Path base, String... names) {
        return PEBBLE.settings(dir).domains(List.of(names))
                .certificatePath(base.resolve("tls/homeserver.tls.crt"))
                .privateKeyPath(base.resolve("tls/homeserver.tls.key"));
    }

    @Test
    void issuesACertificateForTwoNamesThatVerifiesToPebblesRootAndMatchesItsKey() throws Exception {
        CertificateSettings settings = settings(dir, "matrix.example.org", "example.org").build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        ProvisionResult result = provisioner.provisionIfNeeded();

        assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        List<X509Certificate> chain = Pem.readCertificates(settings.certificatePath());
        assertThat(chain).hasSizeGreaterThanOrEqualTo(2);
        Pebble.verifyChain(chain, PEBBLE.get().roots());
        X509Certificate leaf = chain.get(0);
        assertThat(KeyMatch.matches(leaf, Pem.readPrivateKey(settings.privateKeyPath()))).isTrue();
        assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactlyInAnyOrder("matrix.example.org", "example.org");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.privateKeyPath())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.account().accountKeyFile())))
                .isEqualTo("rw-------");
        assertThat(PEBBLE.store().size()).as("no token left pending").isZero();
    }

    @Test
    void secondCheckKeepsTheFreshCertificateWithoutOrdering() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());
        provisioner.provisionIfNeeded();
        byte[] certificate = Files.readAllBytes(settings.certificatePath());

        ProvisionResult again = provisioner.provisionIfNeeded();

        assertThat(again.outcome()).isEqualTo(ProvisionResult.Outcome.KEPT);
        assertThat(Files.readAllBytes(settings.certificatePath())).isEqualTo(certificate);
    }

    @Test
    void theAccountKeyIsReusedAcrossOrders() throws Exception {
        CertificateSettings first = settings(dir.resolve("a"), "localhost").build();
        CertificateSettings second = settings(dir.resolve("b"), "localhost").build();
        try (AcmeClient client1 = new AcmeClient(first); AcmeClient client2 = new AcmeClient(second)) {
            client1.order(first, PEBBLE.store());
            byte[] key = Files.readAllBytes(first.account().accountKeyFile());

            client2.order(second, PEBBLE.store());

            assertThat(Files.readAllBytes(second.account().accountKeyFile())).isEqualTo(key);
            assertThat(client2.account().getLocation()).isEqualTo(client1.account().getLocation());
        }
    }

    @Test
    void withoutCaCertificatesTheCasTlsCertificateIsRefused() {
        Pebble pebble = PEBBLE.get();
        CertificateSettings settings = CertificateSettings.builder()
                .domain("localhost")
                .directoryUrl(pebble.directoryUrl())
                .accountKeyFile(dir.resolve("client.key"))
                .certificatePath(dir.resolve("cert.pem"))
                .privateKeyPath(dir.resolve("key.pem"))
                .build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());
        try {
            assertThatThrownBy(provisioner::provisionIfNeeded)
                    .isInstanceOfSatisfying(ProvisioningException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.NETWORK))
                    .hasMessageContaining("Ordering a certificate for [localhost] failed")
                    .hasStackTraceContaining("PKIX path building failed");
            assertThat(settings.certificatePath()).doesNotExist();
        } finally {
            provisioner.close();
        }
    }

    @Test
    void anOrderLeftByACrashedRunIsResumedInsteadOfOrderingAnother() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").build();
        FileOrderJournal journal = OrderJournal.forCertificate(settings.stateDir(), settings.certificatePath());
        URL left;
        try (AcmeClient client = new AcmeClient(settings)) {
            left = client.login().getAccount().newOrder().domains("localhost").create().getLocation();
        }
        journal.orderCreated(left); // then the process died
        List<String> log = captureLog(CertificateOrder.class);
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        ProvisionResult result = provisioner.provisionIfNeeded();
        provisioner.close();

        assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        assertThat(log).contains("Resuming the order " + left + " (pending) left by an earlier run");
        assertThat(log).noneMatch(line -> line.startsWith("ACME order ") && line.contains(" created for "));
        assertThat(journal.stateFile().load().pendingOrderUrl()).isEmpty();
        assertThat(KeyMatch.matches(Pem.readCertificates(settings.certificatePath()).get(0),
                Pem.readPrivateKey(settings.privateKeyPath()))).isTrue();
    }

    @Test
    void anOrderFinalizedJustBeforeACrashIsCompletedWithTheKeptKey() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").build();
        FileOrderJournal journal = OrderJournal.forCertificate(settings.stateDir(), settings.certificatePath());
        KeyPair key = KeyPairs.create(settings.order().keyType());
        try (AcmeClient client = new AcmeClient(settings)) {
            Order order = client.login().getAccount().newOrder().domains("localhost").create();
            journal.orderCreated(order.getLocation());
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.PENDING) {
                    Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow();
                    PEBBLE.store().put(challenge.getToken(), challenge.getAuthorization());
                    challenge.trigger();
                    Poller.system().await(auth, Set.of(Status.VALID, Status.INVALID), Duration.ofSeconds(30), "auth");
                    PEBBLE.store().remove(challenge.getToken());
                }
            }
            Poller.system().await(order, Set.of(Status.READY), Duration.ofSeconds(30), "ready");
            journal.finalizing(key);
            order.execute(key); // then the process died
        }
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        provisioner.provisionIfNeeded();
        provisioner.close();

        assertThat(KeyPairs.withPublicKey(Pem.readPrivateKey(settings.privateKeyPath())).getPublic().getEncoded())
                .as("the kept key").isEqualTo(key.getPublic().getEncoded());
        assertThat(settings.stateDir().resolve("acme-pending-homeserver.tls.crt.key")).doesNotExist();
        assertThat(journal.stateFile().load().pendingOrderUrl()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(KeyType.class)
    void theCertificateKeyOnDiskIsOfTheConfiguredTypeAndMatchesTheCertificate(KeyType type) throws Exception {
        Security.removeProvider("BC"); // the JDK's providers make every key type
        CertificateSettings settings = settings(dir, "localhost").keyType(type).build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        provisioner.provisionIfNeeded();
        provisioner.close();

        PrivateKey key = Pem.readPrivateKey(settings.privateKeyPath());
        X509Certificate leaf = Pem.readCertificates(settings.certificatePath()).get(0);
        assertThat(key.getAlgorithm()).isIn(type.algorithm(), type.algorithm() + "DSA");
        assertThat(keySize(key)).isEqualTo(type.size());
        assertThat(keySize(leaf.getPublicKey())).isEqualTo(type.size());
        assertThat(KeyMatch.matches(leaf, key)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.privateKeyPath())))
                .isEqualTo("rw-------");
    }

    @Test
    void anOrderNeedsNoBouncyCastleProviderAndRegistersNone() throws Exception {
        Security.removeProvider("BC"); // in case another test registered it
        List<String> before = providerNames();
        CertificateSettings settings = settings(dir, "localhost").build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        ProvisionResult result = provisioner.provisionIfNeeded();
        provisioner.close();

        assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        assertThat(KeyMatch.matches(Pem.readCertificates(settings.certificatePath()).get(0),
                Pem.readPrivateKey(settings.privateKeyPath()))).isTrue();
        assertThat(providerNames()).as("the webapp's JCA is left as it was").isEqualTo(before);
    }

    private static List<String> providerNames() {
        return Arrays.stream(Security.getProviders()).map(Provider::getName).toList();
    }

    private static int keySize(java.security.Key key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        return ((ECKey) key).getParams().getCurve().getField().getFieldSize();
    }

    @Test
    void accountKeyTypeRsa2048CreatesAnRsaAccountKeyFileOwnerOnlyAndTheAccountOrders() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").accountKeyType(KeyType.RSA2048).build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        ProvisionResult result = provisioner.provisionIfNeeded();
        provisioner.close();

        assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        KeyPair account;
        try (Reader reader = Files.newBufferedReader(settings.account().accountKeyFile())) {
            account = KeyPairUtils.readKeyPair(reader);
        }
        assertThat(account.getPublic().getAlgorithm()).isEqualTo("RSA");
        assertThat(keySize(account.getPublic())).isEqualTo(2048);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.account().accountKeyFile())))
                .isEqualTo("rw-------");
        assertThat(keySize(Pem.readPrivateKey(settings.privateKeyPath()))).as("the certificate key stays ec256")
                .isEqualTo(256);
    }

    @Test
    void aPreferredProfileTheCaDoesNotOfferIsWarnedAboutAndTheOrderGoesAheadWithout() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").profile("shortlived").build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        ProvisionResult result;
        List<String> warnings;
        List<String> lines;
        try (LogCapture log = LogCapture.of(ProfileChoice.class, Provisioner.class)) {
            result = provisioner.provisionIfNeeded();
            warnings = log.warnings();
            lines = log.lines();
        } finally {
            provisioner.close();
        }

        assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        assertThat(result.profile()).isEmpty();
        assertThat(warnings).containsExactly("acme.profile: the CA at " + PEBBLE.get().directoryUrl() + " does not "
                + "offer the profile 'shortlived' (it offers no profiles); ordering without a profile (the CA's "
                + "default)");
        assertThat(lines).anyMatch(line -> line.startsWith("Certificate for [localhost] written to ")
                && line.endsWith(", profile none"));
        Pebble.verifyChain(Pem.readCertificates(settings.certificatePath()), PEBBLE.get().roots());
    }

    @Test
    void aRequiredProfileTheCaDoesNotOfferIsAnErrorNamingAcmeProfileAndNothingIsOrdered() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").source(dir.resolve("homeserver.yaml"))
                .profile("shortlived").profileRequired(true).build();
        long orders = PEBBLE.get().requests("POST /order-plz");
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());

        try {
            assertThatThrownBy(provisioner::provisionIfNeeded)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(dir.resolve("homeserver.yaml") + ": acme.profile: the CA at "
                            + PEBBLE.get().directoryUrl() + " does not offer the profile 'shortlived' (it offers no "
                            + "profiles), and acme.profile_required is true, so no order was placed; expected a CA "
                            + "that offers profiles, or acme.profile_required: false to order without it");
        } finally {
            provisioner.close();
        }

        assertThat(PEBBLE.get().requests("POST /order-plz")).isEqualTo(orders);
        assertThat(settings.certificatePath()).doesNotExist();
        assertThat(settings.privateKeyPath()).doesNotExist();
    }

    @Test
    void aWholeOrderFetchesTheCasDirectoryOnce() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());
        long before = PEBBLE.get().requests("GET /dir");
        try {
            assertThat(provisioner.provisionIfNeeded().outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        } finally {
            provisioner.close();
        }

        // account, order, authorization, challenge, finalization, download: one look at the directory
        assertThat(PEBBLE.get().requests("GET /dir") - before).isEqualTo(1);
    }

    @Test
    void twoProvisionersOnTheSameFilesOrderOnceAndTheSecondKeepsWhatTheFirstWrote() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").build();
        Provisioner first = new Provisioner(settings, PEBBLE.store());
        Provisioner second = new Provisioner(settings, PEBBLE.store());
        try {
            java.util.concurrent.CompletableFuture<ProvisionResult> a = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> checked(first::provisionIfNeeded));
            java.util.concurrent.CompletableFuture<ProvisionResult> b = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> checked(second::provisionIfNeeded));

            List<ProvisionResult.Outcome> outcomes = List.of(a.get().outcome(), b.get().outcome());

            assertThat(outcomes).containsExactlyInAnyOrder(ProvisionResult.Outcome.ISSUED,
                    ProvisionResult.Outcome.KEPT);
            // counted here, not as Pebble's POST /order-plz: acme4j resends a POST whose nonce Pebble rejected
            assertThat(first.ordersStarted() + second.ordersStarted()).isEqualTo(1);
            assertThat(a.get().leaf().getSerialNumber()).isEqualTo(b.get().leaf().getSerialNumber());

            // two "renew now" at once: the one that waited finds the other's new certificate and keeps it
            a = java.util.concurrent.CompletableFuture.supplyAsync(() -> checked(first::renewNow));
            b = java.util.concurrent.CompletableFuture.supplyAsync(() -> checked(second::renewNow));
            assertThat(List.of(a.get().outcome(), b.get().outcome())).containsExactlyInAnyOrder(
                    ProvisionResult.Outcome.ISSUED, ProvisionResult.Outcome.KEPT);
            assertThat(first.ordersStarted() + second.ordersStarted()).isEqualTo(2);
            assertThat(first.certificatesIssued() + second.certificatesIssued()).isEqualTo(2);
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aCheckThatCannotGetTheLockInTimeOrdersNothing() throws Exception {
        CertificateSettings settings = settings(dir, "localhost").build();
        Provisioner provisioner = new Provisioner(settings, PEBBLE.store());
        provisioner.lockTimeout(Duration.ofMillis(200));
        dev.acmefilter.state.LockFile lock = dev.acmefilter.state.LockFile.forCertificate(settings.stateDir(),
                settings.certificatePath());
        long ordersBefore = PEBBLE.get().requests("POST /order-plz");
        try (dev.acmefilter.state.LockFile.Held held = lock.acquire(Duration.ofSeconds(1), "a test")) {
            assertThatThrownBy(provisioner::provisionIfNeeded)
                    .isInstanceOfSatisfying(ProvisioningException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.LOCKED))
                    .hasMessage("Another check of " + settings.certificatePath() + " is still running: the lock "
                            + settings.stateDir().resolve("acme-lock-homeserver.tls.crt.lock") + " was held by another"
                            + " task of this process for more than 200 ms; nothing was ordered");
        } finally {
            provisioner.close();
        }
        assertThat(PEBBLE.get().requests("POST /order-plz")).isEqualTo(ordersBefore);
        assertThat(settings.certificatePath()).doesNotExist();
    }

    private interface Check {
        ProvisionResult run() throws Exception;
    }

    private static ProvisionResult checked(Check check) {
        try {
            return check.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> captureLog(Class<?> source) {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(source.getName());
        logger.addHandler(new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord record) {
                lines.add(java.text.MessageFormat.format(record.getMessage(),
                        record.getParameters() == null ? new Object[0] : record.getParameters()));
            }
            @Override public void flush() { }
            @Override public void close() { }
        });
        return lines;
    }

    @Test
    void aCorruptAccountKeyIsAnErrorAndIsNeverReplaced() throws Exception {
        Files.writeString(dir.resolve("client.key"), "-----BEGIN EC PRIVATE KEY-----\ngarbage\n");
        byte[] before = Files.readAllBytes(dir.resolve("client.key"));
        Provisioner provisioner = new Provisioner(settings(dir, "localhost").build(), PEBBLE.store());

        assertThatThrownBy(provisioner::provisionIfNeeded)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("acme.account_key_file: cannot read the account key " + dir.resolve("client.key"));
        assertThat(Files.readAllBytes(dir.resolve("client.key"))).isEqualTo(before);
        assertThat(dir.resolve("tls/homeserver.tls.crt")).doesNotExist();
    }

    @Test
    void aChallengeThatCannotBeValidatedFailsWithTheCasProblemAndLeavesNoToken() throws Exception {
        // tokens go to a store that the filter does not serve: Pebble gets 404s
        InMemoryChallengeStore unserved = new InMemoryChallengeStore();
        CertificateSettings settings = settings(dir, "localhost").build();
        Provisioner provisioner = new Provisioner(settings, unserved);

        assertThatThrownBy(provisioner::provisionIfNeeded)
                .isInstanceOfSatisfying(ProvisioningException.class, e -> {
                    assertThat(e.getMessage()).startsWith("http-01 validation of localhost failed: "
                            + "urn:ietf:params:acme:error:unauthorized");
                    assertThat(e.kind()).isEqualTo(FailureKind.VALIDATION);
                    AcmeProblem problem = e.problem().orElseThrow();
                    assertThat(problem.type()).isEqualTo("urn:ietf:params:acme:error:unauthorized");
                    assertThat(problem.identifier()).contains("localhost");
                    assertThat(problem.detail()).get().asString().contains("404");
                });
        assertThat(unserved.size()).isZero();
        assertThat(settings.certificatePath()).doesNotExist();
        assertThat(settings.privateKeyPath()).doesNotExist();
    }
}
