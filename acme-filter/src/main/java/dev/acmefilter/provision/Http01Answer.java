package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * http-01: each token goes into the {@link ChallengeStore} the challenge filter answers
 * from, so it is visible the moment it is put; it is removed as soon as its authorization
 * is decided.
 */
final class Http01Answer extends ChallengeAnswer {

    private final ChallengeStore store;
    private final Map<Authorization, String> tokens = new LinkedHashMap<>();

    Http01Answer(ChallengeStore store) {
        super(Http01Challenge.class, Http01Challenge.TYPE);
        this.store = store;
    }

    @Override
    void publish(Authorization auth, Challenge challenge) {
        Http01Challenge http = (Http01Challenge) challenge;
        store.put(http.getToken(), http.getAuthorization());
        tokens.put(auth, http.getToken());
    }

    @Override
    void awaitVisible() {
        // the filter answers from the store at once
    }

    @Override
    void withdraw(Authorization auth) {
        String token = tokens.remove(auth);
        if (token != null) {
            store.remove(token);
        }
    }

    @Override
    void withdrawAll() {
        tokens.values().forEach(store::remove);
        tokens.clear();
    }
}
