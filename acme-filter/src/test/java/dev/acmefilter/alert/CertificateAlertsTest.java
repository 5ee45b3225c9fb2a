package dev.acmefilter.alert;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.testing.CertificateFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.acmefilter.alert.AlertSteps.failChecks;
import static org.assertj.core.api.Assertions.assertThat;

/** The alerts of one certificate over many checks on a simulated clock; the channel records what it gets. */
class CertificateAlertsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    /** The certificate of each test, written valid for 90 days from {@link #T0}. */
    private CertificateFixture f;

    static final class Recorder implements AlertChannel {
        final List<Alert> alerts = new CopyOnWriteArrayList<>();

        @Override
        public String describe() {
            return "recorder";
        }

        @Override
        public void send(Alert alert) {
            alerts.add(alert);
        }

        List<AlertEvent> events() {
            return alerts.stream().map(Alert::event).toList();
        }
    }

    private static Recorder watch(CertificateFixture f) {
        Recorder recorder = new Recorder();
        AlertSteps.listen(f, AlertSettings.DEFAULTS, new AlertChannels(List.of(recorder)));
        return recorder;
    }

    /** Writes {@link #f}'s certificate, valid for 90 days, and records what its alerts send. */
    private Recorder watchNinetyDayCertificate() throws Exception {
        f = CertificateFixture.create(dir, T0);
        f.writeCertificate(90);
        return watch(f);
    }

    @Test
    void tenFailedChecksAreOneFailingAlertAndASuccessOneRecovery() throws Exception {
        Recorder recorder = watchNinetyDayCertificate();

        failChecks(f, 2);
        assertThat(recorder.events()).as("below after_failures").isEmpty();
        failChecks(f, 8);
        assertThat(recorder.events()).containsExactly(AlertEvent.FAILING);
        assertThat(f.scheduler.state().alerted()).isEqualTo("failing");

        f.nextCheck(CertificateFixture.Next.RENEW);
        f.check();
        f.check();
        assertThat(recorder.events()).containsExactly(AlertEvent.FAILING, AlertEvent.RECOVERED);
        assertThat(f.scheduler.state().alerted()).isNull();
    }

    @Test
    void theFailingAlertSaysWhatFailed() throws Exception {
        Recorder recorder = watchNinetyDayCertificate();

        failChecks(f, 3);

        Alert alert = recorder.alerts.get(0);
        assertThat(alert.certificateId()).isEqualTo("default");
        assertThat(alert.names()).containsExactly("localhost", "matrix.example.org");
        assertThat(alert.consecutiveFailures()).isEqualTo(3);
        assertThat(alert.lastError().orElseThrow()).contains(CertificateFixture.PROBLEM_TYPE);
        assertThat(alert.daysLeft()).isPresent();
        assertThat(alert.nextAttempt()).contains(f.scheduler.state().nextAttempt());
        assertThat(alert.message()).startsWith("certificate default [localhost, matrix.example.org]: 3 checks failed"
                + " in a row (alert after 3); last error: http-01 validation of matrix.example.org failed");
    }

    @Test
    void aRestartDoesNotAnnounceTheSameStateAgain() throws Exception {
        Recorder before = watchNinetyDayCertificate();
        failChecks(f, 3);
        assertThat(before.events()).containsExactly(AlertEvent.FAILING);

        CertificateFixture after = f.restarted();
        Recorder recorder = watch(after);
        failChecks(after, 5);
        assertThat(recorder.events()).as("still failing after the restart").isEmpty();

        after.nextCheck(CertificateFixture.Next.RENEW);
        after.check();
        assertThat(recorder.events()).containsExactly(AlertEvent.RECOVERED);
    }

    @Test
    void enteringTheWarningWindowIsAnnouncedOnceEvenWithoutFailures() throws Exception {
        Recorder recorder = watchNinetyDayCertificate();
        f.nextCheck(CertificateFixture.Next.KEEP);

        // a check every 12 hours, as the scheduler plans them at least, from day 70 to day 80
        for (Instant t = T0.plus(Duration.ofDays(70)); t.isBefore(T0.plus(Duration.ofDays(80))); t = t.plus(
                Duration.ofHours(12))) {
            f.clock.set(t);
            f.check();
        }
        assertThat(recorder.events()).containsExactly(AlertEvent.EXPIRING);
        Alert alert = recorder.alerts.get(0);
        assertThat(alert.daysLeft()).contains(13L);
        assertThat(alert.notAfter()).contains(T0.plus(Duration.ofDays(90)));
        assertThat(alert.message()).isEqualTo("certificate default [localhost, matrix.example.org]: the certificate"
                + " expires at 2026-08-30T00:00:00Z, in 13 days (inside the warning window of 14 days)");

        f.nextCheck(CertificateFixture.Next.RENEW);
        f.check();
        assertThat(recorder.events()).containsExactly(AlertEvent.EXPIRING, AlertEvent.RECOVERED);
        assertThat(recorder.alerts.get(1).message()).isEqualTo("certificate default [localhost, matrix.example.org]"
                + " is fine again: valid until 2026-11-17T12:00:00Z (90 days left)");
    }

    @Test
    void aCertificateThatCannotBeRenewedWarnsBeforeItExpiresAndRecoversOnce() throws Exception {
        Recorder recorder = watchNinetyDayCertificate();
        f.clock.set(T0.plus(Duration.ofDays(60)));

        // renewals fail from day 60; the backoff grows to a day, so the checks walk into the window
        f.nextCheck(CertificateFixture.Next.FAIL);
        while (f.clock.instant().isBefore(T0.plus(Duration.ofDays(89)))) {
            f.clock.set(f.check());
        }
        assertThat(recorder.events()).containsExactly(AlertEvent.FAILING, AlertEvent.EXPIRING);

        f.clock.set(T0.plus(Duration.ofDays(91)));
        f.check();
        assertThat(recorder.events()).as("expired: still the same two conditions").hasSize(2);

        f.nextCheck(CertificateFixture.Next.RENEW);
        f.check();
        assertThat(recorder.events()).containsExactly(AlertEvent.FAILING, AlertEvent.EXPIRING, AlertEvent.RECOVERED);
    }

    @Test
    void aStandaloneRenewalIsAnnouncedEveryTimeWithItsReason() throws Exception {
        CertificateFixture tenDays = CertificateFixture.create(dir, T0);
        tenDays.writeCertificate(10);
        Recorder recorder = new Recorder();
        CertificateAlerts alerts = new CertificateAlerts(tenDays.certificate, AlertSettings.DEFAULTS,
                new AlertChannels(List.of(recorder)), tenDays.clock);

        Alert alert = alerts.standalone("Renewing certificate default standalone, without the cluster's lease");
        alerts.standalone("again");

        assertThat(recorder.events()).containsExactly(AlertEvent.STANDALONE, AlertEvent.STANDALONE);
        assertThat(alert.message()).isEqualTo("Renewing certificate default standalone, without the cluster's lease");
        assertThat(alert.environment()).containsEntry(Alert.EVENT_VARIABLE, "standalone")
                .containsEntry(Alert.CERTIFICATE_ID_VARIABLE, "default");
        assertThat(alert.json()).contains("\"event\": \"standalone\"");
        assertThat(tenDays.scheduler.state().alerted()).as("not a state to recover from: not saved").isNull();
    }
}
