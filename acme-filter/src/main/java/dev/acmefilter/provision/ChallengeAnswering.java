package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.challenge.Preflight;
import dev.acmefilter.challenge.PreflightReport;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.dns.DnsException;
import dev.acmefilter.dns.DnsPreflight;
import dev.acmefilter.dns.DnsSolver;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * How one certificate's challenges are answered: http-01 through a {@link ChallengeStore}
 * (the webapp's, or the cluster's database), or, when the settings choose dns-01, through a
 * {@link DnsSolver}. Owns what goes with each before an order: the pre-flight self-test of that
 * challenge, and for dns-01 the removal of the records earlier runs left (a crash, a kill).
 */
final class ChallengeAnswering implements AutoCloseable {

    private final CertificateSettings settings;
    private final ChallengeStore store;
    private final Optional<DnsSolver> dns;
    private volatile Preflight httpPreflight;

    /** @throws ConfigException when the settings choose dns-01 and no solver is given */
    ChallengeAnswering(CertificateSettings settings, ChallengeStore store, Optional<DnsSolver> dns) {
        if (settings.challenge().dns01().isPresent() && dns.isEmpty()) {
            throw new ConfigException(settings.inFile() + "the certificate " + settings.id() + " is answered with"
                    + " dns-01, but no DNS solver was given");
        }
        this.settings = settings;
        this.store = store;
        this.dns = settings.challenge().dns01().isPresent() ? dns : Optional.empty();
    }

    /** A solver of the certificate's own, journalled in its state folder, when it is answered with dns-01. */
    static Optional<DnsSolver> ownSolver(CertificateSettings settings) {
        return settings.challenge().dns01().map(d -> DnsSolver.create(d, settings.stateDir()));
    }

    Optional<DnsSolver> dnsSolver() {
        return dns;
    }

    /**
     * What comes before an order: for dns-01 the leftovers of earlier runs are removed; then
     * the pre-flight of the challenge in use.
     *
     * @throws ProvisioningException when the leftovers cannot be read (no order: a record could
     *                               be left behind for good)
     */
    PreflightReport prepare() throws ProvisioningException, InterruptedException {
        if (dns.isEmpty()) {
            return httpPreflight().check(settings.domains());
        }
        try {
            dns.get().removeLeftovers();
        } catch (DnsException e) {
            throw Dns01Answer.failure("Cannot read which dns-01 records earlier runs left, so no order was placed", e,
                    null);
        }
        return DnsPreflight.check(dns.get(), settings.preflight().mode(), settings.domains());
    }

    /** The answers of one order. */
    Supplier<ChallengeAnswer> answers() {
        return dns.isPresent() ? () -> new Dns01Answer(dns.get()) : () -> new Http01Answer(store);
    }

    private Preflight httpPreflight() {
        Preflight current = httpPreflight;
        if (current == null) {
            current = Preflight.forSettings(settings, store);
            httpPreflight = current;
        }
        return current;
    }

    /** Releases the pre-flight's HTTP client; a later order makes a new one. */
    @Override
    public void close() {
        Preflight probe = httpPreflight;
        httpPreflight = null;
        if (probe != null) {
            probe.close();
        }
    }
}
