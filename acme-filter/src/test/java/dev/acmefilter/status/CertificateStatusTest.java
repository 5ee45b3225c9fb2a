package dev.acmefilter.status;

import dev.acmefilter.testing.CertificateFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateStatusTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void beforeTheFirstCertificateTheSnapshotSaysWhatIsMissing() {
        CertificateFixture f = CertificateFixture.create(dir, T0);

        CertificateStatus s = CertificateStatus.of(f.certificate, f.clock);

        assertThat(s.id()).isEqualTo("default");
        assertThat(s.names()).containsExactly("localhost", "matrix.example.org");
        assertThat(s.onDisk()).isEmpty();
        assertThat(s.diskProblem()).contains("no certificate at " + f.settings.certificatePath());
        assertThat(s.daysLeft()).isEmpty();
        assertThat(s.nextRenewal()).isEmpty();
        assertThat(s.lastDelivery()).isEmpty();
    }

    @Test
    void theCertificateOnDiskIsDescribedAtTheClocksTime() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        X509Certificate leaf = f.writeCertificate(90);
        f.clock.advance(Duration.ofDays(10).plusHours(5));

        CertificateStatus s = CertificateStatus.of(f.certificate, f.clock);

        CertificateStatus.OnDisk d = s.onDisk().orElseThrow();
        assertThat(d.serial()).isEqualTo(leaf.getSerialNumber().toString(16));
        assertThat(d.issuer()).isEqualTo("CN=localhost");
        assertThat(d.dnsNames()).containsExactly("localhost", "matrix.example.org");
        assertThat(d.notBefore()).isEqualTo(T0);
        assertThat(d.notAfter()).isEqualTo(T0.plus(Duration.ofDays(90)));
        assertThat(s.daysLeft()).as("79 days 19 hours, rounded down").contains(79L);
        assertThat(s.nextRenewal()).as("30 days before expiry, by the renewal policy")
                .contains(T0.plus(Duration.ofDays(60)));
        assertThat(s.diskProblem()).isEmpty();
    }

    @Test
    void anExpiredCertificateHasNegativeDaysLeft() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.writeCertificate(T0.minus(Duration.ofDays(95)), T0.minus(Duration.ofDays(5)).plusSeconds(1));

        assertThat(CertificateStatus.of(f.certificate, f.clock).daysLeft()).contains(-5L);
    }

    @Test
    void aFailedCheckLeavesItsAcmeProblemAndASuccessClearsIt() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.nextCheck(CertificateFixture.Next.FAIL);
        Instant next = f.check();

        CertificateStatus failed = CertificateStatus.of(f.certificate, f.clock);
        assertThat(failed.state().consecutiveFailures()).isEqualTo(1);
        assertThat(failed.state().lastAttempt()).isEqualTo(T0);
        assertThat(failed.state().nextAttempt()).isEqualTo(next);
        assertThat(failed.state().lastError()).startsWith("http-01 validation of matrix.example.org failed: "
                + CertificateFixture.PROBLEM_TYPE);
        assertThat(failed.state().lastErrorKind()).isEqualTo("validation");
        assertThat(failed.failedChecksByKind()).isEqualTo(java.util.Map.of("validation", 1L));
        assertThat(failed.lastProblem()).contains(new dev.acmefilter.provision.AcmeProblem(CertificateFixture.PROBLEM_TYPE,
                java.util.Optional.of("Connection refused"), java.util.Optional.of("matrix.example.org")));
        assertThat(failed.failedChecks()).isEqualTo(1);

        f.clock.set(next);
        f.nextCheck(CertificateFixture.Next.RENEW);
        f.check();
        CertificateStatus renewed = CertificateStatus.of(f.certificate, f.clock);
        assertThat(renewed.state().consecutiveFailures()).isZero();
        assertThat(renewed.state().lastError()).isNull();
        assertThat(renewed.state().lastErrorKind()).isNull();
        assertThat(renewed.lastProblem()).isEmpty();
        assertThat(renewed.state().lastSuccess()).isEqualTo(next);
        assertThat(renewed.onDisk()).isPresent();
        assertThat(renewed.nextRenewal()).as("from the check's outcome")
                .contains(renewed.onDisk().orElseThrow().notAfter().minus(Duration.ofDays(30)));
        assertThat(renewed.failedChecks()).as("a process lifetime counter").isEqualTo(1);
    }

    @Test
    void anUnreadableCertificateFileIsReportedNotThrown() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        Files.createDirectories(f.settings.certificatePath().getParent());
        Files.writeString(f.settings.certificatePath(), "not a certificate\n");

        CertificateStatus s = CertificateStatus.of(f.certificate, f.clock);

        assertThat(s.onDisk()).isEmpty();
        assertThat(s.diskProblem().orElseThrow()).startsWith("the certificate at " + f.settings.certificatePath()
                + " cannot be read: ");
    }
}
