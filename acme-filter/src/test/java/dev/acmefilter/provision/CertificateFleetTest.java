package dev.acmefilter.provision;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.config.PreflightSettings;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.state.RenewalState;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several certificates from one {@code homeserver.yaml}, against a real Pebble whose test
 * DNS answers SERVFAIL for one name: that certificate fails and backs off on its own while
 * the others are issued.
 */
class CertificateFleetTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.resolveAllNamesToLoopback(true))
            .answeringChallenges();

    @TempDir
    Path dir;



    private Path homeserverYaml(String certificates) throws Exception {
        Pebble pebble = PEBBLE.get();
        Path yaml = dir.resolve("homeserver.yaml");
        Files.writeString(yaml, String.join("\n",
                "server_name: matrix.example.org",
                "tls_certificate_path: tls/homeserver.crt",
                "tls_private_key_path: tls/homeserver.key",
                "acme:",
                "  enabled: true",
                "  url: " + pebble.directoryUrl(),
                "  ca_certificates: " + pebble.caCertificatesPem(),
                "  account_key_file: client.key",
                "  preflight: {mode: 'off'}",
                "  max_concurrent_orders: 2",
                "  certificates:",
                certificates,
                ""));
        return yaml;
    }

    @Test
    void threeCertificatesOneFailingOnPurposeTheOtherTwoAreIssued() throws Exception {
        PEBBLE.get().failLookups("broken.example.org");
        AcmeConfig settings = ConfigLoader.load(homeserverYaml(String.join("\n",
                "    - id: element",
                "      domains: [element.example.org]",
                "      certificate_path: tls/element.crt",
                "      private_key_path: tls/element.key",
                "      key_type: ec384",
                "    - id: broken",
                "      domains: [broken.example.org]",
                "      certificate_path: tls/broken.crt",
                "      private_key_path: tls/broken.key")));

        try (CertificateFleet fleet = new CertificateFleet(settings, PEBBLE.store())) {
            assertThat(fleet.certificates()).extracting(ManagedCertificate::id)
                    .containsExactly("default", "element", "broken");
            fleet.start();
            ManagedCertificate broken = fleet.find("broken").orElseThrow();
            awaitUntil(() -> Files.exists(dir.resolve("tls/homeserver.crt")) && Files.exists(dir.resolve("tls/element.crt"))
                    && broken.scheduler().state().consecutiveFailures() > 0);

            assertIssued(dir.resolve("tls/homeserver.crt"), dir.resolve("tls/homeserver.key"), "matrix.example.org");
            X509Certificate element = assertIssued(dir.resolve("tls/element.crt"), dir.resolve("tls/element.key"),
                    "element.example.org");
            assertThat(element.getPublicKey().getAlgorithm()).isEqualTo("EC");
            assertThat(Pem.readPrivateKey(dir.resolve("tls/element.key")).toString()).doesNotContain("P-256");

            assertThat(dir.resolve("tls/broken.crt")).doesNotExist();
            assertThat(dir.resolve("tls/broken.key")).doesNotExist();
            RenewalState failed = broken.scheduler().state();
            assertThat(failed.lastError()).contains("broken.example.org");
            assertThat(failed.nextAttemptTime()).hasValueSatisfying(t -> assertThat(t).isAfter(Instant.now()));
            // each certificate keeps its own state: the others' success did not clear this failure
            assertThat(broken.scheduler().state().consecutiveFailures()).isEqualTo(1);
            assertThat(fleet.find("element").orElseThrow().scheduler().state().consecutiveFailures()).isZero();
            assertThat(dir.resolve("acme-state@broken.properties")).exists();
            assertThat(dir.resolve("acme-state@element.properties")).exists();
            assertThat(dir.resolve("acme-state-homeserver.crt.properties")).exists();
        }
    }

    @Test
    void aCertificateWithAHundredNamesIsIssuedWithAllOfThem() throws Exception {
        List<String> names = IntStream.range(0, 100).mapToObj(i -> "n" + i + ".example.org").toList();
        CertificateSettings.Builder builder = CertificateSettings.builder()
                .directoryUrl(PEBBLE.get().directoryUrl())
                .caCertificates(PEBBLE.get().caCertificatesPem())
                .accountKeyFile(dir.resolve("client.key"))
                .certificatePath(dir.resolve("tls/many.crt"))
                .privateKeyPath(dir.resolve("tls/many.key"))
                // the names resolve only in Pebble's test DNS: 100 failing look-ups would only add time
                .preflight(new PreflightSettings(PreflightSettings.Mode.OFF, PreflightSettings.DEFAULT_PORT,
                        PreflightSettings.DEFAULT_TIMEOUT));
        names.forEach(builder::domain);
        Provisioner provisioner = new Provisioner(builder.build(), PEBBLE.store());
        try {
            ProvisionResult result = provisioner.provisionIfNeeded();

            assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
            X509Certificate leaf = Pem.readCertificates(dir.resolve("tls/many.crt")).get(0);
            assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                    .containsExactlyInAnyOrderElementsOf(names);
            assertThat(KeyMatch.matches(leaf, Pem.readPrivateKey(dir.resolve("tls/many.key")))).isTrue();
            assertThat(PEBBLE.store().size()).as("no token left pending").isZero();
        } finally {
            provisioner.close();
        }
    }

    @Test
    void closingTheFleetStopsEveryCertificatesChecks() throws Exception {
        AcmeConfig settings = ConfigLoader.load(homeserverYaml(String.join("\n",
                "    - id: element",
                "      domains: [element.example.org]",
                "      certificate_path: tls/element.crt",
                "      private_key_path: tls/element.key")));
        CertificateFleet fleet = new CertificateFleet(settings, PEBBLE.store());
        fleet.start();
        awaitUntil(() -> Files.exists(dir.resolve("tls/element.crt")) && Files.exists(dir.resolve("tls/homeserver.crt")));

        fleet.close();

        // a pool's worker may still be on its way out right after the pool reports termination
        Instant deadline = Instant.now().plusSeconds(5);
        while (renewalThreads() > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("acme-renewal"));
    }

    private static long renewalThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("acme-renewal")).count();
    }

    private static X509Certificate assertIssued(Path certificate, Path key, String name) throws Exception {
        List<X509Certificate> chain = Pem.readCertificates(certificate);
        Pebble.verifyChain(chain, PEBBLE.get().roots());
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1)).containsExactly(name);
        assertThat(KeyMatch.matches(leaf, Pem.readPrivateKey(key))).isTrue();
        return leaf;
    }

    private interface Condition {
        boolean met() throws Exception;
    }

    private static void awaitUntil(Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.met()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not reached within 60 s");
            }
            Thread.sleep(50);
        }
    }
}
