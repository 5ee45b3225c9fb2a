package dev.acmefilter.provision;

import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.KeyType;
import dev.acmefilter.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;

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

    @Test
    void aMissingKeyIsCreatedOfTheAccountKeyType() throws Exception {
        Path file = dir.resolve("client.key");

        KeyPair created = AccountKeys.loadOrCreate(file, KeyType.RSA2048);

        assertThat(created.getPublic().getAlgorithm()).isEqualTo("RSA");
        assertThat(((RSAKey) created.getPublic()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(AccountKeys.loadOrCreate(file, KeyType.RSA2048).getPublic()).isEqualTo(created.getPublic());
    }

    @Test
    void anExistingKeyOfAnotherTypeIsKeptWithAWarning() throws Exception {
        Path file = dir.resolve("client.key");
        KeyPair ec = AccountKeys.loadOrCreate(file, KeyType.EC256);
        byte[] bytes = Files.readAllBytes(file);

        KeyPair loaded;
        try (LogCapture log = LogCapture.of(AccountKeys.class)) {
            loaded = AccountKeys.loadOrCreate(file, KeyType.RSA4096);
            assertThat(log.warnings()).containsExactly("acme.account_key_type: the account key " + file + " is ec256, "
                    + "not rsa4096; it is kept, as a new key would be a new ACME account (move the file away to start "
                    + "a new account with a rsa4096 key)");
        }

        assertThat(loaded.getPublic()).isEqualTo(ec.getPublic());
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }
}
