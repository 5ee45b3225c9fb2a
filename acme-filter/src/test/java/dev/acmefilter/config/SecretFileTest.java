package dev.acmefilter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretFileTest {

    @TempDir
    Path dir;

    private final byte[] secret = randomSecret();

    static byte[] randomSecret() {
        byte[] s = new byte[SecretFile.SECRET_LENGTH];
        new java.security.SecureRandom().nextBytes(s);
        return s;
    }

    @Test
    void rawBytesHexAndBase64AreTheSameSecret() throws Exception {
        assertThat(SecretFile.read(file("raw", secret))).isEqualTo(secret);
        assertThat(SecretFile.read(file("hex", (HexFormat.of().formatHex(secret) + "\n").getBytes(
                StandardCharsets.US_ASCII)))).isEqualTo(secret);
        assertThat(SecretFile.read(file("HEX", (HexFormat.of().withUpperCase().formatHex(secret)).getBytes(
                StandardCharsets.US_ASCII)))).isEqualTo(secret);
        assertThat(SecretFile.read(file("b64", (Base64.getEncoder().encodeToString(secret) + "\r\n").getBytes(
                StandardCharsets.US_ASCII)))).isEqualTo(secret);
    }

    @Test
    void aGroupReadableFileIsAccepted() throws Exception {
        Path f = file("group", secret);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(SecretFile.read(f)).isEqualTo(secret);
    }

    @Test
    void aFileOthersCanReadIsRefused() throws Exception {
        Path f = file("open", secret);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SecretFile.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + " is accessible by other users (mode rw-r--r--); run"
                        + " 'chmod 600 " + f + "' (or 640 with the service's group)");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw--w----"));
        assertThatThrownBy(() -> SecretFile.read(f)).hasMessageContaining("accessible by other users");
    }

    @Test
    void aSymbolicLinkIsRefused() throws Exception {
        Path target = file("target", secret);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertThatThrownBy(() -> SecretFile.read(link)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(link + " is a symbolic link");
    }

    @Test
    void aWrongLengthIsRefusedWithoutShowingTheContent() throws Exception {
        Path f = file("short", "0123456789abcdef0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SecretFile.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("holds 33 bytes")
                .hasMessageContaining("32 raw bytes, 64 hex characters or 44 base64 characters")
                .hasMessageContaining("openssl rand -hex 32").message().doesNotContain("0123456789abcdef");
        Path big = file("big", new byte[4096]);
        assertThatThrownBy(() -> SecretFile.read(big)).hasMessageContaining("holds 67 bytes");
    }

    @Test
    void sixtyFourCharactersThatAreNotHexAreRefused() throws Exception {
        Path f = file("nothex", "z".repeat(64).getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SecretFile.read(f)).hasMessageContaining("none of the accepted forms");
    }

    @Test
    void thirtyTwoEqualBytesAreNotASecret() throws Exception {
        Path f = file("zeros", new byte[32]);
        assertThatThrownBy(() -> SecretFile.read(f)).hasMessageContaining("all the same, which is not a secret");
    }

    @Test
    void aMissingFileOrAFolderIsNamed() {
        Path missing = dir.resolve("missing.key");
        assertThatThrownBy(() -> SecretFile.read(missing)).hasMessageStartingWith(missing + " does not exist");
        assertThatThrownBy(() -> SecretFile.read(dir)).hasMessageContaining("is not a regular file");
    }


    private Path file(String name, byte[] content) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }
}
