package dev.acmefilter.cluster;

import dev.acmefilter.output.TestCerts;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedCertificatesTest extends ClusterTestBase {

    private final KeyPair caKey = TestCerts.ecKey();
    private final X509Certificate ca = TestCerts.validFor(caKey, clock.instant(), 3650, "test-ca.example");

    @Test
    void aCertificateStoredByOneNodeIsFetchedWithItsKeyByAnother() {
        Cluster a = node("a");
        Cluster b = node("b");
        KeyPair key = TestCerts.ecKey();
        List<X509Certificate> chain = chain(key, "example.org", "www.example.org");
        Lease lease = a.leases().tryAcquire("default").orElseThrow();

        SharedCertificate stored = a.certificates().store(lease, chain, key);
        SharedCertificate fetched = b.certificates().newest("default").orElseThrow();

        assertThat(fetched.id()).isEqualTo(stored.id());
        assertThat(fetched.chain()).isEqualTo(chain);
        assertThat(fetched.serial()).isEqualTo(chain.get(0).getSerialNumber());
        assertThat(fetched.names()).containsExactly("example.org", "www.example.org");
        assertThat(fetched.notAfter()).isEqualTo(chain.get(0).getNotAfter().toInstant());
        assertThat(fetched.issuedBy()).isEqualTo("a");
        assertThat(fetched.issuedAt()).isEqualTo(clock.instant());
        assertThat(fetched.fencingToken()).isEqualTo(lease.fencingToken());
        assertThat(fetched.keyPair().getPrivate().getEncoded()).isEqualTo(key.getPrivate().getEncoded());
        assertThat(fetched.keyPair().getPublic().getEncoded()).isEqualTo(key.getPublic().getEncoded());
        assertThat(fetched.chainPem()).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(fetched.toString()).doesNotContain("PRIVATE").contains("example.org");
        assertThat(b.certificates().newest("element")).isEmpty();
    }

    @Test
    void everyNodeHearsOfAStoredCertificateAndANodeStartedLaterFindsItAtOnce() throws Exception {
        BlockingQueue<String> heardByB = new LinkedBlockingQueue<>();
        Cluster a = node("a");
        Cluster b = node(Cluster.builder(settings("b"), clock).version("test").onCertificateStored(heardByB::add));
        eventually("b listens", Duration.ofSeconds(10), () -> b.listener().listening());
        KeyPair key = TestCerts.ecKey();

        a.certificates().store(a.leases().tryAcquire("element").orElseThrow(), chain(key, "element.example.org"), key);

        assertThat(heardByB.poll(10, TimeUnit.SECONDS)).isEqualTo("element");
        BlockingQueue<String> heardByC = new LinkedBlockingQueue<>();
        node(Cluster.builder(settings("c"), clock).version("test").onCertificateStored(heardByC::add));
        assertThat(heardByC.poll(10, TimeUnit.SECONDS)).as("at its first connection").isEqualTo("element");
    }

    @Test
    void aPausedNodeThatLostItsLeaseCannotOverwriteTheNewerCertificate() {
        Cluster a = node("a");
        Cluster b = node("b");
        Lease paused = a.leases().tryAcquire("default").orElseThrow();
        clock.advance(Duration.ofSeconds(31)); // a sleeps past its lease
        Lease takeover = b.leases().tryAcquire("default").orElseThrow();
        KeyPair newerKey = TestCerts.ecKey();
        List<X509Certificate> newer = chain(newerKey, "example.org");
        b.certificates().store(takeover, newer, newerKey);

        KeyPair staleKey = TestCerts.ecKey();
        assertThatThrownBy(() -> a.certificates().store(paused, chain(staleKey, "example.org"), staleKey))
                .isInstanceOfSatisfying(StaleLeaseException.class, e -> {
                    assertThat(e.certificateId()).isEqualTo("default");
                    assertThat(e.staleToken()).isEqualTo(paused.fencingToken());
                })
                .hasMessageContaining("Node a lost the lease of default")
                .hasMessageContaining("held by b");

        SharedCertificate current = a.certificates().newest("default").orElseThrow();
        assertThat(current.serial()).isEqualTo(newer.get(0).getSerialNumber());
        assertThat(current.keyPair().getPrivate().getEncoded()).isEqualTo(newerKey.getPrivate().getEncoded());
        assertThat(rows("certificates")).isEqualTo(1);
    }

    @Test
    void aWriteAfterTheLeaseWasReleasedIsRefused() {
        Cluster a = node("a");
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        lease.release();
        KeyPair key = TestCerts.ecKey();

        assertThatThrownBy(() -> a.certificates().store(lease, chain(key, "example.org"), key))
                .isInstanceOf(StaleLeaseException.class).hasMessageContaining("released");
        assertThat(rows("certificates")).isZero();
    }

    @Test
    void aNodeWithAnotherSecretCannotDecryptTheKeyAndSaysWhy() {
        Cluster a = node("a");
        KeyPair key = TestCerts.ecKey();
        a.certificates().store(a.leases().tryAcquire("default").orElseThrow(), chain(key, "example.org"), key);
        Cluster stranger = node(Cluster.builder(settings("c", randomSecret()), clock).version("test"));

        assertThatThrownBy(() -> stranger.certificates().newest("default"))
                .isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("certificate-key:default:")
                .hasMessageContaining("sealed with another cluster secret")
                .hasMessageContaining("every node of the cluster needs the same secret file");
    }

    @Test
    void aKeyCopiedToAnotherCertificatesRowDoesNotDecrypt() throws Exception {
        Cluster a = node("a");
        KeyPair one = TestCerts.ecKey();
        KeyPair two = TestCerts.ecKey();
        a.certificates().store(a.leases().tryAcquire("one").orElseThrow(), chain(one, "one.example.org"), one);
        a.certificates().store(a.leases().tryAcquire("two").orElseThrow(), chain(two, "two.example.org"), two);
        try (Connection c = postgres().superuserConnection(database); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE acme.certificates SET sealed_key = (SELECT sealed_key FROM acme.certificates"
                    + " WHERE certificate_id = 'one') WHERE certificate_id = 'two'");
        }

        assertThatThrownBy(() -> a.certificates().newest("two")).isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("altered, or it belongs to another row");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() {
        Cluster a = node("a");
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        assertThatThrownBy(() -> a.certificates().store(lease, chain(TestCerts.ecKey(), "example.org"),
                TestCerts.ecKey())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the key is not the certificate's");
    }

    @Test
    void theThreeNewestCertificatesOfEachIdAreKept() {
        Cluster a = node("a");
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        X509Certificate last = null;
        for (int i = 0; i < 5; i++) {
            KeyPair key = TestCerts.ecKey();
            List<X509Certificate> chain = chain(key, "example.org");
            a.certificates().store(lease, chain, key);
            last = chain.get(0);
        }
        assertThat(rows("certificates")).isEqualTo(SharedCertificates.KEPT);
        assertThat(a.certificates().newest("default")).get().extracting(SharedCertificate::serial)
                .isEqualTo(last.getSerialNumber());
        assertThat(a.certificates().certificateIds()).containsExactly("default");
    }

    private List<X509Certificate> chain(KeyPair key, String... names) {
        return List.of(TestCerts.issuedBy(key, ca, caKey, clock.instant(), 90, names), ca);
    }
}
