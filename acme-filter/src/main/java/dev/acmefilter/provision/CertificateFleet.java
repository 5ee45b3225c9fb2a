package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.renewal.RenewalScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All the certificates one config keeps valid: Synapse's own ({@code tls_certificate_path})
 * and the {@code acme.certificates} entries, each with its own provisioner, state file,
 * backoff and delivery, so that one failing certificate never holds the others back.
 *
 * <p>The checks of all certificates share one pool of {@link AcmeConfig#maxConcurrentOrders()}
 * threads: that bounds the orders in flight at once (the CA's rate limits, the http-01
 * listener), and 50 certificates cost 4 threads, not 50. An application-scoped CDI bean
 * in the WAR; construct it by hand anywhere else.
 *
 * <p>With a {@link Coordination} other than {@link Coordination#ALONE} (a cluster), each
 * certificate gets the cluster's parts: its checks pass the certificate's lease first, and
 * the certificates other nodes store are installed here.
 */
@ApplicationScoped
public class CertificateFleet implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CertificateFleet.class.getName());

    private List<ManagedCertificate> certificates;
    private ScheduledThreadPoolExecutor pool;

    /** For CDI's client proxy only. */
    protected CertificateFleet() {
    }

    @Inject
    public CertificateFleet(AcmeConfig config, ChallengeStore store, Instance<Coordination> coordination) {
        this(config, store, Clock.systemUTC(), coordination.isResolvable() ? coordination.get() : Coordination.ALONE);
    }

    public CertificateFleet(AcmeConfig config, ChallengeStore store) {
        this(config, store, Clock.systemUTC());
    }

    public CertificateFleet(AcmeConfig config, ChallengeStore store, Clock clock) {
        this(config, store, clock, Coordination.ALONE);
    }

    public CertificateFleet(AcmeConfig config, ChallengeStore store, Clock clock, Coordination coordination) {
        List<CertificateSettings> each = config.certificates();
        if (each.isEmpty()) {
            throw new ConfigException("No certificate to keep valid: set server_name, tls_certificate_path and "
                    + "tls_private_key_path, or list certificates under acme.certificates");
        }
        AtomicInteger threads = new AtomicInteger();
        pool = new ScheduledThreadPoolExecutor(Math.min(config.maxConcurrentOrders(), each.size()), r -> {
            Thread t = new Thread(r, "acme-renewal-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        List<ManagedCertificate> all = new ArrayList<>();
        for (CertificateSettings one : each) {
            Coordination.Parts parts = coordination.partsFor(one, Provisioner.stateFileOf(one), store);
            Provisioner provisioner = new Provisioner(one, clock, parts);
            all.add(new ManagedCertificate(one.id(), provisioner,
                    new RenewalScheduler(provisioner, parts.state(), clock, pool, parts.gate())));
        }
        certificates = List.copyOf(all);
        certificates.forEach(coordination::attach);
    }

    /** Every certificate kept valid, Synapse's own first. */
    public List<ManagedCertificate> certificates() {
        return certificates;
    }

    /** The certificate with this id ({@code default} for Synapse's own). */
    public Optional<ManagedCertificate> find(String id) {
        return certificates.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** Starts every certificate's checks: at once, or when its persisted backoff ends. */
    public void start() {
        for (ManagedCertificate certificate : certificates) {
            certificate.scheduler().start();
        }
    }

    /**
     * Stops all checks, interrupting orders in progress (they resume at the next start),
     * and releases every connection to the CA; waits up to 10 s.
     */
    @PreDestroy
    @Override
    public void close() {
        if (pool == null) {
            return;
        }
        for (ManagedCertificate certificate : certificates) {
            certificate.scheduler().close();
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "Certificate checks did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ManagedCertificate certificate : certificates) {
            certificate.provisioner().close();
        }
    }
}
