package dev.acmefilter.alert;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.testing.CertificateFixture;

/**
 * The steps the alert tests share: a certificate's renewal loop watched by {@link CertificateAlerts},
 * and checks that fail again and again on the fixture's simulated clock.
 */
final class AlertSteps {

    private AlertSteps() {
    }

    /** Lets {@code channels} hear of the state changes of {@code f}'s certificate, judged by {@code alerts}. */
    static void listen(CertificateFixture f, AlertSettings alerts, AlertChannels channels) {
        f.scheduler.addListener(new CertificateAlerts(f.certificate, alerts, channels, f.clock));
    }

    /**
     * Writes a certificate valid for 90 days and alerts through the channels {@code alerts} configures,
     * as the webapp builds them from its config; the caller closes the returned channels.
     */
    static AlertChannels watchThroughConfiguredChannels(CertificateFixture f, AlertSettings alerts) throws Exception {
        f.writeCertificate(90);
        AlertChannels channels = AlertChannels.forSettings(AcmeConfig.builder().certificate(f.settings)
                .alerts(alerts).build());
        listen(f, alerts, channels);
        return channels;
    }

    /** Runs failing checks at the times the backoff plans, {@code n} of them. */
    static void failChecks(CertificateFixture f, int n) throws Exception {
        f.nextCheck(CertificateFixture.Next.FAIL);
        for (int i = 0; i < n; i++) {
            f.clock.set(f.check());
        }
    }
}
