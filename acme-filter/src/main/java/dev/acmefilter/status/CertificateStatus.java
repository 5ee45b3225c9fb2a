package dev.acmefilter.status;

import dev.acmefilter.config.ChallengeSettings;
import dev.acmefilter.config.ReloadSettings;
import dev.acmefilter.config.VerifySettings;
import dev.acmefilter.output.Pem;
import dev.acmefilter.output.SubjectAltNames;
import dev.acmefilter.provision.AcmeProblem;
import dev.acmefilter.provision.Delivery;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.provision.ProvisioningException;
import dev.acmefilter.renewal.AriWindow;
import dev.acmefilter.renewal.RenewalCheck;
import dev.acmefilter.renewal.RenewalPolicy;
import dev.acmefilter.renewal.RenewalScheduler;
import dev.acmefilter.state.RenewalState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about one managed certificate at one moment, gathered from the file on
 * disk, the persisted renewal state, and what this process saw (last delivery, last failure,
 * counters). The one source for the status JSON, the metrics, the health answer and the
 * alerts, so that they never disagree. Holds no key material: the key file is never read.
 *
 * @param id                  the certificate's id ({@code default} for Synapse's own)
 * @param names               the configured names
 * @param certificatePath     where the certificate is written
 * @param at                  when this snapshot was taken
 * @param onDisk              the certificate now on disk, when there is a readable one
 * @param diskProblem         why there is none, when there is none
 * @param renewalThreshold    {@code acme.reprovision_threshold}
 * @param nextRenewal         when the certificate on disk is due for renewal
 * @param ariWindow           the CA's suggested renewal window, when it offered one
 * @param state               the persisted state: attempts, failures, next attempt, last error
 * @param lastProblem         the ACME problem of the last failure, when this process saw it
 * @param lastDelivery        the keystore, reload and verification after the last new certificate
 * @param ordersStarted       orders placed or resumed by this process
 * @param certificatesIssued  certificates issued and written by this process
 * @param failedChecks        checks that failed in this process
 * @param failedChecksByKind  the same, by {@link dev.acmefilter.provision.FailureKind#label() kind}
 * @param reload              how a new certificate is made live (configured or Synapse's default), if at all
 * @param verify              where a new certificate is checked (configured or derived from Synapse's listeners)
 * @param challenge           how the CA's challenges are answered (http-01, or dns-01 and where records go)
 */
public record CertificateStatus(String id, List<String> names, Path certificatePath, Instant at,
                                Optional<OnDisk> onDisk, Optional<String> diskProblem, Duration renewalThreshold,
                                Optional<Instant> nextRenewal, Optional<AriWindow> ariWindow, RenewalState state,
                                Optional<AcmeProblem> lastProblem, Optional<Delivery> lastDelivery,
                                long ordersStarted, long certificatesIssued, long failedChecks,
                                Map<String, Long> failedChecksByKind, Optional<ReloadSettings> reload,
                                Optional<VerifySettings> verify, ChallengeSettings challenge) {

    public CertificateStatus {
        Objects.requireNonNull(id, "id");
        names = List.copyOf(names);
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(onDisk, "onDisk");
        Objects.requireNonNull(diskProblem, "diskProblem");
        Objects.requireNonNull(state, "state");
        failedChecksByKind = Map.copyOf(failedChecksByKind);
        Objects.requireNonNull(reload, "reload");
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(challenge, "challenge");
    }

    /**
     * The certificate file's leaf, as far as status needs it.
     *
     * @param serial    the serial number in lower-case hex, as the log lines show it
     * @param issuer    the issuer's distinguished name
     * @param subject   the subject's distinguished name
     * @param dnsNames  the DNS names it covers
     * @param notBefore start of validity
     * @param notAfter  end of validity
     */
    public record OnDisk(String serial, String issuer, String subject, List<String> dnsNames, Instant notBefore,
                         Instant notAfter) {
        public OnDisk {
            dnsNames = List.copyOf(dnsNames);
        }

        static OnDisk of(X509Certificate leaf) {
            return new OnDisk(leaf.getSerialNumber().toString(16), leaf.getIssuerX500Principal().getName(),
                    leaf.getSubjectX500Principal().getName(), SubjectAltNames.dnsNames(leaf), leaf.getNotBefore().toInstant(),
                    leaf.getNotAfter().toInstant());
        }

        /** The lifetime the CA gave it. */
        public Duration lifetime() {
            return Duration.between(notBefore, notAfter);
        }
    }

    /** Takes a snapshot of {@code certificate} now. */
    public static CertificateStatus of(ManagedCertificate certificate, Clock clock) {
        Provisioner provisioner = certificate.provisioner();
        RenewalScheduler scheduler = certificate.scheduler();
        Instant now = clock.instant();
        Path path = provisioner.settings().certificatePath();
        Duration threshold = provisioner.settings().reprovisionThreshold();
        Optional<X509Certificate> leaf = Optional.empty();
        Optional<String> problem = Optional.empty();
        if (!Files.exists(path)) {
            problem = Optional.of("no certificate at " + path);
        } else {
            try {
                leaf = Optional.of(Pem.readCertificates(path).get(0));
            } catch (IOException | RuntimeException e) {
                problem = Optional.of("the certificate at " + path + " cannot be read: "
                        + Objects.toString(e.getMessage(), e.toString()));
            }
        }
        Optional<Instant> nextRenewal = leaf.map(l ->
                scheduler.lastResult().map(RenewalCheck.Outcome::renewAt)
                        .orElseGet(() -> RenewalPolicy.decide(l, threshold, provisioner.lastRenewalWindow(), clock)
                                .renewAt()));
        Optional<AcmeProblem> acmeProblem = scheduler.lastFailure()
                .filter(ProvisioningException.class::isInstance).map(ProvisioningException.class::cast)
                .flatMap(ProvisioningException::problem);
        return new CertificateStatus(certificate.id(), provisioner.settings().domains(), path, now,
                leaf.map(OnDisk::of), problem, threshold, nextRenewal, provisioner.lastRenewalWindow(),
                scheduler.state(), acmeProblem, provisioner.lastDelivery(), provisioner.ordersStarted(),
                provisioner.certificatesIssued(), scheduler.failedChecks(), scheduler.failedChecksByKind(),
                provisioner.settings().reload(), provisioner.settings().verify(), provisioner.settings().challenge());
    }

    /** Whole days until expiry, rounded down; negative once expired. */
    public Optional<Long> daysLeft() {
        return onDisk.map(c -> Math.floorDiv(Duration.between(at, c.notAfter()).toSeconds(), 86_400L));
    }

}
