package dev.acmefilter.provision;

import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.challenge.Challenge;

import java.util.stream.Collectors;

/**
 * Answers the challenges of one type for ONE order: publishes what the CA will look for
 * (an http-01 token in the {@link dev.acmefilter.challenge.ChallengeStore}, a dns-01 TXT
 * record through the {@link dev.acmefilter.dns.DnsSolver}), says when all of it can be
 * seen, and withdraws each answer once its authorization is decided, and the rest on any
 * way out. {@link CertificateOrder} drives it the same way for every type; a new instance
 * per order keeps what it published.
 */
abstract class ChallengeAnswer {

    private final Class<? extends Challenge> kind;
    private final String type;

    /**
     * @param kind acme4j's class of the challenge answered, e.g. {@code Http01Challenge.class}
     * @param type its name in RFC 8555, e.g. {@code http-01}
     */
    ChallengeAnswer(Class<? extends Challenge> kind, String type) {
        this.kind = kind;
        this.type = type;
    }

    /** The challenge type, as RFC 8555 names it: {@code http-01}, {@code dns-01}. */
    final String type() {
        return type;
    }

    /** The challenge of {@link #type()} among those the CA offers for {@code auth}. */
    final Challenge find(Authorization auth) throws ProvisioningException {
        return auth.findChallenge(kind).orElseThrow(() -> notOffered(auth));
    }

    /** Publishes the answer to {@code challenge} of {@code auth}. */
    abstract void publish(Authorization auth, Challenge challenge) throws ProvisioningException, InterruptedException;

    /** Returns once the CA can see every published answer (at once for http-01; dns-01 waits for every server). */
    abstract void awaitVisible() throws ProvisioningException, InterruptedException;

    /** Withdraws the answer of {@code auth}, if still published; a failure is logged, not thrown. */
    abstract void withdraw(Authorization auth);

    /** Withdraws every answer still published; failures are logged, not thrown. */
    abstract void withdrawAll();

    /** The identifier as the order has it: {@code example.org}, {@code *.example.org}. */
    static String name(Authorization auth) {
        return (auth.isWildcard() ? "*." : "") + auth.getIdentifier().getDomain();
    }

    /** The CA offers no challenge of this type: says which it offers. */
    ProvisioningException notOffered(Authorization auth) {
        String offered = auth.getChallenges().stream().map(Challenge::getType).collect(Collectors.joining(", "));
        return new ProvisioningException(FailureKind.CA_ERROR, "The CA offers no " + type() + " challenge for "
                + name(auth) + " (it offers " + (offered.isEmpty() ? "none" : offered) + "); set challenge to one it"
                + " offers", null);
    }
}
