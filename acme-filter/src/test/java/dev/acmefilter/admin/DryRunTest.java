package dev.acmefilter.admin;

import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ExternalAccountBinding;
import dev.acmefilter.config.KeystoreSettings;
import dev.acmefilter.config.VerifySettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DryRunTest {

    private static CertificateSettings production(URI ca) {
        return CertificateSettings.builder()
                .source(Path.of("/etc/synapse/homeserver.yaml"))
                .domain("matrix.example.org")
                .directoryUrl(ca)
                .eab(new ExternalAccountBinding("kid", "bWFj"))
                .accountKeyFile(Path.of("/etc/synapse/client.key"))
                .certificatePath(Path.of("/etc/synapse/tls/example.crt"))
                .privateKeyPath(Path.of("/etc/synapse/tls/example.key"))
                .verify(new VerifySettings("localhost", 8448, "matrix.example.org", Duration.ofSeconds(1)))
                .keystore(new KeystoreSettings(Path.of("/etc/synapse/tls/example.p12"), "pw", "acme"))
                .build();
    }

    @Test
    void letsEncryptProductionBecomesItsStagingAnyOtherCaStays() {
        assertThat(DryRun.defaultDirectory(AccountSettings.LETS_ENCRYPT)).isEqualTo(AccountSettings.LETS_ENCRYPT_STAGING);
        URI other = URI.create("https://acme.zerossl.com/v2/DV90");
        assertThat(DryRun.defaultDirectory(other)).isEqualTo(other);
    }

    @Test
    void everyFileMovesToTheDryRunFolderAndNothingIsDelivered() {
        DryRun dry = DryRun.of(production(AccountSettings.LETS_ENCRYPT), Optional.empty(), Optional.empty());

        CertificateSettings s = dry.settings();
        Path folder = Path.of("/etc/synapse/dry-run");
        assertThat(dry.output()).isEqualTo(folder);
        assertThat(s.account().directoryUrl()).isEqualTo(AccountSettings.LETS_ENCRYPT_STAGING);
        assertThat(s.account().accountKeyFile()).isEqualTo(folder.resolve("account.key"));
        assertThat(s.certificatePath()).isEqualTo(folder.resolve("example.crt"));
        assertThat(s.privateKeyPath()).isEqualTo(folder.resolve("example.key"));
        assertThat(s.stateDir()).isEqualTo(folder);
        assertThat(s.verify()).isEmpty();
        assertThat(s.keystore()).isEmpty();
        assertThat(s.reload()).isEmpty();
        assertThat(s.account().eab()).as("the binding belongs to the production CA").isEmpty();
        assertThat(s.domains()).containsExactly("matrix.example.org");
    }

    @Test
    void theSameCaKeepsItsExternalAccountBinding() {
        URI zerossl = URI.create("https://acme.zerossl.com/v2/DV90");

        DryRun dry = DryRun.of(production(zerossl), Optional.empty(), Optional.of(Path.of("/tmp/dry")));

        assertThat(dry.settings().account().eab()).isPresent();
        assertThat(dry.settings().certificatePath()).isEqualTo(Path.of("/tmp/dry/example.crt"));
    }

    @Test
    void aFolderWithProductionFilesIsRefused() {
        CertificateSettings production = production(AccountSettings.LETS_ENCRYPT);

        assertThatThrownBy(() -> DryRun.of(production, Optional.empty(), Optional.of(Path.of("/etc/synapse/tls/"))))
                .isInstanceOf(UsageException.class)
                .hasMessage("--output: /etc/synapse/tls holds the production file /etc/synapse/tls/example.crt;"
                        + " expected a folder of the dry run's own");
        assertThatThrownBy(() -> DryRun.of(production, Optional.empty(), Optional.of(Path.of("/etc/synapse"))))
                .isInstanceOf(UsageException.class)
                .hasMessage("--output: /etc/synapse holds the production file /etc/synapse/client.key;"
                        + " expected a folder of the dry run's own");
    }
}
