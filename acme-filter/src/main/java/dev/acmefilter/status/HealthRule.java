package dev.acmefilter.status;

import dev.acmefilter.renewal.RenewalPolicy;

import dev.acmefilter.config.AlertSettings;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When a certificate counts as unhealthy: there is none on disk (or it cannot be read), it
 * has expired or is inside the warning window before expiry, or its checks failed
 * {@code acme.alerts.after_failures} times in a row. The same rule decides the
 * {@code /acme/health} answer and the {@code failing} / {@code expiring} alerts.
 *
 * <p>The warning window is {@code acme.alerts.warning_days}, but never more than half of
 * the renewal window (the smaller of {@code acme.reprovision_threshold} and a third of the
 * lifetime, as {@link dev.acmefilter.renewal.RenewalPolicy} renews): a 90-day certificate
 * warns 14 days before expiry, after 16 days of failed renewals; a 6-day certificate warns
 * one day before expiry instead of all its life.
 */
public final class HealthRule {

    private final int afterFailures;
    private final Duration warningDays;

    public HealthRule(int afterFailures, Duration warningDays) {
        if (afterFailures < 1) {
            throw new IllegalArgumentException("afterFailures must be 1 or more: " + afterFailures);
        }
        this.afterFailures = afterFailures;
        this.warningDays = Objects.requireNonNull(warningDays, "warningDays");
    }

    public static HealthRule forSettings(AlertSettings alerts) {
        return new HealthRule(alerts.afterFailures(), alerts.warningWindow());
    }

    /** The warning window for a certificate of this lifetime and renewal threshold. */
    public Duration warningWindow(Duration lifetime, Duration renewalThreshold) {
        Duration half = RenewalPolicy.renewalWindow(lifetime, renewalThreshold).dividedBy(2);
        return warningDays.compareTo(half) < 0 ? warningDays : half;
    }

    public Health judge(CertificateStatus status) {
        List<String> problems = new ArrayList<>();
        boolean expiring = false;
        if (status.onDisk().isEmpty()) {
            problems.add(status.diskProblem().orElse("no certificate"));
        } else {
            CertificateStatus.OnDisk leaf = status.onDisk().get();
            Duration left = Duration.between(status.at(), leaf.notAfter());
            Duration window = warningWindow(leaf.lifetime(), status.renewalThreshold());
            String notAfter = DateTimeFormatter.ISO_INSTANT.format(leaf.notAfter());
            if (left.isNegative() || left.isZero()) {
                expiring = true;
                problems.add("the certificate expired at " + notAfter);
            } else if (left.compareTo(window) < 0) {
                expiring = true;
                problems.add("the certificate expires at " + notAfter + ", in " + days(left)
                        + " (inside the warning window of " + days(window) + ")");
            }
        }
        int failures = status.state().consecutiveFailures();
        boolean failing = failures >= afterFailures;
        if (failing) {
            problems.add(failures + " checks failed in a row (alert after " + afterFailures + ")"
                    + (status.state().lastError() == null ? "" : "; last error: " + status.state().lastError()));
        }
        return new Health(status.id(), failing, expiring, problems);
    }

    /** "3 days", "1 day", "5 hours": whole units, rounded down. */
    static String days(Duration d) {
        long days = d.toDays();
        if (days >= 1) {
            return days + (days == 1 ? " day" : " days");
        }
        long hours = d.toHours();
        return hours + (hours == 1 ? " hour" : " hours");
    }
}
