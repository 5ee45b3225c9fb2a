package dev.acmefilter.provision;

import dev.acmefilter.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountKeysTest {

    @TempDir
    Path dir;

    @Test
    void aMissingKeyIsCreatedOwnerOnly() throws Exception {
        Path file = dir.resolve("conf/client.key");

        KeyPair created = AccountKeys.loadOrCreate(file);

        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(created.getPublic().getAlgorithm()).isIn("EC", "ECDSA");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void anExistingKeyIsLoadedNotReplaced() throws Exception {
        Path file = dir.resolve("client.key");
        KeyPair first = AccountKeys.loadOrCreate(file);
        byte[] bytes = Files.readAllBytes(file);

        KeyPair second = AccountKeys.loadOrCreate(file);

        assertThat(second.getPublic()).isEqualTo(first.getPublic());
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    @Test
    void aCorruptKeyIsAnErrorNamingTheSettingAndIsLeftAlone() throws Exception {
        Path file = dir.resolve("client.key");
        Files.writeString(file, "{\"kty\": \"RSA\"}\n"); // e.g. certbot's JWK, not PEM

        assertThatThrownBy(() -> AccountKeys.loadOrCreate(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("acme.account_key_file: cannot read the account key " + file)
                .hasMessageContaining("expected a PEM key pair");
        assertThat(Files.readString(file)).isEqualTo("{\"kty\": \"RSA\"}\n");
    }
}
