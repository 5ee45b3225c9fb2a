package dev.acmefilter.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.acmefilter.output.PairDecision.Action;

class ExistingPairTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final List<String> NAMES = List.of("matrix.example.org", "example.org");

    @TempDir
    Path dir;

    private Path cert;
    private Path key;

    private PairDecision decide() {
        return ExistingPair.decide(cert, key, NAMES, CLOCK);
    }

    private void install(KeyPair keys, X509Certificate certificate) throws IOException {
        Files.write(cert, Pem.encodeCertificates(List.of(certificate)));
        Files.write(key, Pem.encodePrivateKey(keys.getPrivate()));
    }

    /** Installs an EC key and its certificate for {@code names}, valid for {@code days} from {@link #NOW}. */
    private X509Certificate installValid(int days, String... names) throws IOException {
        KeyPair keys = TestCerts.ecKey();
        X509Certificate leaf = TestCerts.validFor(keys, NOW, days, names);
        install(keys, leaf);
        return leaf;
    }

    /** Decides on the installed pair, asserting the action and that the reason holds each of {@code reasonParts}. */
    private PairDecision decidesTo(Action action, String... reasonParts) {
        PairDecision decision = decide();
        assertThat(decision.action()).isEqualTo(action);
        for (String part : reasonParts) {
            assertThat(decision.reason()).contains(part);
        }
        return decision;
    }

    @org.junit.jupiter.api.BeforeEach
    void paths() {
        cert = dir.resolve("fullchain.pem");
        key = dir.resolve("privkey.pem");
    }

    @Test
    void noFilesMeansProvision() {
        PairDecision decision = decide();
        assertThat(decision.action()).isEqualTo(Action.PROVISION);
        assertThat(decision.reason()).isEqualTo("no certificate yet");
        assertThat(decision.leaf()).isEmpty();
    }

    @Test
    void validCertificateFarFromExpiryIsKept() throws IOException {
        X509Certificate leaf = installValid(60, "matrix.example.org", "example.org");

        assertThat(decidesTo(Action.KEEP, "2025-07-31T12:00:00Z", "60 days left").leaf()).contains(leaf);
    }

    @Test
    void namesAreComparedCaseInsensitively() throws IOException {
        KeyPair keys = TestCerts.rsaKey();
        install(keys, TestCerts.validFor(keys, NOW, 60, "Matrix.Example.ORG", "EXAMPLE.org"));
        assertThat(decide().action()).isEqualTo(Action.KEEP);
    }

    @Test
    void wildcardCoversOneLabel() throws IOException {
        installValid(60, "*.example.org");

        assertThat(decidesTo(Action.REPLACE, "does not cover example.org").reason())
                .doesNotContain("matrix.example.org");
    }

    @Test
    void aValidCertificateCloseToExpiryIsKeptForTheRenewalPolicyToJudge() throws IOException {
        installValid(1, "matrix.example.org", "example.org");

        assertThat(decidesTo(Action.KEEP, "valid until 2025-06-02T12:00:00Z", "1 day left").leaf()).isPresent();
    }

    @Test
    void expiredCertificateIsReplaced() throws IOException {
        KeyPair keys = TestCerts.ecKey();
        install(keys, TestCerts.selfSigned(keys, NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(10)),
                "matrix.example.org", "example.org"));

        decidesTo(Action.REPLACE, "expired on");
    }

    @Test
    void certificateMissingANameIsReplacedNamingIt() throws IOException {
        installValid(60, "matrix.example.org");

        decidesTo(Action.REPLACE, "does not cover example.org");
    }

    @Test
    void missingKeyFileIsReplaced() throws IOException {
        installValid(60, "matrix.example.org", "example.org");
        Files.delete(key);

        decidesTo(Action.REPLACE, key.toString(), "missing");
    }

    @Test
    void keyNotMatchingTheCertificateIsReplaced() throws IOException {
        KeyPair keys = TestCerts.ecKey();
        install(TestCerts.ecKey(), TestCerts.validFor(keys, NOW, 60, "matrix.example.org", "example.org"));

        decidesTo(Action.REPLACE, "does not match");
    }

    @Test
    void keyWithoutCertificateIsReplaced() throws IOException {
        Files.write(key, Pem.encodePrivateKey(TestCerts.ecKey().getPrivate()));

        decidesTo(Action.REPLACE, "no certificate file at " + cert);
    }

    @Test
    void garbageCertificateFileIsAnErrorNamingThePath() throws IOException {
        Files.writeString(cert, "hello, I am not a certificate\n");
        Files.write(key, Pem.encodePrivateKey(TestCerts.ecKey().getPrivate()));

        decidesTo(Action.ERROR, cert.toString(), "no PEM CERTIFICATE");
    }

    @Test
    void unreadableKeyFileIsAnError() throws IOException {
        installValid(60, "matrix.example.org", "example.org");
        Files.delete(key);
        Files.createDirectory(key); // exists but cannot be read as a file, even by root

        assertThat(decidesTo(Action.ERROR, key.toString(), "private key").leaf()).isPresent();
    }

    @Test
    void garbageKeyFileIsAnError() throws IOException {
        installValid(60, "matrix.example.org", "example.org");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        decidesTo(Action.ERROR, key.toString());
    }

    @Test
    void aCertificateOrKeyPathThatIsASymbolicLinkIsAnErrorNamingItSoThatNothingIsOrderedInVain() throws IOException {
        KeyPair keys = TestCerts.ecKey();
        X509Certificate expiring = TestCerts.validFor(keys, NOW, 10, "matrix.example.org", "example.org");
        Path real = dir.resolve("real.pem");
        Files.write(real, Pem.encodeCertificates(List.of(expiring)));
        Files.write(key, Pem.encodePrivateKey(keys.getPrivate()));
        Files.createSymbolicLink(cert, real);

        assertThat(decidesTo(Action.ERROR).reason()).isEqualTo("the certificate file " + cert + " is a symbolic link,"
                + " which is never written through: point the setting at the file itself, or put the file in the"
                + " link's place");

        Files.delete(cert);
        Files.move(real, cert);
        Path realKey = Files.move(key, dir.resolve("real.key"));
        Files.createSymbolicLink(key, realKey);
        assertThat(decide().reason()).startsWith("the private key file " + key + " is a symbolic link");
    }

    @Test
    void danglingSymlinkIsAnErrorNotAProvision() throws IOException {
        Files.createSymbolicLink(cert, dir.resolve("nowhere.pem"));
        assertThat(decide().action()).isEqualTo(Action.ERROR);
    }
}
