package dev.acmefilter.testing;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.output.CertificatePairWriter;
import dev.acmefilter.output.FileOptions;
import dev.acmefilter.output.TestCerts;
import dev.acmefilter.provision.AcmeProblem;
import dev.acmefilter.provision.FailureKind;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.provision.ProvisioningException;
import dev.acmefilter.renewal.ManualChecks;
import dev.acmefilter.renewal.RenewalCheck;
import dev.acmefilter.renewal.RenewalScheduler;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One managed certificate for tests of what watches it (status, health, alerts), on a
 * simulated clock: a real {@link Provisioner} (settings, state file; it never reaches a CA
 * here) and a real {@link RenewalScheduler} whose checks the test scripts: the next check
 * fails as a CA that cannot validate would, or renews by writing a fresh certificate
 * through the real pair writer. Checks run on the test's thread ({@link #check()}).
 */
public final class CertificateFixture {

    /** What the scripted check does. */
    public enum Next { FAIL, RENEW, KEEP }

    public static final String PROBLEM_TYPE = "urn:ietf:params:acme:error:connection";

    public final SimulatedClock clock;
    public final CertificateSettings settings;
    public final Provisioner provisioner;
    public final RenewalScheduler scheduler;
    public final ManagedCertificate certificate;
    private volatile Next next = Next.KEEP;
    private volatile long lifetimeDays = 90;

    private CertificateFixture(String id, CertificateSettings settings, Instant start) {
        this.clock = new SimulatedClock(start);
        this.settings = settings;
        this.provisioner = new Provisioner(settings, new InMemoryChallengeStore(), clock);
        this.scheduler = new RenewalScheduler(new ScriptedCheck(), provisioner.stateFile(), clock);
        this.certificate = new ManagedCertificate(id, provisioner, scheduler);
    }

    public static CertificateFixture create(Path dir, Instant start) {
        return create("default", dir, start, b -> { });
    }

    /** For localhost and matrix.example.org, files in {@code dir}; {@code configure} may change any setting. */
    public static CertificateFixture create(String id, Path dir, Instant start, Consumer<CertificateSettings.Builder> configure) {
        CertificateSettings.Builder builder = CertificateSettings.builder()
                .domain("localhost").domain("matrix.example.org")
                .accountKeyFile(dir.resolve("client.key"))
                .certificatePath(dir.resolve("tls/localhost.crt"))
                .privateKeyPath(dir.resolve("tls/localhost.key"));
        configure.accept(builder);
        return new CertificateFixture(id, builder.build(), start);
    }

    /** A new process on the same files and state file, as after a restart: counters start over. */
    public CertificateFixture restarted() {
        CertificateFixture again = new CertificateFixture(certificate.id(), settings, clock.instant());
        again.lifetimeDays = lifetimeDays;
        again.next = next;
        return again;
    }

    public void nextCheck(Next what) {
        this.next = what;
    }

    /** Lifetime of the certificates the scripted renewal writes. */
    public void lifetimeDays(long days) {
        this.lifetimeDays = days;
    }

    /** Runs one check now, as the scheduler's thread would (state file, listeners). */
    public Instant check() throws InterruptedException {
        return ManualChecks.runOnce(scheduler);
    }

    /** Writes a certificate for the configured names, valid from now for {@code days} days. */
    public X509Certificate writeCertificate(long days) throws IOException {
        return writeCertificate(clock.instant(), clock.instant().plus(Duration.ofDays(days)));
    }

    public X509Certificate writeCertificate(Instant notBefore, Instant notAfter) throws IOException {
        KeyPair key = TestCerts.ecKey();
        X509Certificate leaf = TestCerts.selfSigned(key, notBefore, notAfter,
                settings.domains().toArray(String[]::new));
        new CertificatePairWriter(settings.certificatePath(), settings.privateKeyPath(), FileOptions.defaults(), clock)
                .write(List.of(leaf), key.getPrivate());
        return leaf;
    }

    private final class ScriptedCheck implements RenewalCheck {
        @Override
        public Outcome check() throws Exception {
            switch (next) {
                case FAIL -> throw ProvisioningException.builder(FailureKind.VALIDATION, "http-01 validation of"
                        + " matrix.example.org failed: " + PROBLEM_TYPE + ": Connection refused")
                        .problem(new AcmeProblem(PROBLEM_TYPE, Optional.of("Connection refused"),
                                Optional.of("matrix.example.org"))).build();
                case RENEW -> {
                    X509Certificate leaf = writeCertificate(lifetimeDays);
                    return new Outcome(leaf.getNotAfter().toInstant().minus(Duration.ofDays(lifetimeDays / 3)),
                            Optional.empty(), "ISSUED: scripted");
                }
                default -> {
                    return new Outcome(clock.instant().plus(Duration.ofDays(1)), Optional.empty(), "KEPT: scripted");
                }
            }
        }

        @Override
        public String describe() {
            return settings.certificatePath() + " " + settings.domains();
        }

        @Override
        public String failureKind(Exception failure) {
            return provisioner.failureKind(failure);
        }
    }
}
