package dev.acmefilter.alert;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.renewal.CheckListener;
import dev.acmefilter.state.RenewalStateStore;
import dev.acmefilter.status.CertificateStatus;
import dev.acmefilter.status.Health;
import dev.acmefilter.status.HealthRule;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The alerts of one certificate: after each check of its {@link dev.acmefilter.renewal.RenewalScheduler}
 * (a {@link CheckListener}; checks run at least every 12 hours, so the expiry window is
 * noticed in time), judges it with the {@link HealthRule} and sends what the
 * {@link AlertRule} says. The conditions announced are saved in the certificate's state
 * file before the alert goes out, so a restart never announces them again (an alert lost to
 * a crash at that very moment is the price of never flooding).
 */
public final class CertificateAlerts implements CheckListener {

    private static final System.Logger LOG = System.getLogger(CertificateAlerts.class.getName());

    private final ManagedCertificate certificate;
    private final HealthRule rule;
    private final AlertChannels channels;
    private final Clock clock;

    public CertificateAlerts(ManagedCertificate certificate, AlertSettings settings, AlertChannels channels,
                             Clock clock) {
        this.certificate = certificate;
        this.rule = HealthRule.forSettings(settings);
        this.channels = channels;
        this.clock = clock;
    }

    @Override
    public void afterCheck(Report report) {
        evaluate();
    }

    /** Judges the certificate now and sends the alerts due; returns them. */
    public synchronized List<Alert> evaluate() {
        CertificateStatus status = CertificateStatus.of(certificate, clock);
        Health health = rule.judge(status);
        RenewalStateStore stateFile = certificate.scheduler().stateStore();
        Set<AlertRule.Condition> before = AlertRule.parse(status.state().alerted());
        AlertRule.Step step = AlertRule.next(before, health);
        if (!step.changed(before)) {
            return List.of();
        }
        try {
            stateFile.update(s -> s.withAlerted(AlertRule.format(step.alerted())));
        } catch (IOException e) {
            // not saved: a restart may announce it again, which beats not announcing it now
            LOG.log(Level.WARNING, "Cannot save the alert state to {0}: {1}", stateFile.describe(), e.toString());
        }
        List<Alert> sent = new ArrayList<>();
        for (AlertEvent event : step.events()) {
            Alert alert = alert(event, status, health);
            channels.deliver(alert);
            sent.add(alert);
        }
        return sent;
    }

    /**
     * Announces that this node renews the certificate standalone, without the cluster's lease
     * (the cluster database has been unreachable for {@code acme.cluster.standalone_after}):
     * the admin should bring the database back. Sent each time, not saved.
     */
    public Alert standalone(String why) {
        CertificateStatus status = CertificateStatus.of(certificate, clock);
        Alert alert = alert(AlertEvent.STANDALONE, status, why);
        channels.deliver(alert);
        return alert;
    }

    private Alert alert(AlertEvent event, CertificateStatus status, Health health) {
        String who = "certificate " + status.id() + " " + status.names();
        String message = switch (event) {
            case FAILING, EXPIRING -> who + ": " + String.join("; ", health.problems());
            case RECOVERED -> who + " is fine again" + status.onDisk().map(d -> ": valid until "
                    + DateTimeFormatter.ISO_INSTANT.format(d.notAfter()) + " (" + status.daysLeft().orElseThrow()
                    + " days left)").orElse("");
            case STANDALONE -> who + " is renewed standalone";
        };
        return alert(event, status, message);
    }

    private static Alert alert(AlertEvent event, CertificateStatus status, String message) {
        return new Alert(event, status.id(), status.names(), status.certificatePath(), message, status.at(),
                status.daysLeft(), status.onDisk().map(CertificateStatus.OnDisk::notAfter),
                status.state().consecutiveFailures(), Optional.ofNullable(status.state().lastError()),
                Optional.ofNullable(status.state().lastErrorKind()), status.state().nextAttemptTime());
    }
}
