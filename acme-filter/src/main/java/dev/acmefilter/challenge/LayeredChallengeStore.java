package dev.acmefilter.challenge;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers from several stores, the first one first: the webapp's own in-memory store, then
 * the folder the admin command writes into ({@link DirectoryChallengeStore}). Tokens put
 * here go to the first store only; the others are read-only from this side.
 *
 * <p>A pending token of this process costs a map lookup; an unknown one, a map lookup plus
 * one {@code stat} per further layer.
 */
public final class LayeredChallengeStore implements ChallengeStore {

    private final ChallengeStore first;
    private final List<ChallengeStore> further;

    public LayeredChallengeStore(ChallengeStore first, ChallengeStore... further) {
        this.first = Objects.requireNonNull(first, "first");
        this.further = List.of(further);
    }

    @Override
    public void put(String token, String keyAuthorization) {
        first.put(token, keyAuthorization);
    }

    @Override
    public Optional<String> find(String token) {
        Optional<String> answer = first.find(token);
        for (int i = 0; answer.isEmpty() && i < further.size(); i++) {
            answer = further.get(i).find(token);
        }
        return answer;
    }

    @Override
    public void remove(String token) {
        first.remove(token);
    }

    /** The store that {@link #put} writes to. */
    public ChallengeStore first() {
        return first;
    }
}
