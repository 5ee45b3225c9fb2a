package dev.acmefilter.alert;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.testing.CertificateFixture;
import dev.acmefilter.testing.LogRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.acmefilter.alert.AlertSteps.failChecks;
import static org.assertj.core.api.Assertions.assertThat;

/** Alerts through a real shell command, which gets the details in its environment. */
class CommandChannelTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    private AlertChannels channels;

    @AfterEach
    void close() {
        if (channels != null) {
            channels.close();
        }
    }

    private CertificateFixture watched(String command, Duration timeout) throws Exception {
        return watched(command, timeout, List.of());
    }

    private CertificateFixture watched(String command, Duration timeout, List<String> env) throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        channels = AlertSteps.watchThroughConfiguredChannels(f, new AlertSettings(Optional.of(command),
                Optional.empty(), 2, Duration.ofDays(14), timeout, env));
        return f;
    }

    @Test
    void theCommandRunsOncePerStateChangeWithTheAlertInItsEnvironment() throws Exception {
        Path out = dir.resolve("alerts.txt");
        CertificateFixture f = watched("printf '%s|%s|%s|%s|%s|%s\\n' \"$ACME_ALERT_EVENT\" \"$ACME_CERTIFICATE_ID\""
                + " \"$ACME_NAMES\" \"$ACME_DAYS_LEFT\" \"$ACME_CONSECUTIVE_FAILURES\" \"$ACME_NOT_AFTER\" >> '" + out
                + "'", Duration.ofSeconds(10));

        failChecks(f, 6);
        f.nextCheck(CertificateFixture.Next.RENEW);
        f.check();
        f.check();

        assertThat(Files.readAllLines(out)).hasSize(2);
        assertThat(Files.readAllLines(out).get(0)).matches(
                "failing\\|default\\|localhost matrix\\.example\\.org\\|[0-9]+\\|2\\|2026-08-30T00:00:00Z");
        // the renewed certificate: 90 days from the check, 89 when X.509 cut a fraction of a second
        assertThat(Files.readAllLines(out).get(1)).matches(
                "recovered\\|default\\|localhost matrix\\.example\\.org\\|(89|90)\\|0\\|2026-.*Z");
    }

    @Test
    void theMessageAndLastErrorWithItsKindArePassedVerbatim() throws Exception {
        Path out = dir.resolve("message.txt");
        CertificateFixture f = watched("printf '%s\\n%s\\n%s\\n' \"$ACME_ALERT_MESSAGE\" \"$ACME_LAST_ERROR\""
                + " \"$ACME_LAST_ERROR_KIND\" > '" + out + "'", Duration.ofSeconds(10));

        failChecks(f, 2);

        assertThat(Files.readAllLines(out)).hasSize(3);
        assertThat(Files.readAllLines(out).get(0)).startsWith("certificate default [localhost, matrix.example.org]:"
                + " 2 checks failed in a row (alert after 2)");
        assertThat(Files.readAllLines(out).get(1)).isEqualTo(f.scheduler.state().lastError());
        assertThat(Files.readAllLines(out).get(2)).isEqualTo("validation");
    }

    @Test
    void theCommandSeesPathAndTheAlertButNotTheContainersEnvironment() throws Exception {
        assertThat(System.getenv("HOME")).as("the test JVM's environment has more than PATH").isNotNull();
        Path dump = dir.resolve("env.txt");
        CertificateFixture f = watched("env > '" + dump + "'", Duration.ofSeconds(10));

        failChecks(f, 2);

        assertThat(names(dump)).containsExactly("ACME_ALERT_EVENT", "ACME_ALERT_MESSAGE", "ACME_CERTIFICATE_ID",
                "ACME_CERTIFICATE_PATH", "ACME_CONSECUTIVE_FAILURES", "ACME_DAYS_LEFT", "ACME_LAST_ERROR", "ACME_LAST_ERROR_KIND", "ACME_NAMES",
                "ACME_NEXT_ATTEMPT", "ACME_NOT_AFTER", "PATH");
    }

    @Test
    void variablesListedInAlertsEnvArePassedThrough() throws Exception {
        Path dump = dir.resolve("env.txt");
        CertificateFixture f = watched("env > '" + dump + "'", Duration.ofSeconds(10), List.of("HOME"));

        failChecks(f, 2);

        assertThat(names(dump)).contains("HOME", "PATH", "ACME_ALERT_EVENT");
        assertThat(Files.readAllLines(dump)).contains("HOME=" + System.getenv("HOME"));
    }

    /** The variable names in an {@code env} dump, without those the shell sets itself. */
    private static List<String> names(Path envDump) throws Exception {
        return Files.readAllLines(envDump).stream().filter(l -> l.matches("[A-Za-z_][A-Za-z0-9_]*=.*"))
                .map(l -> l.substring(0, l.indexOf('='))).filter(n -> !List.of("PWD", "OLDPWD", "SHLVL", "_").contains(n))
                .sorted().toList();
    }

    @Test
    void aFailingCommandIsLoggedWithItsOutputAndRenewalGoesOn() throws Exception {
        CertificateFixture f = watched("echo 'mail server down' >&2; exit 3", Duration.ofSeconds(10));

        try (LogRecords log = new LogRecords(AlertChannels.class)) {
            failChecks(f, 2);
            f.nextCheck(CertificateFixture.Next.RENEW);
            f.check();

            assertThat(f.scheduler.state().consecutiveFailures()).isZero();
            assertThat(log.lines()).contains(
                    "WARNING The alert command could not deliver the failing alert for certificate default (not"
                            + " retried): exited with 3: mail server down",
                    "WARNING The alert command could not deliver the recovered alert for certificate default (not"
                            + " retried): exited with 3: mail server down");
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARNING Alert failing for certificate"
                    + " default: certificate default [localhost, matrix.example.org]: 2 checks failed in a row"));
        }
    }

    @Test
    void aHangingCommandIsKilledAfterTheTimeout() throws Exception {
        CertificateFixture f = watched("sleep 30", Duration.ofSeconds(1));

        try (LogRecords log = new LogRecords(AlertChannels.class)) {
            failChecks(f, 2);
            assertThat(log.lines()).contains("WARNING The alert command could not deliver the failing alert for"
                    + " certificate default (not retried): timed out after 1 s and was killed");
        }
    }
}
