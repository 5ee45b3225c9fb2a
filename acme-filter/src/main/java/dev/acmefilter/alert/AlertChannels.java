package dev.acmefilter.alert;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.provision.AcmeTrust;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Every configured way out for alerts ({@code acme.alerts.command}, {@code webhook}), plus
 * the log line that every alert gets even when neither is configured. Delivery never throws:
 * a failing command or an unreachable webhook is logged at WARNING and that is all, so an
 * alert can never get in the way of a renewal. Alerts are not retried: each state change is
 * announced once, and the log keeps the alerts that did not arrive.
 */
public final class AlertChannels implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AlertChannels.class.getName());

    private final List<AlertChannel> channels;

    AlertChannels(List<AlertChannel> channels) {
        this.channels = List.copyOf(channels);
    }

    /** The channels {@code acme.alerts} asks for; the webhook trusts the JVM's CAs plus {@code acme.ca_certificates}. */
    public static AlertChannels forSettings(AcmeConfig settings) {
        AlertSettings alerts = settings.alerts();
        List<AlertChannel> channels = new ArrayList<>();
        alerts.command().ifPresent(c -> channels.add(new CommandChannel(c, alerts.timeout(), alerts.env())));
        alerts.webhook().ifPresent(url -> channels.add(new WebhookChannel(url, alerts.timeout(),
                AcmeTrust.sslContext(settings.account().caCertificates()))));
        return new AlertChannels(channels);
    }

    /** Logs the alert and hands it to each channel; never throws. */
    public void deliver(Alert alert) {
        LOG.log(alert.event() == AlertEvent.RECOVERED ? Level.INFO : Level.WARNING, "Alert {0} for certificate {1}: {2}",
                alert.event().configName(), alert.certificateId(), alert.message());
        for (AlertChannel channel : channels) {
            try {
                channel.send(alert);
                LOG.log(Level.INFO, "Alert {0} for certificate {1} sent by the {2}", alert.event().configName(),
                        alert.certificateId(), channel.describe());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "The {0} could not deliver the {1} alert for certificate {2} (not retried): {3}",
                        channel.describe(), alert.event().configName(), alert.certificateId(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(Level.WARNING, "The {0} was interrupted while delivering the {1} alert for certificate {2}:"
                        + " the application is stopping", channel.describe(), alert.event().configName(),
                        alert.certificateId());
                return;
            }
        }
    }

    /** Stops the webhook's HTTP threads. */
    @Override
    public void close() {
        channels.forEach(AlertChannel::close);
    }
}
