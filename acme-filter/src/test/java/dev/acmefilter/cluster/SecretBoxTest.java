package dev.acmefilter.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {

    private final byte[] secret = ClusterTestBase.randomSecret();
    private final byte[] message = "-----BEGIN PRIVATE KEY----- not really".getBytes(StandardCharsets.US_ASCII);

    @Test
    void whatIsSealedOpensWithTheSameSecretAndContext() {
        SecretBox box = new SecretBox(secret);
        byte[] sealed = box.seal(message, "certificate-key:default:1a");

        assertThat(new SecretBox(secret).open(sealed, "certificate-key:default:1a")).isEqualTo(message);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
        assertThat(sealed).hasSize(1 + 4 + 12 + message.length + 16);
    }

    @Test
    void everySealUsesAFreshNonce() {
        SecretBox box = new SecretBox(secret);
        assertThat(box.seal(message, "x")).isNotEqualTo(box.seal(message, "x"));
    }

    @Test
    void anotherSecretCannotOpenItAndTheMessageSaysSo() {
        byte[] sealed = new SecretBox(secret).seal(message, "account-key:https://ca.example/dir");
        SecretBox other = new SecretBox(ClusterTestBase.randomSecret());

        assertThatThrownBy(() -> other.open(sealed, "account-key:https://ca.example/dir"))
                .isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("Cannot decrypt account-key:https://ca.example/dir")
                .hasMessageContaining("sealed with another cluster secret (key id " + new SecretBox(secret).keyId())
                .hasMessageContaining("this node's acme.cluster.secret_file has key id " + other.keyId());
    }

    @Test
    void aValueMovedToAnotherContextOrAlteredDoesNotOpen() {
        SecretBox box = new SecretBox(secret);
        byte[] sealed = box.seal(message, "certificate-key:one:1a");

        assertThatThrownBy(() -> box.open(sealed, "certificate-key:two:1a")).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("altered, or it belongs to another row");
        byte[] altered = sealed.clone();
        altered[altered.length - 20] ^= 1;
        assertThatThrownBy(() -> box.open(altered, "certificate-key:one:1a"))
                .isInstanceOf(UndecryptableException.class);
        assertThatThrownBy(() -> box.open(new byte[5], "certificate-key:one:1a"))
                .isInstanceOf(UndecryptableException.class).hasMessageContaining("unknown format");
    }

    @Test
    void theSecretMustBe32Bytes() {
        assertThatThrownBy(() -> new SecretBox(new byte[16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly 32 bytes");
    }

    @Test
    void theKeyIdIsTheSameForTheSameSecretAndRevealsNoneOfIt() {
        assertThat(new SecretBox(secret).keyId()).isEqualTo(new SecretBox(secret.clone()).keyId()).hasSize(8);
        assertThat(java.util.HexFormat.of().formatHex(secret)).doesNotContain(new SecretBox(secret).keyId());
    }

    @Test
    void theBoxOfAFileSealsForTheBoxOfTheSameSecret(@TempDir Path dir) throws Exception {
        byte[] secret = ClusterTestBase.randomSecret();
        Path f = Files.write(dir.resolve("raw"), secret);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        byte[] sealed = SecretBox.fromFile(f).seal(new byte[] {1, 2, 3}, "x");
        assertThat(new SecretBox(secret).open(sealed, "x")).containsExactly(1, 2, 3);
    }
}
