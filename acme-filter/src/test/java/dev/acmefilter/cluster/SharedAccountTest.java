package dev.acmefilter.cluster;

import dev.acmefilter.output.TestCerts;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedAccountTest extends ClusterTestBase {

    private static final URI CA = URI.create("https://acme.example/directory");

    @Test
    void theFirstNodeStoresItsAccountKeyAndEveryOtherNodeUsesThatOne() {
        Cluster a = node("a");
        Cluster b = node("b");
        KeyPair keyOfA = TestCerts.ecKey();
        KeyPair keyOfB = TestCerts.ecKey();

        SharedAccount.AccountKey first = a.account().keyFor(CA, () -> keyOfA);
        SharedAccount.AccountKey second = b.account().keyFor(CA, () -> keyOfB);

        assertThat(first.storedNow()).isTrue();
        assertThat(first.createdBy()).isEqualTo("a");
        assertThat(second.storedNow()).isFalse();
        assertThat(second.createdBy()).isEqualTo("a");
        assertThat(second.keyPair().getPrivate().getEncoded()).isEqualTo(keyOfA.getPrivate().getEncoded());
        assertThat(second.keyPair().getPublic().getEncoded()).isEqualTo(keyOfA.getPublic().getEncoded());
        assertThat(second.toString()).doesNotContain("PRIVATE");
        assertThat(b.account().find(URI.create("https://other-ca.example/dir"))).as("one key per CA").isEmpty();
    }

    @Test
    void nodesRacingToStoreTheirKeyAllEndWithTheSameOne() throws Exception {
        int nodes = 4;
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            clusters.add(node("n" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<SharedAccount.AccountKey>> results = new ArrayList<>();
            for (Cluster c : clusters) {
                KeyPair own = TestCerts.rsaKey();
                results.add(pool.submit((Callable<SharedAccount.AccountKey>) () -> {
                    go.await();
                    return c.account().keyFor(CA, () -> own);
                }));
            }
            go.countDown();
            List<SharedAccount.AccountKey> keys = new ArrayList<>();
            for (Future<SharedAccount.AccountKey> f : results) {
                keys.add(f.get());
            }
            assertThat(keys).extracting(k -> k.keyPair().getPublic()).containsOnly(keys.get(0).keyPair().getPublic());
            assertThat(keys).filteredOn(SharedAccount.AccountKey::storedNow).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNodeWithAnotherSecretCannotUseTheAccountKey() {
        node("a").account().keyFor(CA, TestCerts::ecKey);
        Cluster stranger = node(Cluster.builder(settings("c", randomSecret()), clock).version("test"));

        assertThatThrownBy(() -> stranger.account().keyFor(CA, TestCerts::ecKey))
                .isInstanceOf(UndecryptableException.class)
                .hasMessageContaining("account-key:https://acme.example/directory")
                .hasMessageContaining("another cluster secret");
    }
}
