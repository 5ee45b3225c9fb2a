package dev.acmefilter.challenge;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The challenge store of a single node: a concurrent map. With CDI it is the
 * application-scoped {@link ChallengeStore} bean; without CDI, {@link #shared()} is the
 * instance the filter and a hand-built provisioner meet at.
 */
@ApplicationScoped
public class InMemoryChallengeStore implements ChallengeStore {

    private static final InMemoryChallengeStore SHARED = new InMemoryChallengeStore();

    private final ConcurrentMap<String, String> pending = new ConcurrentHashMap<>();

    /**
     * The store used when neither CDI nor a servlet context attribute provides one; one per
     * class loader, so one per webapp.
     */
    public static InMemoryChallengeStore shared() {
        return SHARED;
    }

    /** @throws IllegalArgumentException when {@code token} is not an {@link AcmeToken} */
    @Override
    public void put(String token, String keyAuthorization) {
        pending.put(AcmeToken.requireToken(token), Objects.requireNonNull(keyAuthorization, "keyAuthorization"));
    }

    @Override
    public Optional<String> find(String token) {
        return AcmeToken.isToken(token) ? Optional.ofNullable(pending.get(token)) : Optional.empty();
    }

    @Override
    public void remove(String token) {
        pending.remove(token);
    }

    /** How many tokens are pending; for tests and status. */
    public int size() {
        return pending.size();
    }
}
