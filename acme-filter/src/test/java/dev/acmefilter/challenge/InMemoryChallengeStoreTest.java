package dev.acmefilter.challenge;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryChallengeStoreTest {

    @Test
    void putTokenIsFoundUntilRemoved() {
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        store.put("tok", "tok.thumb");

        assertThat(store.find("tok")).contains("tok.thumb");
        store.remove("tok");
        assertThat(store.find("tok")).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void removingAnUnknownTokenIsANoOp() {
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        store.remove("never-put");
        assertThat(store.size()).isZero();
    }

    @Test
    void concurrentPutsAndRemovesLeaveNothingBehind() throws Exception {
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 1000; i++) {
            String token = "t" + i;
            pool.execute(() -> {
                store.put(token, token + ".k");
                assertThat(store.find(token)).contains(token + ".k");
                store.remove(token);
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(store.size()).isZero();
    }
}
