package dev.acmefilter.provision;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.KeyType;
import dev.acmefilter.testing.LogCapture;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import dev.acmefilter.testing.ProvisionerRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code acme.keep_key}: the certificate key is reused across orders when it is on disk,
 * readable and of {@code acme.key_type}; otherwise a new key, with a warning saying why.
 * The orders run against a real Pebble.
 */
class CertificateKeysTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.withDefaults().answeringChallenges();

    @TempDir
    Path dir;

    private CertificateSettings.Builder settings() {
        return PEBBLE.settings(dir);
    }

    /** Orders a new certificate (whatever is on disk) and returns the one written. */
    private static X509Certificate renew(CertificateSettings settings) throws Exception {
        ProvisionerRuns.renew(settings, PEBBLE.store());
        return ProvisionerRuns.writtenChain(settings).get(0);
    }

    @Test
    void withKeepKeyTheNextCertificateHasTheSamePublicKey() throws Exception {
        CertificateSettings settings = settings().keepKey(true).build();
        X509Certificate first = renew(settings);

        X509Certificate second;
        try (LogCapture log = LogCapture.of(CertificateKeys.class)) {
            second = renew(settings);
            assertThat(log.lines()).containsExactly("acme.keep_key: ordering with the existing ec256 key at "
                    + settings.privateKeyPath());
        }

        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(second.getPublicKey()).isEqualTo(first.getPublicKey());
        assertThat(settings.stateDir().resolve("acme-pending-homeserver.tls.crt.key")).as("journal cleared")
                .doesNotExist();
    }

    @Test
    void withoutKeepKeyEveryCertificateHasANewKey() throws Exception {
        CertificateSettings settings = settings().build();
        X509Certificate first = renew(settings);

        X509Certificate second = renew(settings);

        assertThat(second.getPublicKey()).isNotEqualTo(first.getPublicKey());
    }

    @Test
    void aKeptKeyOfAnotherTypeThanKeyTypeIsReplacedByANewKeyWithAWarning() throws Exception {
        X509Certificate first = renew(settings().keepKey(true).build()); // ec256
        CertificateSettings rsa = settings().keepKey(true).keyType(KeyType.RSA2048).build();

        X509Certificate second;
        try (LogCapture log = LogCapture.of(CertificateKeys.class)) {
            second = renew(rsa);
            assertThat(log.warnings()).containsExactly("acme.keep_key: the key at " + rsa.privateKeyPath()
                    + " is ec256, but acme.key_type is rsa2048; ordering with a new rsa2048 key");
        }

        assertThat(second.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(second.getPublicKey()).isNotEqualTo(first.getPublicKey());
    }

    @Test
    void anUnreadableKeyIsNotKeptAndTheWarningSaysWhy() throws Exception {
        Path file = dir.resolve("tls.key");
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");

        KeyPair key;
        try (LogCapture log = LogCapture.of(CertificateKeys.class)) {
            key = CertificateKeys.forNextOrder(KeyType.EC384, true, file);
            assertThat(log.warnings()).singleElement().asString()
                    .startsWith("acme.keep_key: cannot reuse the key at " + file + " (")
                    .endsWith("); ordering with a new ec384 key");
        }

        assertThat(KeyPairs.typeOf(key.getPublic())).contains(KeyType.EC384);
        assertThat(Files.readString(file)).as("the file is left alone").startsWith("-----BEGIN PRIVATE KEY-----\nnot");
    }

    @Test
    void withoutAKeyOnDiskYetANewKeyIsMadeWithoutAWarning() {
        Path file = dir.resolve("tls.key");

        KeyPair key;
        try (LogCapture log = LogCapture.of(CertificateKeys.class)) {
            key = CertificateKeys.forNextOrder(KeyType.RSA2048, true, file);
            assertThat(log.warnings()).isEmpty();
            assertThat(log.lines()).containsExactly("acme.keep_key: there is no key at " + file
                    + " yet; ordering with a new rsa2048 key");
        }

        PublicKey pub = key.getPublic();
        assertThat(KeyPairs.typeOf(pub)).contains(KeyType.RSA2048);
    }
}
