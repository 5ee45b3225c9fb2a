package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.AcmeSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.output.CertificatePairWriter;
import dev.acmefilter.output.ExistingPair;
import dev.acmefilter.output.PairDecision;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the certificate at {@code tls_certificate_path} / {@code tls_private_key_path}
 * valid: looks at what is on disk, orders a new certificate from the CA when needed, and
 * writes it crash-safely. The only entry point to the CA for the rest of the code.
 *
 * <p>An application-scoped CDI bean in the WAR; construct it by hand anywhere else.
 * Calls are serialized: two checks never run two orders at once.
 */
@ApplicationScoped
public class Provisioner {

    private static final System.Logger LOG = System.getLogger(Provisioner.class.getName());

    private AcmeSettings settings;
    private ChallengeStore store;
    private Clock clock;
    private CertificatePairWriter writer;
    private volatile AcmeClient client;

    /** For CDI's client proxy only. */
    protected Provisioner() {
    }

    @Inject
    public Provisioner(AcmeSettings settings, ChallengeStore store) {
        this(settings, store, Clock.systemUTC());
    }

    public Provisioner(AcmeSettings settings, ChallengeStore store, Clock clock) {
        this(settings, store, clock, null);
    }

    Provisioner(AcmeSettings settings, ChallengeStore store, Clock clock, AcmeClient client) {
        if (settings.certificatePath() == null || settings.privateKeyPath() == null) {
            throw new ConfigException("tls_certificate_path and tls_private_key_path must both be set to provision"
                    + " certificates");
        }
        if (settings.domains().isEmpty()) {
            throw new ConfigException("server_name or acme.domain must name the certificate to provision");
        }
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.writer = CertificatePairWriter.forSettings(settings, clock);
        this.client = client;
    }

    /** The settings this provisioner works with. */
    public AcmeSettings settings() {
        return settings;
    }

    /**
     * Finishes any interrupted write, then orders and writes a certificate when there is
     * none, when it does not cover the configured names, or when it is inside the renewal
     * window; otherwise leaves it alone.
     *
     * @throws ProvisioningException when the files cannot be judged or written, or the
     *         order failed; nothing on disk was half-changed. Try again later.
     */
    public synchronized ProvisionResult provisionIfNeeded() throws ProvisioningException, InterruptedException {
        Instant start = clock.instant();
        try {
            writer.recover();
        } catch (IOException e) {
            throw new ProvisioningException("Cannot complete an interrupted write of " + settings.certificatePath()
                    + ": " + e, e);
        }
        PairDecision decision = ExistingPair.decide(settings.certificatePath(), settings.privateKeyPath(),
                settings.domains(), settings.reprovisionThreshold(), clock);
        switch (decision.action()) {
            case ERROR -> throw new ProvisioningException(decision.reason() + "; the files were left untouched", null);
            case KEEP -> {
                LOG.log(Level.INFO, "Certificate {0} kept: {1}", settings.certificatePath(), decision.reason());
                return new ProvisionResult(ProvisionResult.Outcome.KEPT, decision.reason(),
                        decision.leaf().orElseThrow(), Duration.between(start, clock.instant()));
            }
            default -> {
                LOG.log(Level.INFO, "Ordering a certificate for {0}: {1}", settings.domains(), decision.reason());
                return issue(decision.reason(), start);
            }
        }
    }

    private ProvisionResult issue(String reason, Instant start) throws ProvisioningException, InterruptedException {
        IssuedCertificate issued = client().order(settings.domains(), store);
        try {
            writer.write(issued.chain(), issued.keyPair().getPrivate());
        } catch (IOException | RuntimeException e) {
            throw new ProvisioningException("Certificate for " + settings.domains() + " was issued but could not be"
                    + " written to " + settings.certificatePath() + " / " + settings.privateKeyPath() + ": " + e
                    + "; the previous files are unchanged", e);
        }
        Duration elapsed = Duration.between(start, clock.instant());
        LOG.log(Level.INFO, "Certificate for {0} written to {1} and {2} in {3} ms: serial {4}, valid until {5}",
                settings.domains(), settings.certificatePath(), settings.privateKeyPath(), elapsed.toMillis(),
                issued.leaf().getSerialNumber().toString(16), issued.leaf().getNotAfter().toInstant());
        return new ProvisionResult(ProvisionResult.Outcome.ISSUED, reason, issued.leaf(), elapsed);
    }

    /**
     * Releases the connection to the CA (its HTTP threads). Called by CDI when the
     * application stops; a later check opens a new connection.
     */
    @PreDestroy
    public void close() {
        AcmeClient open = client;
        client = null;
        if (open != null) {
            open.close(); // not synchronized: must not wait for an order that is being interrupted
        }
    }

    private AcmeClient client() {
        if (client == null) {
            client = new AcmeClient(settings);
        }
        return client;
    }
}
