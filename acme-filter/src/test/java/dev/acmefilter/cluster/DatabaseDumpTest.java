package dev.acmefilter.cluster;

import dev.acmefilter.output.TestCerts;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a database dump, a backup or a read-only database user sees: no private key in clear. */
class DatabaseDumpTest extends ClusterTestBase {

    @Test
    void aDumpOfTheDatabaseHoldsNoPrivateKeyInClear() throws Exception {
        Cluster a = node("a");
        KeyPair caKey = TestCerts.ecKey();
        X509Certificate ca = TestCerts.validFor(caKey, clock.instant(), 3650, "test-ca.example");
        KeyPair certificateKey = TestCerts.ecKey();
        KeyPair accountKey = TestCerts.rsaKey();
        KeyPair pendingKey = TestCerts.rsaKey();
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        X509Certificate leaf = TestCerts.issuedBy(certificateKey, ca, caKey, clock.instant(), 90, "example.org");
        a.certificates().store(lease, List.of(leaf, ca), certificateKey);
        a.account().keyFor(URI.create("https://acme.example/directory"), () -> accountKey);
        a.journal().orderCreated(lease, URI.create("https://acme.example/order/1").toURL());
        a.journal().finalizing(lease, pendingKey);

        String dump = postgres().pgDump(database);

        // the dump does hold the tables' rows (else the checks below prove nothing)
        assertThat(dump).contains(Base64.getMimeEncoder().encodeToString(leaf.getEncoded()).substring(0, 64))
                .contains("https://acme.example/directory").contains("https://acme.example/order/1");
        assertThat(dump).doesNotContain("PRIVATE KEY");
        for (KeyPair key : List.of(certificateKey, accountKey, pendingKey)) {
            byte[] der = key.getPrivate().getEncoded();
            assertThat(dump).doesNotContainIgnoringCase(HexFormat.of().formatHex(der))
                    .doesNotContain(Base64.getEncoder().encodeToString(der))
                    .doesNotContain(Base64.getMimeEncoder().encodeToString(der).substring(0, 60))
                    .doesNotContainIgnoringCase(HexFormat.of().formatHex(secretPart(key.getPrivate())));
        }
        assertThat(dump).doesNotContainIgnoringCase(HexFormat.of().formatHex(secret));
        assertThat(a.journal().pendingKey("default")).get()
                .satisfies(k -> assertThat(k.getPrivate().getEncoded()).isEqualTo(pendingKey.getPrivate().getEncoded()));
    }

    /** The private number itself: the EC scalar, or the RSA private exponent. */
    private static byte[] secretPart(PrivateKey key) {
        BigInteger value = key instanceof ECPrivateKey ec ? ec.getS() : ((RSAPrivateCrtKey) key).getPrivateExponent();
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
