package dev.acmefilter.cluster;

import dev.acmefilter.challenge.ChallengeStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Where one certificate's order publishes its http-01 tokens in a cluster: the database
 * ({@link DatabaseChallengeStore}, committed and notified to every node before the challenge
 * is triggered), tried again during a short outage while the lease holds; during a standalone
 * check, this node's memory only. Lookups go to the store the webapp answers from.
 */
final class ClusterChallenges implements ChallengeStore {

    private final CertificateLease gate;
    private final DatabaseChallengeStore database;
    private final ChallengeStore answering;

    ClusterChallenges(CertificateLease gate, DatabaseChallengeStore database, ChallengeStore answering) {
        this.gate = gate;
        this.database = database;
        this.answering = answering;
    }

    /**
     * @throws UncheckedIOException when the token cannot be published (the database stays
     *                              unreachable while the lease holds, or the lease is lost):
     *                              the challenge must not be triggered
     */
    @Override
    public void put(String token, String keyAuthorization) {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            database.putHere(token, keyAuthorization);
            return;
        }
        Optional<Lease> lease = gate.current();
        if (lease.isEmpty()) {
            database.put(token, keyAuthorization); // outside a check (a pre-flight probe): once
            return;
        }
        try {
            LeaseWrites.retry(lease.get(), "publish challenge token " + token + " to the cluster", () -> {
                database.put(token, keyAuthorization);
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> find(String token) {
        return answering.find(token);
    }

    @Override
    public void remove(String token) {
        database.remove(token);
    }
}
