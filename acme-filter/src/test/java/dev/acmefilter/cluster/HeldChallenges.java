package dev.acmefilter.cluster;

import dev.acmefilter.challenge.ChallengeStore;

import dev.acmefilter.testing.Gate;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test's challenge Jetty answers from: the store of whichever node the test routes
 * the CA's requests to, and, while its {@link #gate()} is held, an answer that waits (the
 * CA's validation is then in flight, and the order of the node that placed it stands still
 * between its trigger and its finalization) until it is released.
 */
final class HeldChallenges implements ChallengeStore {

    private volatile ChallengeStore target;
    private final Gate gate = new Gate();
    private final AtomicInteger answered = new AtomicInteger();

    /** Answers from {@code store} from now on. */
    void routeTo(ChallengeStore store) {
        this.target = store;
    }

    /** Held, the answers wait (the CA's validation is then in flight) until it is released. */
    Gate gate() {
        return gate;
    }

    /** How many tokens were answered (found) so far. */
    int answered() {
        return answered.get();
    }

    @Override
    public Optional<String> find(String token) {
        if (!gate.pass(Duration.ofSeconds(60))) {
            return Optional.empty();
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
