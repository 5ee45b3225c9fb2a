package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.challenge.Preflight;
import dev.acmefilter.challenge.PreflightReport;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.dns.DnsException;
import dev.acmefilter.dns.DnsPreflight;
import dev.acmefilter.dns.DnsSolver;
import dev.acmefilter.output.CertificatePairWriter;
import dev.acmefilter.output.ExistingPair;
import dev.acmefilter.output.KeystoreWriter;
import dev.acmefilter.output.PairDecision;
import dev.acmefilter.reload.LiveVerifier;
import dev.acmefilter.reload.ReloadResult;
import dev.acmefilter.reload.Reloader;
import dev.acmefilter.reload.VerifyResult;
import dev.acmefilter.renewal.AriWindow;
import dev.acmefilter.renewal.RenewalCheck;
import dev.acmefilter.renewal.RenewalPolicy;
import dev.acmefilter.state.LockFile;
import dev.acmefilter.state.StateFile;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Keeps the certificate at {@code tls_certificate_path} / {@code tls_private_key_path}
 * valid: looks at what is on disk, asks the CA's renewal information when it offers it,
 * orders a new certificate when needed (resuming an order left by a crash), and writes it
 * crash-safely. The only entry point to the CA for the rest of the code.
 *
 * <p>One per certificate ({@link CertificateFleet} makes them from the config). Calls are
 * serialized: two checks never run two orders at once, not even from two processes (the
 * webapp and the admin command): each check holds the certificate's {@link LockFile} and
 * only then reads the files, so a check that waited sees what the other one wrote.
 */
public class Provisioner implements RenewalCheck {

    private static final System.Logger LOG = System.getLogger(Provisioner.class.getName());

    private final CertificateSettings settings;
    private final ChallengeStore store;
    private final Optional<DnsSolver> dns;
    private final Clock clock;
    private final CertificatePairWriter writer;
    private final OrderJournal journal;
    private volatile Preflight preflight;
    private final Optional<KeystoreWriter> keystore;
    private final Optional<Reloader> reloader;
    private final Optional<LiveVerifier> verifier;
    private volatile AcmeClient client;
    private volatile Delivery lastDelivery;
    private volatile AriWindow lastRenewalWindow;
    private final AtomicLong ordersStarted = new AtomicLong();
    private final AtomicLong certificatesIssued = new AtomicLong();
    private final LockFile lock;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;

    /**
     * How long a check waits for another process's check of the same certificate: longer than
     * an order takes (each of its phases may take {@link AcmeClient#DEFAULT_TIMEOUT}).
     */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(10);

    public Provisioner(CertificateSettings settings, ChallengeStore store) {
        this(settings, store, Clock.systemUTC());
    }

    /**
     * A provisioner whose dns-01 records (when {@code settings} choose dns-01) are changed by
     * a solver of its own, journalled in the certificate's state folder.
     */
    public Provisioner(CertificateSettings settings, ChallengeStore store, Clock clock) {
        this(settings, store, settings.challenge().dns01().map(d -> DnsSolver.create(d, settings.stateDir())), clock);
    }

    /**
     * A provisioner that answers http-01 through {@code store} or, when {@code settings}
     * choose dns-01, through {@code dns} (shared by the certificates of a fleet; the admin
     * command's dry run keeps its journal in the production state folder).
     *
     * @throws ConfigException when the settings choose dns-01 and no solver is given
     */
    public Provisioner(CertificateSettings settings, ChallengeStore store, Optional<DnsSolver> dns, Clock clock) {
        if (settings.challenge().dns01().isPresent() && dns.isEmpty()) {
            throw new ConfigException(settings.inFile() + "the certificate " + settings.id() + " is answered with"
                    + " dns-01, but no DNS solver was given");
        }
        if (settings.certificatePath() == null || settings.privateKeyPath() == null) {
            throw new ConfigException("tls_certificate_path and tls_private_key_path must both be set to provision"
                    + " certificates");
        }
        if (settings.domains().isEmpty()) {
            throw new ConfigException("server_name or acme.domain must name the certificate to provision");
        }
        this.settings = settings;
        this.store = store;
        this.dns = settings.challenge().dns01().isPresent() ? dns : Optional.empty();
        this.clock = clock;
        this.writer = CertificatePairWriter.forSettings(settings, clock);
        this.journal = OrderJournal.forSettings(settings);
        this.lock = LockFile.of(settings.stateDir(), settings.id(), settings.certificatePath());
        this.keystore = KeystoreWriter.forSettings(settings);
        this.reloader = Reloader.forSettings(settings);
        this.verifier = LiveVerifier.forSettings(settings);
    }

    /** What happened after the last certificate this provisioner wrote (reload, verification), if any. */
    public Optional<Delivery> lastDelivery() {
        return Optional.ofNullable(lastDelivery);
    }

    /** The renewal window the CA suggested (ARI) at the last check that asked, if it offered one. */
    public Optional<AriWindow> lastRenewalWindow() {
        return Optional.ofNullable(lastRenewalWindow);
    }

    /** Orders placed or resumed since this provisioner was created (failed ones too). */
    public long ordersStarted() {
        return ordersStarted.get();
    }

    /** Certificates issued and written since this provisioner was created. */
    public long certificatesIssued() {
        return certificatesIssued.get();
    }

    /** The settings this provisioner works with. */
    public CertificateSettings settings() {
        return settings;
    }

    /** The persisted renewal state of this certificate (backoff, order in progress). */
    public StateFile stateFile() {
        return journal.stateFile();
    }

    /**
     * Finishes any interrupted write, then orders and writes a certificate when there is
     * none, when it does not cover the configured names, or when its renewal moment has come
     * ({@link RenewalPolicy}); otherwise leaves it alone.
     *
     * @throws ProvisioningException when the files cannot be judged or written, or the
     *         order failed; nothing on disk was half-changed. Try again later.
     */
    public synchronized ProvisionResult provisionIfNeeded() throws ProvisioningException, InterruptedException {
        return check(false);
    }

    /**
     * Orders and writes a new certificate now, whatever the one on disk (an admin's "renew
     * now"); unless another process wrote a new certificate while this call waited for the
     * lock, which then is kept.
     */
    public synchronized ProvisionResult renewNow() throws ProvisioningException, InterruptedException {
        return check(true);
    }

    /** How long a check waits for the lock held by another check of this certificate. */
    public synchronized void lockTimeout(Duration timeout) {
        this.lockTimeout = timeout;
    }

    @Override
    public Outcome check() throws ProvisioningException, InterruptedException {
        ProvisionResult result = provisionIfNeeded();
        return new Outcome(result.renewAt(), result.retryAfter(), result.toString());
    }

    @Override
    public String describe() {
        return settings.id() + " (" + settings.certificatePath() + " " + settings.domains() + ")";
    }

    /** The {@link FailureKind#label() label} of {@code failure}'s {@link FailureKind kind}. */
    @Override
    public String failureKind(Exception failure) {
        return FailureKind.of(failure).label();
    }

    private ProvisionResult check(boolean force) throws ProvisioningException, InterruptedException {
        Instant start = clock.instant();
        Optional<BigInteger> serialBefore = force ? serialOnDisk() : Optional.empty();
        try (LockFile.Held held = lock.acquire(lockTimeout, (force ? "renewal" : "check") + " of "
                + settings.certificatePath())) {
            Optional<BigInteger> serialNow = force ? serialOnDisk() : Optional.empty();
            boolean renewedMeanwhile = serialNow.isPresent() && !serialNow.equals(serialBefore);
            if (force && renewedMeanwhile) {
                LOG.log(Level.INFO, "Another process wrote a new certificate (serial {0}) to {1} while this renewal"
                        + " waited for the lock; checking that one instead of ordering another",
                        serialNow.get().toString(16), settings.certificatePath());
            }
            return checkLocked(force && !renewedMeanwhile, start);
        } catch (TimeoutException e) {
            throw new ProvisioningException(FailureKind.LOCKED, "Another check of " + settings.certificatePath()
                    + " is still running: " + e.getMessage() + "; nothing was ordered", e);
        } catch (IOException e) {
            throw new ProvisioningException(FailureKind.FILES, "Cannot take the lock " + lock.path() + ": " + e, e);
        }
    }

    /** The serial of the certificate on disk, when there is a readable one. */
    private Optional<BigInteger> serialOnDisk() {
        try {
            return Optional.of(dev.acmefilter.output.Pem.readCertificates(settings.certificatePath()).get(0)
                    .getSerialNumber());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private ProvisionResult checkLocked(boolean force, Instant start) throws ProvisioningException, InterruptedException {
        try {
            writer.recover();
        } catch (IOException e) {
            throw new ProvisioningException(FailureKind.FILES, "Cannot complete an interrupted write of "
                    + settings.certificatePath() + ": " + e, e);
        }
        // validity, names and key only: when to renew a valid certificate is RenewalPolicy's call
        PairDecision decision = ExistingPair.decide(settings.certificatePath(), settings.privateKeyPath(),
                settings.domains(), clock);
        switch (decision.action()) {
            case ERROR -> throw new ProvisioningException(FailureKind.FILES, decision.reason()
                    + "; the files were left untouched", null);
            case KEEP -> {
                X509Certificate leaf = decision.leaf().orElseThrow();
                boolean orderLeft = journal.pendingOrder().isPresent();
                Optional<AriWindow> ari = orderLeft ? Optional.empty() : client().renewalWindow(leaf);
                lastRenewalWindow = ari.orElse(null);
                RenewalPolicy.Decision policy = RenewalPolicy.decide(leaf, settings.reprovisionThreshold(), ari, clock);
                if (force || policy.renewNow() || orderLeft) {
                    String reason = force ? "renewal requested by the admin"
                            : orderLeft ? "an order was left in progress" : policy.reason();
                    LOG.log(Level.INFO, "Ordering a certificate for {0}: {1}", settings.domains(), reason);
                    return issue(reason, start, Optional.of(leaf));
                }
                LOG.log(Level.INFO, "Certificate {0} kept: {1}", settings.certificatePath(), policy.reason());
                return new ProvisionResult(ProvisionResult.Outcome.KEPT, policy.reason(), leaf,
                        Duration.between(start, clock.instant()), policy.renewAt(),
                        ari.flatMap(AriWindow::retryAfter));
            }
            default -> {
                LOG.log(Level.INFO, "Ordering a certificate for {0}: {1}", settings.domains(), decision.reason());
                return issue(decision.reason(), start, Optional.empty());
            }
        }
    }

    private ProvisionResult issue(String reason, Instant start, Optional<X509Certificate> replaces)
            throws ProvisioningException, InterruptedException {
        if (dns.isPresent()) {
            removeDnsLeftovers(dns.get());
        }
        PreflightReport pre = dns.isPresent()
                ? DnsPreflight.check(dns.get(), settings.preflight().mode(), settings.domains())
                : preflight().check(settings.domains());
        if (pre.blocksOrder()) {
            throw new ProvisioningException(FailureKind.PREFLIGHT, "Pre-flight self-test failed, so no order was"
                    + " placed (acme.preflight.mode is strict): " + pre.summary(), null);
        }
        ordersStarted.incrementAndGet();
        Supplier<ChallengeAnswer> answers = dns.isPresent() ? () -> new Dns01Answer(dns.get())
                : () -> new Http01Answer(store);
        IssuedCertificate issued = client().order(settings, answers, journal, replaces);
        try {
            writer.write(issued.chain(), issued.keyPair().getPrivate());
        } catch (IOException | RuntimeException e) {
            throw new ProvisioningException(FailureKind.FILES, "Certificate for " + settings.domains() + " was"
                    + " issued but could not be written to " + settings.certificatePath() + " / "
                    + settings.privateKeyPath() + ": " + e + "; the previous files are unchanged", e);
        }
        try {
            journal.clear();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot clear the finished order from {0}: {1}", journal.stateFile().path(), e);
        }
        certificatesIssued.incrementAndGet();
        lastRenewalWindow = null; // asked about the old certificate
        Duration elapsed = Duration.between(start, clock.instant());
        X509Certificate leaf = issued.leaf();
        LOG.log(Level.INFO, "Certificate for {0} written to {1} and {2} in {3} ms: serial {4}, valid until {5}, "
                + "profile {6}", settings.domains(), settings.certificatePath(), settings.privateKeyPath(),
                elapsed.toMillis(), leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant(),
                issued.profile().orElse("none"));
        lastDelivery = deliver(issued);
        RenewalPolicy.Decision next = RenewalPolicy.decide(leaf, settings.reprovisionThreshold(), Optional.empty(),
                clock);
        return new ProvisionResult(ProvisionResult.Outcome.ISSUED, reason, leaf, elapsed, next.renewAt(),
                Optional.empty(), issued.profile());
    }

    /** Removes the dns-01 records that earlier runs left (a crash, a kill) before adding new ones. */
    private static void removeDnsLeftovers(DnsSolver solver) throws ProvisioningException, InterruptedException {
        try {
            solver.removeLeftovers();
        } catch (DnsException e) {
            throw Dns01Answer.failure("Cannot read which dns-01 records earlier runs left, so no order was placed", e,
                    null);
        }
    }

    /** The dns-01 solver of this certificate, when it is answered with dns-01. */
    public Optional<DnsSolver> dnsSolver() {
        return dns;
    }

    /**
     * Gets the new certificate to the homeserver: keystore copy, reload, proof that it is
     * served. Each step is optional and reports instead of failing: the files stay written.
     */
    private Delivery deliver(IssuedCertificate issued) {
        Optional<String> keystoreOutcome = keystore.map(k -> {
            try {
                k.write(issued.chain(), issued.keyPair().getPrivate());
                return "written";
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Cannot write the keystore {0}: {1}", k.path(), e.toString());
                return "not written: " + e;
            }
        });
        Optional<ReloadResult> reload = reloader.map(r ->
                r.reload(settings.certificatePath(), settings.privateKeyPath(), settings.domains()));
        Optional<VerifyResult> verify = verifier.map(v -> v.verify(issued.leaf()));
        return new Delivery(clock.instant(), keystoreOutcome, reload, verify);
    }

    /** Releases the connection to the CA (its HTTP threads); a later check opens a new connection. */
    public void close() {
        Preflight probe = preflight;
        preflight = null;
        if (probe != null) {
            probe.close();
        }
        AcmeClient open = client;
        client = null;
        if (open != null) {
            open.close(); // not synchronized: must not wait for an order that is being interrupted
        }
    }

    private Preflight preflight() {
        Preflight current = preflight;
        if (current == null) {
            current = Preflight.forSettings(settings, store);
            preflight = current;
        }
        return current;
    }

    private AcmeClient client() {
        AcmeClient current = client;
        if (current == null) {
            current = new AcmeClient(settings);
            client = current;
        }
        return current;
    }
}
