package dev.acmefilter.challenge;

import java.util.Optional;

/**
 * The pending http-01 challenges: token to key authorization. The provisioner puts a
 * token before it triggers the challenge and removes it as soon as the authorization is
 * done (valid or invalid), so the filter never serves anything stale.
 *
 * <p>This is the one seam a clustered deployment replaces (a shared store, so that
 * whichever node the CA reaches can answer). Keep it this small.
 */
public interface ChallengeStore {

    /** Makes {@code token} answerable with {@code keyAuthorization}. */
    void put(String token, String keyAuthorization);

    /** The key authorization of a pending token, or empty. */
    Optional<String> find(String token);

    /** Forgets {@code token}; a no-op when it is not pending. */
    void remove(String token);
}
