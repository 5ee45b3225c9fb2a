package dev.acmefilter.admin;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.provision.FailureKind;
import dev.acmefilter.provision.ProvisioningException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

class ChallengeHintTest {

    @TempDir
    Path dir;

    private CertificateSettings settings() {
        return CertificateSettings.builder().domain("matrix.example.org").domain("example.org")
                .accountKeyFile(dir.resolve("client.key")).certificatePath(dir.resolve("tls/example.crt"))
                .privateKeyPath(dir.resolve("tls/example.key")).build();
    }

    @Test
    void aValidationFailureGetsTheHintWhateverItsMessageSays() {
        ProvisioningException reworded = new ProvisioningException(FailureKind.VALIDATION,
                "The CA got no answer from matrix.example.org on port 80", null);

        assertThat(ChallengeHint.after(reworded, settings())).contains("the CA fetches the challenges from the running"
                + " webapp, which answers them from " + dir.resolve("challenges") + ": is acme.war running with this"
                + " homeserver.yaml (as a user that can read that folder), and does port 80 of matrix.example.org,"
                + " example.org reach it?");
    }

    @Test
    void aPreflightBlockGetsTheHintToo() {
        ProvisioningException blocked = new ProvisioningException(FailureKind.PREFLIGHT, "no order: self-test said no",
                null);

        assertThat(ChallengeHint.after(blocked, settings())).isPresent();
    }

    @Test
    void noOtherKindGetsTheHintEvenWhenItsMessageNamesAValidationOrThePreflight() {
        for (FailureKind kind : EnumSet.complementOf(EnumSet.of(FailureKind.VALIDATION, FailureKind.PREFLIGHT))) {
            ProvisioningException other = new ProvisioningException(kind, "http-01 validation of example.org failed;"
                    + " Pre-flight self-test failed", null);

            assertThat(ChallengeHint.after(other, settings())).as(kind.label()).isEmpty();
        }
    }
}
