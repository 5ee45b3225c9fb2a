package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.DnsSettings;
import dev.acmefilter.dns.DnsException;
import dev.acmefilter.dns.DnsPreflight;
import dev.acmefilter.dns.DnsSolver;
import dev.acmefilter.renewal.RenewalScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Certificates answered with dns-01 through the same DNS settings share one
 * {@link DnsSolver}. At {@link #start()} each solver first removes the records earlier runs
 * left (a crash, a kill) and checks that its server takes a test record (the dns-01
 * pre-flight, logged only): a wrong key shows at start, not at the next renewal.
 */
@ApplicationScoped
public class CertificateFleet implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CertificateFleet.class.getName());

    private List<ManagedCertificate> certificates;
    private ScheduledThreadPoolExecutor pool;
    private Map<DnsSolver, List<CertificateSettings>> dnsSolvers = Map.of();

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
        Map<SolverKey, DnsSolver> solvers = new LinkedHashMap<>();
        Map<DnsSolver, List<CertificateSettings>> users = new LinkedHashMap<>();
        for (CertificateSettings one : each) {
            Optional<DnsSolver> dns = one.challenge().dns01().map(d -> solvers.computeIfAbsent(
                    new SolverKey(d, one.stateDir()), k -> DnsSolver.create(k.settings(), k.stateDir())));
            dns.ifPresent(solver -> users.computeIfAbsent(solver, s -> new ArrayList<>()).add(one));
            Coordination.Parts parts = coordination.partsFor(one, Provisioner.stateFileOf(one), store);
            Provisioner provisioner = new Provisioner(one, clock, parts, dns);
            all.add(new ManagedCertificate(one.id(), provisioner,
                    new RenewalScheduler(provisioner, parts.state(), clock, pool, parts.gate())));
        }
        certificates = List.copyOf(all);
        dnsSolvers = Map.copyOf(users);
        certificates.forEach(coordination::attach);
    }

    /** Certificates with equal DNS settings and state folder share a solver (and its journal). */
    private record SolverKey(DnsSettings settings, Path stateDir) {
    }

    /** Every certificate kept valid, Synapse's own first. */
    public List<ManagedCertificate> certificates() {
        return certificates;
    }

    /** The certificate with this id ({@code default} for Synapse's own). */
    public Optional<ManagedCertificate> find(String id) {
        return certificates.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /**
     * Starts every certificate's checks: at once, or when its persisted backoff ends; and, on
     * the same pool, each DNS solver's sweep of leftovers and its pre-flight.
     */
    public void start() {
        dnsSolvers.forEach((solver, users) -> pool.execute(() -> startDns(solver, users)));
        for (ManagedCertificate certificate : certificates) {
            certificate.scheduler().start();
        }
    }

    /** Removes what earlier runs left through {@code solver}, then probes the zones of its certificates' names. */
    private static void startDns(DnsSolver solver, List<CertificateSettings> users) {
        try {
            int removed = solver.removeLeftovers();
            if (removed > 0) {
                LOG.log(Level.INFO, "Removed {0} TXT record(s) that earlier runs left ({1})", removed,
                        solver.describe());
            }
            List<String> names = users.stream().flatMap(c -> c.domains().stream()).distinct().toList();
            DnsPreflight.check(solver, users.get(0).preflight().mode(), names);
        } catch (DnsException e) {
            LOG.log(Level.WARNING, "Cannot remove the TXT records earlier runs left ({0}): {1}", solver.describe(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the fleet is closing
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The dns-01 start-up check ({0}) failed: {1}", solver.describe(), e.toString());
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
