package dev.acmefilter.dns;

import dev.acmefilter.config.DnsSettings;
import dev.acmefilter.config.DnsServer;
import dev.acmefilter.config.Rfc2136Settings;
import dev.acmefilter.config.TsigKey;
import dev.acmefilter.config.TsigAlgorithm;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.ClassFixture;

/** Settings and values for tests against a {@link BindServer}. */
final class DnsFixtures {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DnsFixtures() {
    }

    /**
     * A BIND for the tests of one class (see {@link ClassFixture}) whose zone already holds the
     * admin's own TXT record {@code "admins-own-value"} at {@code _acme-challenge.<label>}:
     * what the solvers add and remove beside it must leave it alone.
     */
    static ClassFixture<BindServer> bindWithAdminsOwnRecord(String label) {
        return ClassFixture.of(() -> BindServer.builder()
                .zoneRecord("_acme-challenge." + label + " IN TXT \"admins-own-value\"").start());
    }

    /** The fixture's key, by the names an admin would configure. */
    static TsigKey key(BindServer bind) {
        return TsigKey.of(BindServer.KEY_NAME, TsigAlgorithm.fromName(bind.keyAlgorithm()).orElseThrow(),
                bind.keySecret());
    }

    /** RFC 2136 at the primary with the fixture's key; zone from the SOA. */
    static DnsSettings rfc2136(BindServer bind) {
        return DnsSettings.rfc2136(Rfc2136Settings.of(DnsServer.parse(bind.primaryAddress(), 53), key(bind)))
                .withPropagationTimeout(Duration.ofSeconds(10));
    }

    static DnsSettings rfc2136(BindServer bind, TsigKey key) {
        return DnsSettings.rfc2136(Rfc2136Settings.of(DnsServer.parse(bind.primaryAddress(), 53), key))
                .withPropagationTimeout(Duration.ofSeconds(10));
    }

    /** The solver that asks the zone's name servers on the fixture's port (53 in production). */
    static DnsSolver solver(BindServer bind, DnsSettings settings, Path stateDir) {
        return JournalledSolver.create(settings, stateDir, bind.port());
    }

    /** A value like a dns-01 digest: 32 random bytes, base64url without padding. */
    static String digest() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A TSIG secret nobody configured: 32 random bytes, base64. */
    static String otherSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** What the journal in {@code stateDir} holds, whoever wrote it. */
    static List<DnsJournal.Entry> journal(Path stateDir) throws Exception {
        return new DnsJournal(stateDir).entries();
    }
}
