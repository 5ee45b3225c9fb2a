package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.KeyType;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;

import java.lang.System.Logger.Level;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ACME order (RFC 8555, section 7.4) for a set of names, answered with http-01: create
 * the order, publish every token in the {@link ChallengeStore}, trigger all challenges at
 * once, poll them together, finalize with a fresh key, download the chain. Every token is
 * removed as soon as its authorization is decided, and all of them on any way out.
 */
final class CertificateOrder {

    private static final System.Logger LOG = System.getLogger(CertificateOrder.class.getName());

    private final Account account;
    private final ChallengeStore store;
    private final Poller poller;
    private final Duration timeout;

    CertificateOrder(Account account, ChallengeStore store, Poller poller, Duration timeout) {
        this.account = account;
        this.store = store;
        this.poller = poller;
        this.timeout = timeout;
    }

    IssuedCertificate run(List<String> names, KeyType keyType)
            throws AcmeException, InterruptedException, ProvisioningException {
        Order order = account.newOrder().domains(names).create();
        LOG.log(Level.INFO, "ACME order {0} created for {1}", order.getLocation(), names);
        Map<Authorization, String> pending = new LinkedHashMap<>();
        try {
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    continue; // reused authorization: nothing to answer
                }
                String name = auth.getIdentifier().getDomain();
                Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow(
                        () -> new ProvisioningException("The CA offers no http-01 challenge for " + name
                                + "; this provisioner can only answer http-01", null, null, name, null, null));
                store.put(challenge.getToken(), challenge.getAuthorization());
                pending.put(auth, challenge.getToken());
            }
            for (Authorization auth : pending.keySet()) {
                auth.findChallenge(Http01Challenge.class).orElseThrow().trigger();
            }
            awaitAuthorizations(pending);
            poller.await(order, Set.of(Status.READY, Status.VALID, Status.INVALID), timeout, "the order to be ready");
            failIfInvalid(order, names);
            KeyPair domainKey = createKey(keyType);
            if (order.getStatus() == Status.READY) {
                order.execute(domainKey);
            }
            poller.await(order, Set.of(Status.VALID, Status.INVALID), timeout, "the certificate to be issued");
            failIfInvalid(order, names);
            return new IssuedCertificate(order.getCertificate().getCertificateChain(), domainKey);
        } finally {
            pending.values().forEach(store::remove);
        }
    }

    /** Polls all pending authorizations in turn, removing each token once it is decided. */
    private void awaitAuthorizations(Map<Authorization, String> pending)
            throws AcmeException, InterruptedException, ProvisioningException {
        List<Authorization> open = new ArrayList<>(pending.keySet());
        for (Authorization auth : open) {
            String name = auth.getIdentifier().getDomain();
            Status status = poller.await(auth, Set.of(Status.VALID, Status.INVALID, Status.DEACTIVATED,
                    Status.EXPIRED, Status.REVOKED), timeout, "the CA to validate " + name);
            store.remove(pending.get(auth));
            if (status != Status.VALID) {
                Problem problem = auth.findChallenge(Http01Challenge.class).flatMap(Challenge::getError).orElse(null);
                throw failure("http-01 validation of " + name + " failed", problem, name);
            }
            LOG.log(Level.DEBUG, () -> "Authorization for " + name + " is valid");
        }
    }

    private static void failIfInvalid(Order order, List<String> names) throws ProvisioningException {
        if (order.getStatus() == Status.INVALID) {
            throw failure("The CA marked the order for " + names + " invalid", order.getError().orElse(null), null);
        }
    }

    static ProvisioningException failure(String what, Problem problem, String name) {
        if (problem == null) {
            return new ProvisioningException(what + " (the CA gave no reason)", null, null, name, null, null);
        }
        String identifier = problem.getIdentifier().map(id -> id.getValue()).orElse(name);
        String detail = problem.getDetail().orElse(problem.getTitle().orElse(""));
        StringBuilder message = new StringBuilder(what).append(": ").append(problem.getType());
        if (!detail.isEmpty()) {
            message.append(": ").append(detail);
        }
        for (Problem sub : problem.getSubProblems()) {
            message.append("; ").append(sub.getIdentifier().map(id -> id.getValue() + ": ").orElse(""))
                    .append(sub.getType()).append(": ").append(sub.getDetail().orElse(""));
        }
        return new ProvisioningException(message.toString(), problem.getType().toString(), detail, identifier,
                null, null);
    }

    static KeyPair createKey(KeyType keyType) {
        BouncyCastle.register();
        return switch (keyType) {
            case EC256 -> KeyPairUtils.createECKeyPair("secp256r1");
            case EC384 -> KeyPairUtils.createECKeyPair("secp384r1");
            case RSA2048, RSA3072, RSA4096 -> KeyPairUtils.createKeyPair(keyType.size());
        };
    }
}
