package dev.acmefilter.provision;

import dev.acmefilter.config.KeyType;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.exception.AcmeException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One ACME order (RFC 8555, section 7.4) for a set of names: create the order (or resume the
 * one the {@link OrderJournal} remembers), publish every answer ({@link ChallengeAnswer}:
 * http-01 tokens or dns-01 records), wait until the CA can see them all, trigger all
 * challenges at once, poll them, finalize with a fresh (or kept) key, download the chain
 * (the preferred one when the CA offers several). Every answer is withdrawn as soon as its
 * authorization is decided, and all of them on any way out.
 */
final class CertificateOrder {

    private static final System.Logger LOG = System.getLogger(CertificateOrder.class.getName());

    private final Login login;
    private final Supplier<ChallengeAnswer> answers;
    private final Poller poller;
    private final Duration timeout;
    private final OrderJournal journal;

    CertificateOrder(Login login, Supplier<ChallengeAnswer> answers, Poller poller, Duration timeout,
                     OrderJournal journal) {
        this.login = login;
        this.answers = answers;
        this.poller = poller;
        this.timeout = timeout;
        this.journal = journal;
    }

    /**
     * Runs the order up to the downloaded certificate.
     *
     * @param profile        the profile to ask the CA for (already checked against what it offers)
     * @param replaces       the certificate this one succeeds, for a CA that offers ARI
     * @param newKey         makes the certificate key when the CSR is due (not when the
     *                       journal still has the key of a finalization that was cut short)
     * @param preferredChain {@code acme.preferred_chain}: the root or issuer name of the chain to write
     */
    IssuedCertificate run(List<String> names, Optional<String> profile, Optional<X509Certificate> replaces,
                          Supplier<KeyPair> newKey, Optional<String> preferredChain)
            throws AcmeException, InterruptedException, ProvisioningException, IOException {
        Order order = resume(names).orElse(null);
        if (order == null) {
            OrderBuilder builder = login.getAccount().newOrder().domains(names);
            replaces.ifPresent(builder::replaces);
            profile.ifPresent(builder::profile);
            order = builder.create();
            journal.orderCreated(order.getLocation());
            LOG.log(Level.INFO, "ACME order {0} created for {1}", order.getLocation(), names);
        }
        if (order.getStatus() == Status.PENDING) {
            answerChallenges(order);
        }
        poller.await(order, Set.of(Status.READY, Status.PROCESSING, Status.VALID, Status.INVALID), timeout,
                "the order to be ready");
        failIfInvalid(order, names);
        KeyPair domainKey;
        if (order.getStatus() == Status.READY) {
            // a kept key (acme.keep_key) is journalled like a new one: a crash after this line resumes with it
            domainKey = journal.pendingKey().orElseGet(newKey);
            journal.finalizing(domainKey);
            order.execute(domainKey);
        } else {
            domainKey = journal.pendingKey().orElseThrow(() -> new ProvisioningException(FailureKind.FILES,
                    "The resumed order " + journal.pendingOrder().orElse(null) + " was finalized with a key that is"
                    + " lost", null));
        }
        poller.await(order, Set.of(Status.VALID, Status.INVALID), timeout, "the certificate to be issued");
        failIfInvalid(order, names);
        Certificate certificate = order.getCertificate();
        certificate.download(); // explicitly: a lazy download would hide the CA's problem in a runtime exception
        return new IssuedCertificate(ChainChoice.choose(certificate, preferredChain), domainKey, appliedProfile(order));
    }

    /** The profile the CA says it applied to the order; CAs without profiles say nothing. */
    static Optional<String> appliedProfile(Order order) {
        return order.getJSON().get("profile").optional().map(value -> value.asString());
    }

    /**
     * The order remembered from before a restart, when it is still usable: same names, not
     * invalid, and, once finalized, with its key at hand.
     */
    private Optional<Order> resume(List<String> names) {
        Optional<URL> url = journal.pendingOrder();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            Order order = login.bindOrder(url.get());
            order.fetch();
            Set<String> ordered = order.getIdentifiers().stream().map(Identifier::getDomain)
                    .map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            Status status = order.getStatus();
            String why = null;
            if (!ordered.equals(Set.copyOf(names))) {
                why = "it was for " + ordered;
            } else if (status == Status.INVALID || status == Status.EXPIRED || status == Status.DEACTIVATED
                    || status == Status.REVOKED) {
                why = "it is " + status.name().toLowerCase(Locale.ROOT);
            } else if ((status == Status.PROCESSING || status == Status.VALID) && journal.pendingKey().isEmpty()) {
                why = "its certificate key was not kept";
            }
            if (why != null) {
                LOG.log(Level.INFO, "Not resuming the order {0}: {1}; ordering anew", url.get(), why);
                return Optional.empty();
            }
            LOG.log(Level.INFO, "Resuming the order {0} ({1}) left by an earlier run", url.get(),
                    status.name().toLowerCase(Locale.ROOT));
            return Optional.of(order);
        } catch (AcmeException | RuntimeException e) {
            LOG.log(Level.INFO, "Not resuming the order {0}: {1}; ordering anew", url.get(), e.toString());
            return Optional.empty();
        }
    }

    /**
     * Publishes every answer, waits until the CA can see them, triggers all challenges,
     * waits for each authorization to be decided.
     */
    private void answerChallenges(Order order) throws AcmeException, InterruptedException, ProvisioningException {
        ChallengeAnswer answer = answers.get();
        Map<Authorization, Challenge> pending = new LinkedHashMap<>();
        try {
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() != Status.PENDING) {
                    continue; // valid already (reused), or decided: the order's status will tell
                }
                Challenge challenge = answer.find(auth);
                answer.publish(auth, challenge);
                pending.put(auth, challenge);
            }
            answer.awaitVisible();
            for (Challenge challenge : pending.values()) {
                if (challenge.getStatus() == Status.PENDING) {
                    challenge.trigger();
                }
            }
            if (!pending.isEmpty()) {
                LOG.log(Level.INFO, "Asked the CA to validate {0} ({1})", pending.keySet().stream()
                        .map(ChallengeAnswer::name).collect(Collectors.joining(", ")), answer.type());
            }
            for (Authorization auth : pending.keySet()) {
                String name = ChallengeAnswer.name(auth);
                Status status = poller.await(auth, Set.of(Status.VALID, Status.INVALID, Status.DEACTIVATED,
                        Status.EXPIRED, Status.REVOKED), timeout, "the CA to validate " + name);
                answer.withdraw(auth);
                if (status != Status.VALID) {
                    Problem problem = auth.getChallenges().stream().filter(c -> c.getType().equals(answer.type()))
                            .findFirst().flatMap(Challenge::getError).orElse(null);
                    throw failure(FailureKind.VALIDATION, answer.type() + " validation of " + name + " failed",
                            problem, name);
                }
                LOG.log(Level.INFO, "The CA validated {0} ({1})", name, answer.type());
            }
        } finally {
            answer.withdrawAll();
        }
    }

    private static void failIfInvalid(Order order, List<String> names) throws ProvisioningException {
        if (order.getStatus() == Status.INVALID) {
            throw failure(FailureKind.CA_ERROR, "The CA marked the order for " + names + " invalid",
                    order.getError().orElse(null), null);
        }
    }

    /** A failure of {@code kind} with the problem the CA gave for it, if any, in its message. */
    static ProvisioningException failure(FailureKind kind, String what, Problem problem, String name) {
        if (problem == null) {
            return new ProvisioningException(kind, what + " (the CA gave no reason)", null);
        }
        AcmeProblem acme = AcmeProblem.of(problem, name);
        StringBuilder message = new StringBuilder(what).append(": ").append(problem.getType());
        acme.detail().filter(d -> !d.isEmpty()).ifPresent(d -> message.append(": ").append(d));
        for (Problem sub : problem.getSubProblems()) {
            message.append("; ").append(sub.getIdentifier().map(id -> id.getValue() + ": ").orElse(""))
                    .append(sub.getType()).append(": ").append(sub.getDetail().orElse(""));
        }
        return ProvisioningException.builder(kind, message.toString()).problem(acme).build();
    }
}
