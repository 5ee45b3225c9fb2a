package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.challenge.PreflightReport;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.dns.DnsSolver;
import dev.acmefilter.output.CertificatePairWriter;
import dev.acmefilter.output.ExistingPair;
import dev.acmefilter.output.PairDecision;
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
 *
 * <p>In a cluster ({@link Coordination}) the order's journal, account key and challenges are
 * the cluster's, and a check runs only under the certificate's lease. Before deciding, it
 * brings the files and the cluster's newest certificate in step ({@link SharedPair}):
 * another node may just have stored one, or this node holds one the cluster lacks. A
 * certificate it issues is published (fenced by the lease) before it is written here; a
 * certificate another node publishes is installed by {@link #installShared()}.
 */
public class Provisioner implements RenewalCheck {

    private static final System.Logger LOG = System.getLogger(Provisioner.class.getName());

    private final CertificateSettings settings;
    private final ChallengeAnswering answering;
    private final Clock clock;
    private final CertificatePairWriter writer;
    private final StateFile stateFile;
    private final OrderJournal journal;
    private final AccountKeySource accountKeys;
    private final Optional<CertificateShare> share;
    private final Optional<ShareSync> sync;
    private final DeliverySteps delivery;
    private volatile AcmeClient client;
    private volatile Delivery lastDelivery;
    private volatile AriWindow lastRenewalWindow;
    private final AtomicLong ordersStarted = new AtomicLong();
    private final AtomicLong certificatesIssued = new AtomicLong();
    private final AtomicLong certificatesInstalled = new AtomicLong();
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
        this(settings, store, ChallengeAnswering.ownSolver(settings), clock);
    }

    /**
     * A provisioner that answers http-01 through {@code store} or, when {@code settings}
     * choose dns-01, through {@code dns} (shared by the certificates of a fleet; the admin
     * command's dry run keeps its journal in the production state folder).
     *
     * @throws ConfigException when the settings choose dns-01 and no solver is given
     */
    public Provisioner(CertificateSettings settings, ChallengeStore store, Optional<DnsSolver> dns, Clock clock) {
        this(settings, clock, Coordination.Parts.alone(settings, stateFileOf(settings), store), dns);
    }

    /** A provisioner whose journal, account key, challenges and shared certificates are {@code parts}'. */
    public Provisioner(CertificateSettings settings, Clock clock, Coordination.Parts parts) {
        this(settings, clock, parts, ChallengeAnswering.ownSolver(settings));
    }

    /** The same, answering dns-01 (when {@code settings} choose it) through {@code dns}. */
    public Provisioner(CertificateSettings settings, Clock clock, Coordination.Parts parts, Optional<DnsSolver> dns) {
        this.answering = new ChallengeAnswering(settings, parts.challenges(), dns);
        this.stateFile = parts.state() instanceof StateFile own ? own : stateFileOf(settings);
        this.settings = settings;
        this.clock = clock;
        this.writer = CertificatePairWriter.forSettings(settings, clock);
        this.journal = parts.journal();
        this.accountKeys = parts.accountKeys();
        this.share = parts.share();
        this.lock = LockFile.of(settings.stateDir(), settings.id(), settings.certificatePath());
        this.delivery = new DeliverySteps(settings, clock);
        this.sync = share.map(shared -> new ShareSync(settings, clock, writer, delivery, shared));
    }

    /** The state file of {@code settings}' certificate on this host; checks first that it can be provisioned. */
    public static StateFile stateFileOf(CertificateSettings settings) {
        if (settings.certificatePath() == null || settings.privateKeyPath() == null) {
            throw new ConfigException("tls_certificate_path and tls_private_key_path must both be set to provision"
                    + " certificates");
        }
        if (settings.domains().isEmpty()) {
            throw new ConfigException("server_name or acme.domain must name the certificate to provision");
        }
        return StateFile.of(settings.stateDir(), settings.id(), settings.certificatePath());
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

    /** Certificates another node of the cluster issued that this provisioner wrote to its files. */
    public long certificatesInstalled() {
        return certificatesInstalled.get();
    }

    /** The settings this provisioner works with. */
    public CertificateSettings settings() {
        return settings;
    }

    /** The renewal state file of this certificate on this host (backoff, order in progress when alone). */
    public StateFile stateFile() {
        return stateFile;
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
            boolean installed = syncWithShare();
            if (force && installed) {
                LOG.log(Level.INFO, "Another node of the cluster stored a newer certificate for {0}; checking that"
                        + " one instead of ordering another", settings.domains());
            }
            return checkLocked(force && !renewedMeanwhile && !installed, start);
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
                if (!orderLeft) {
                    share.ifPresent(s -> s.renewalWindow(ari));
                }
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
        PreflightReport pre = answering.prepare();
        if (pre.blocksOrder()) {
            throw new ProvisioningException(FailureKind.PREFLIGHT, "Pre-flight self-test failed, so no order was"
                    + " placed (acme.preflight.mode is strict): " + pre.summary(), null);
        }
        ordersStarted.incrementAndGet();
        IssuedCertificate issued = client().order(settings, answering.answers(), journal, replaces);
        if (sync.isPresent()) {
            sync.get().publishIssued(issued);
        }
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
            LOG.log(Level.WARNING, "Cannot clear the finished order from {0}: {1}", journal.describe(), e.toString());
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

    /** The dns-01 solver of this certificate, when it is answered with dns-01. */
    public Optional<DnsSolver> dnsSolver() {
        return answering.dnsSolver();
    }

    private Delivery deliver(IssuedCertificate issued) {
        return delivery.deliver(issued);
    }

    /** {@link ShareSync#sync()}, counted and delivered; false on one host. */
    private boolean syncWithShare() throws ProvisioningException {
        if (sync.isEmpty()) {
            return false;
        }
        Optional<Delivery> installed = sync.get().sync();
        installed.ifPresent(d -> {
            certificatesInstalled.incrementAndGet();
            lastDelivery = d;
        });
        return installed.isPresent();
    }

    /**
     * Writes the newest certificate of the cluster to this node's files when it should replace
     * them ({@link SharedPair}), then reloads and verifies as after an order: what a node does
     * when another node stored a certificate (told by the database's notification, or found
     * by a periodic look). Never orders.
     *
     * @return the certificate written, or empty when the files stay as they are
     */
    public synchronized Optional<X509Certificate> installShared() throws ProvisioningException, InterruptedException {
        if (share.isEmpty()) {
            return Optional.empty();
        }
        try (LockFile.Held held = lock.acquire(lockTimeout, "install from the cluster of " + settings.certificatePath())) {
            writer.recover();
            return syncWithShare() ? SharedPair.onDisk(settings, clock).leaf() : Optional.empty();
        } catch (TimeoutException e) {
            throw new ProvisioningException(FailureKind.LOCKED, "Another check of " + settings.certificatePath()
                    + " is still running: " + e.getMessage() + "; the cluster's certificate is installed later", e);
        } catch (IOException e) {
            throw new ProvisioningException(FailureKind.FILES, "Cannot install the cluster's certificate into "
                    + settings.certificatePath() + ": " + e, e);
        }
    }

    /** Releases the connection to the CA (its HTTP threads); a later check opens a new connection. */
    public void close() {
        answering.close();
        AcmeClient open = client;
        client = null;
        if (open != null) {
            open.close(); // not synchronized: must not wait for an order that is being interrupted
        }
    }

    private AcmeClient client() {
        AcmeClient current = client;
        if (current == null) {
            current = new AcmeClient(settings, accountKeys);
            client = current;
        }
        return current;
    }
}
