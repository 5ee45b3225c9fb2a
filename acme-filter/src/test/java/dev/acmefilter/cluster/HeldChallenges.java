package dev.acmefilter.cluster;

import dev.acmefilter.challenge.ChallengeStore;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test's challenge Jetty answers from: the store of whichever node the test routes
 * the CA's requests to, and, while {@link #hold()} is in force, an answer that waits (the
 * CA's validation is then in flight, and the order of the node that placed it stands still
 * between its trigger and its finalization) until {@link #release()}.
 */
final class HeldChallenges implements ChallengeStore {

    private volatile ChallengeStore target;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    /** Answers from {@code store} from now on. */
    void routeTo(ChallengeStore store) {
        this.target = store;
    }

    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    /** How many requests wait in {@link #hold()} now. */
    int waiting() {
        return waiting.get();
    }

    /** How many tokens were answered (found) so far. */
    int answered() {
        return answered.get();
    }

    @Override
    public Optional<String> find(String token) {
        waiting.incrementAndGet();
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            waiting.decrementAndGet();
        }
        ChallengeStore store = target;
        Optional<String> found = store == null ? Optional.empty() : store.find(token);
        found.ifPresent(f -> answered.incrementAndGet());
        return found;
    }

    @Override
    public void put(String token, String keyAuthorization) {
        throw new UnsupportedOperationException("the test's challenge Jetty only answers");
    }

    @Override
    public void remove(String token) {
        throw new UnsupportedOperationException("the test's challenge Jetty only answers");
    }
}
