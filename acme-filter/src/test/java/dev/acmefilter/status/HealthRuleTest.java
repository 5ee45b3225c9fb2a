package dev.acmefilter.status;

import dev.acmefilter.testing.CertificateFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HealthRuleTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final HealthRule DEFAULTS = new HealthRule(3, Duration.ofDays(14));

    @TempDir
    Path dir;

    /** A certificate written valid for 90 days from {@link #T0}. */
    private CertificateFixture ninetyDayCertificate() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.writeCertificate(90);
        return f;
    }

    /** What the default rule says of {@code f}'s certificate at the fixture's time. */
    private static Health judge(CertificateFixture f) {
        return DEFAULTS.judge(CertificateStatus.of(f.certificate, f.clock));
    }

    @Test
    void theWarningWindowIsAtMostHalfTheRenewalWindow() {
        Duration thirtyDays = Duration.ofDays(30);
        assertThat(DEFAULTS.warningWindow(Duration.ofDays(90), thirtyDays)).as("90-day certificate")
                .isEqualTo(Duration.ofDays(14));
        assertThat(DEFAULTS.warningWindow(Duration.ofDays(45), thirtyDays)).as("45-day: renews 15 days before")
                .isEqualTo(Duration.ofHours(180));
        assertThat(DEFAULTS.warningWindow(Duration.ofDays(6), thirtyDays)).as("6-day: renews 3 days before")
                .isEqualTo(Duration.ofHours(36));
        assertThat(DEFAULTS.warningWindow(Duration.ofDays(90), Duration.ofDays(10))).as("reprovision_threshold 10")
                .isEqualTo(Duration.ofDays(5));
    }

    @Test
    void aFreshCertificateIsHealthy() throws Exception {
        CertificateFixture f = ninetyDayCertificate();

        Health h = judge(f);

        assertThat(h.healthy()).isTrue();
        assertThat(h.problems()).isEmpty();
    }

    @Test
    void noCertificateIsUnhealthyButNoAlertCondition() {
        CertificateFixture f = CertificateFixture.create(dir, T0);

        Health h = judge(f);

        assertThat(h.problems()).containsExactly("no certificate at " + f.settings.certificatePath());
        assertThat(h.failing()).isFalse();
        assertThat(h.expiring()).isFalse();
    }

    @Test
    void insideTheWarningWindowItTurnsUnhealthyAndExpiring() throws Exception {
        CertificateFixture f = ninetyDayCertificate();
        f.clock.set(T0.plus(Duration.ofDays(76)).minusSeconds(1));
        assertThat(judge(f).healthy())
                .as("a second before the window").isTrue();

        f.clock.set(T0.plus(Duration.ofDays(77)));
        Health h = judge(f);

        assertThat(h.expiring()).isTrue();
        assertThat(h.failing()).isFalse();
        assertThat(h.problems()).containsExactly("the certificate expires at 2026-08-30T00:00:00Z, in 13 days"
                + " (inside the warning window of 14 days)");
    }

    @Test
    void anExpiredCertificateSaysSo() throws Exception {
        CertificateFixture f = ninetyDayCertificate();
        f.clock.set(T0.plus(Duration.ofDays(91)));

        Health h = judge(f);

        assertThat(h.expiring()).isTrue();
        assertThat(h.problems()).containsExactly("the certificate expired at 2026-08-30T00:00:00Z");
    }

    @Test
    void repeatedFailuresTurnItUnhealthyAtTheThreshold() throws Exception {
        CertificateFixture f = ninetyDayCertificate();
        f.nextCheck(CertificateFixture.Next.FAIL);
        f.check();
        f.check();
        assertThat(judge(f).healthy()).as("2 failures").isTrue();

        f.check();
        Health h = judge(f);

        assertThat(h.failing()).isTrue();
        assertThat(h.expiring()).isFalse();
        assertThat(h.problems()).singleElement().asString()
                .startsWith("3 checks failed in a row (alert after 3); last error: http-01 validation of"
                        + " matrix.example.org failed: urn:ietf:params:acme:error:connection");
    }
}
