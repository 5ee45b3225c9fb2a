package dev.acmefilter.provision;

import dev.acmefilter.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AcmeTrustTest {

    @TempDir
    Path dir;

    @Test
    void withoutExtraCertificatesTheJvmDefaultsAreUsed() {
        assertThat(AcmeTrust.sslContext(Optional.empty())).isEmpty();
    }

    @Test
    void aFileWithoutCertificatesIsAnErrorNamingTheSetting() throws Exception {
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, "not a certificate\n");

        assertThatThrownBy(() -> AcmeTrust.sslContext(Optional.of(pem)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("acme.ca_certificates: cannot use " + pem);
    }
}
