package dev.acmefilter.provision;

import dev.acmefilter.output.PairDecision;
import dev.acmefilter.output.TestCerts;
import dev.acmefilter.testing.SimulatedClock;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When the cluster's newest certificate replaces a node's files, and when the files' one is published. */
class SharedPairTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final List<String> NAMES = List.of("example.org");
    private final SimulatedClock clock = new SimulatedClock(T0.plus(Duration.ofDays(1)));
    private final KeyPair key = TestCerts.ecKey();

    private X509Certificate issued(Instant notBefore, String... names) {
        return TestCerts.selfSigned(key, notBefore, notBefore.plus(Duration.ofDays(90)), names.length == 0
                ? NAMES.toArray(String[]::new) : names);
    }

    private IssuedCertificate shared(X509Certificate leaf) {
        return new IssuedCertificate(List.of(leaf), key);
    }

    private static PairDecision keep(X509Certificate leaf) {
        return new PairDecision(PairDecision.Action.KEEP, "valid", Optional.of(leaf));
    }

    @Test
    void aNewerSharedCertificateReplacesTheFilesAndAnOlderOneDoesNot() {
        X509Certificate older = issued(T0);
        X509Certificate newer = issued(T0.plusSeconds(3600));

        assertThat(SharedPair.replaces(shared(newer), keep(older), NAMES, clock)).isPresent();
        assertThat(SharedPair.replaces(shared(older), keep(newer), NAMES, clock)).isEmpty();
        assertThat(SharedPair.replaces(shared(older), keep(older), NAMES, clock)).as("the same serial").isEmpty();
    }

    @Test
    void twoCertificatesOfTheSameSecondAndLifetimeResolveToTheClustersOnEveryNode() {
        X509Certificate mine = issued(T0);
        X509Certificate theirs = issued(T0);

        assertThat(SharedPair.replaces(shared(theirs), keep(mine), NAMES, clock)).isPresent();
        assertThat(SharedPair.newer(mine, theirs)).isFalse();
        assertThat(SharedPair.newer(theirs, mine)).isFalse();
    }

    @Test
    void filesWithoutAUsableCertificateTakeAValidSharedOneCoveringTheNames() {
        PairDecision nothing = new PairDecision(PairDecision.Action.PROVISION, "no certificate yet", Optional.empty());

        assertThat(SharedPair.replaces(shared(issued(T0)), nothing, NAMES, clock)).isPresent();
        assertThat(SharedPair.replaces(shared(issued(T0, "other.example.org")), nothing, NAMES, clock))
                .as("does not cover this node's names").isEmpty();
        clock.advance(Duration.ofDays(100));
        assertThat(SharedPair.replaces(shared(issued(T0)), nothing, NAMES, clock)).as("expired").isEmpty();
    }
}
