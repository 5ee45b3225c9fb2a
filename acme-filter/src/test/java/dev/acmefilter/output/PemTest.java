package dev.acmefilter.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

    private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void chainRoundTripsInOrder() throws IOException {
        X509Certificate leaf = TestCerts.validFor(TestCerts.ecKey(), NOW, 90, "leaf.example");
        X509Certificate issuer = TestCerts.validFor(TestCerts.rsaKey(), NOW, 900, "issuer.example");
        Path file = dir.resolve("chain.pem");
        Files.write(file, Pem.encodeCertificates(List.of(leaf, issuer)));

        assertThat(Files.readString(file)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Pem.readCertificates(file)).containsExactly(leaf, issuer);
    }

    @Test
    void writesPkcs8AndReadsItBack() throws IOException {
        KeyPair keys = TestCerts.ecKey();
        Path file = dir.resolve("key.pem");
        Files.write(file, Pem.encodePrivateKey(keys.getPrivate()));

        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Pem.readPrivateKey(file).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void readsTraditionalEcPrivateKey() throws IOException {
        KeyPair keys = TestCerts.ecKey();
        String pem = opensslEcPrivateKey(keys);
        assertThat(pem).contains("BEGIN EC PRIVATE KEY");
        Path file = dir.resolve("ec.pem");
        // openssl ecparam -genkey writes an EC PARAMETERS block first
        Files.writeString(file, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + pem);

        PrivateKey read = Pem.readPrivateKey(file);
        assertThat(KeyMatch.matches(TestCerts.validFor(keys, NOW, 1, "x.example"), read)).isTrue();
    }

    @Test
    void readsTraditionalRsaPrivateKey() throws IOException {
        KeyPair keys = TestCerts.rsaKey();
        String pem = traditional(keys.getPrivate());
        assertThat(pem).contains("BEGIN RSA PRIVATE KEY");
        Path file = dir.resolve("rsa.pem");
        Files.writeString(file, pem);

        PrivateKey read = Pem.readPrivateKey(file);
        assertThat(KeyMatch.matches(TestCerts.validFor(keys, NOW, 1, "x.example"), read)).isTrue();
    }

    @Test
    void garbageIsNotACertificate() throws IOException {
        Path file = dir.resolve("garbage.pem");
        Files.write(file, "this is not PEM\n\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Pem.readCertificates(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("no PEM CERTIFICATE");
    }

    @Test
    void brokenBase64IsAnError() throws IOException {
        Path file = dir.resolve("broken.pem");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nAAAA!!!!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> Pem.readCertificates(file)).isInstanceOf(IOException.class);
    }

    @Test
    void aDamagedKeyFileIsRefusedWithoutQuotingIt() throws IOException {
        // key material ended up on the BEGIN line (a lost line break) and the END line is gone
        String body = base64Of(Pem.encodePrivateKey(TestCerts.ecKey().getPrivate()));
        Path file = dir.resolve("damaged.key");
        Files.writeString(file, "-----BEGIN " + body.substring(0, 40) + "-----\n" + body.substring(40) + "\n");

        assertThatThrownBy(() -> Pem.readPrivateKey(file)).isInstanceOf(IOException.class)
                .hasMessage("malformed PEM: a block is damaged or has no END line (details not shown: the file holds"
                        + " a private key)")
                .hasNoCause();
    }

    @Test
    void aDamagedCombinedCertificateFileIsRefusedWithoutQuotingItsKey() throws IOException {
        // certificate and key in one file (some admins combine them); key material ended up on
        // the key's BEGIN line (a lost line break) and the END line is gone
        String key = base64Of(Pem.encodePrivateKey(TestCerts.ecKey().getPrivate()));
        byte[] certificate = Pem.encodeCertificates(List.of(TestCerts.validFor(TestCerts.ecKey(), NOW, 1, "a.example")));
        Path file = dir.resolve("combined.pem");
        Files.writeString(file, new String(certificate, StandardCharsets.US_ASCII) + "-----BEGIN PRIVATE KEY "
                + key.substring(0, 40) + "-----\n" + key.substring(40) + "\n");

        assertThatThrownBy(() -> Pem.readCertificates(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining("PRIVATE KEY [...]")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.substring(0, 16))
                        .doesNotContain(key.substring(16, 32)));
    }

    @Test
    void parserMessagesLoseLongBase64RunsAndStayShort() {
        assertThat(Pem.withoutFileText("-----END CERTIFICATE----- not found")).isEqualTo("-----END CERTIFICATE----- not found");
        assertThat(Pem.withoutFileText("-----END X MIGHAgEAMBMGByqGSM49AgEGCCqG----- not found"))
                .isEqualTo("-----END X [...]----- not found");
        assertThat(Pem.withoutFileText("a\nb\u0000c")).isEqualTo("a b c");
        assertThat(Pem.withoutFileText("x ".repeat(300))).hasSize(203).endsWith("...");
        assertThat(Pem.withoutFileText(null)).isEqualTo("no details");
    }

    @Test
    void certificateFileIsNotAKey() throws IOException {
        Path file = dir.resolve("cert.pem");
        Files.write(file, Pem.encodeCertificates(List.of(TestCerts.validFor(TestCerts.ecKey(), NOW, 1, "a.example"))));
        assertThatThrownBy(() -> Pem.readPrivateKey(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("no PEM PRIVATE KEY");
    }

    /** The base64 of a PEM block on one line, without its BEGIN and END lines. */
    private static String base64Of(byte[] pem) {
        return new String(pem, StandardCharsets.US_ASCII).lines().filter(l -> !l.startsWith("-----"))
                .reduce("", String::concat);
    }

    /** What {@code openssl ecparam -genkey} writes: RFC 5915 ECPrivateKey with curve and public key. */
    private static String opensslEcPrivateKey(KeyPair keys) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        ECPrivateKey full = new ECPrivateKey(256, inner.getKey(), publicInfo.getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters());
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new PemObject("EC PRIVATE KEY", full.getEncoded()));
        }
        return out.toString();
    }

    private static String traditional(PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        }
        return out.toString();
    }
}
