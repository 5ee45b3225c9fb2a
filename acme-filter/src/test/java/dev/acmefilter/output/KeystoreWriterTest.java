package dev.acmefilter.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreWriterTest {

    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();

    @TempDir
    Path dir;

    private final KeyPair issuerKeys = TestCerts.ecKey();
    private final X509Certificate issuer = TestCerts.validFor(issuerKeys, Instant.now(), 900, "Test CA");
    private final KeyPair keys = TestCerts.ecKey();
    private final X509Certificate leaf = TestCerts.issuedBy(keys, issuer, issuerKeys, Instant.now(), 90,
            "matrix.example.org");

    private KeystoreWriter writer(Path path) {
        return new KeystoreWriter(path, PASSWORD, "acme", FileOptions.defaults());
    }

    private static KeyStore load(Path path, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        }
        return store;
    }

    @Test
    void keystoreLoadsWithThePasswordAndHoldsTheChainAndTheLeafsKey() throws Exception {
        Path path = dir.resolve("acme.p12");

        writer(path).write(List.of(leaf, issuer), keys.getPrivate());

        KeyStore store = load(path, PASSWORD);
        assertThat(store.aliases().asIterator()).toIterable().containsExactly("acme");
        assertThat(store.getCertificateChain("acme")).containsExactly(leaf, issuer);
        PrivateKey key = (PrivateKey) store.getKey("acme", PASSWORD);
        assertThat(KeyMatch.matches(leaf, key)).isTrue();
    }

    @Test
    void keystoreDoesNotOpenWithAnotherPassword() throws Exception {
        Path path = dir.resolve("acme.p12");
        writer(path).write(List.of(leaf), keys.getPrivate());

        assertThatThrownBy(() -> load(path, "wrong".toCharArray())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void newKeystoreIsReadableByItsOwnerOnly() throws Exception {
        Path path = dir.resolve("acme.p12");

        writer(path).write(List.of(leaf), keys.getPrivate());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
    }

    @Test
    void replacedKeystoreKeepsItsModeAndHoldsTheNewCertificate() throws Exception {
        Path path = dir.resolve("acme.p12");
        writer(path).write(List.of(leaf), keys.getPrivate());
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r-----"));
        KeyPair newKeys = TestCerts.ecKey();
        X509Certificate renewed = TestCerts.issuedBy(newKeys, issuer, issuerKeys, Instant.now(), 90,
                "matrix.example.org");

        writer(path).write(List.of(renewed, issuer), newKeys.getPrivate());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-r-----");
        assertThat(load(path, PASSWORD).getCertificate("acme")).isEqualTo((Certificate) renewed);
    }

    @Test
    void onlyTheKeystoreIsLeftInItsFolderEvenAfterAStaleTemporaryFile() throws Exception {
        Path path = dir.resolve("tls/acme.p12");
        Files.createDirectories(path.getParent());
        Files.writeString(path.resolveSibling(".acme.p12.0123456789abcdef.tmp"), "left by a crash");

        writer(path).write(List.of(leaf), keys.getPrivate());

        try (var files = Files.list(path.getParent())) {
            assertThat(files).containsExactly(path);
        }
    }

    @Test
    void aKeystorePathThatIsASymbolicLinkIsAnErrorNamingItAndItsTargetIsLeftAlone() throws Exception {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "not a keystore");
        Path path = dir.resolve("acme.p12");
        Files.createSymbolicLink(path, elsewhere);

        assertThatThrownBy(() -> writer(path).write(List.of(leaf), keys.getPrivate()))
                .isInstanceOf(IOException.class).hasMessageContaining(path.toString())
                .hasMessageContaining("symbolic link");

        assertThat(Files.isSymbolicLink(path)).isTrue();
        assertThat(elsewhere).hasContent("not a keystore");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(path, elsewhere);
        }
    }

    @Test
    void missingFolderIsCreated() throws Exception {
        Path path = dir.resolve("new/folder/acme.p12");

        writer(path).write(List.of(leaf), keys.getPrivate());

        assertThat(load(path, PASSWORD).getCertificate("acme")).isEqualTo((Certificate) leaf);
    }

    @Test
    void keyThatDoesNotMatchTheLeafWritesNothing() {
        Path path = dir.resolve("acme.p12");

        assertThatThrownBy(() -> writer(path).write(List.of(leaf), TestCerts.ecKey().getPrivate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the private key does not match the certificate for CN=matrix.example.org; "
                        + "the keystore was not written");
        assertThat(path).doesNotExist();
    }

    @Test
    void opensslReadsTheKeystore() throws Exception {
        Path path = dir.resolve("acme.p12");
        writer(path).write(List.of(leaf, issuer), keys.getPrivate());
        Path passFile = Files.writeString(dir.resolve("pass"), new String(PASSWORD));

        Process openssl = new ProcessBuilder("openssl", "pkcs12", "-in", path.toString(), "-passin",
                "file:" + passFile, "-nokeys").redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());

        assertThat(openssl.waitFor()).as(output).isZero();
        assertThat(output).contains("subject=CN = matrix.example.org").contains("subject=CN = Test CA");
    }
}
