package dev.acmefilter.war;

import dev.acmefilter.alert.AlertChannels;
import dev.acmefilter.alert.CertificateAlerts;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.provision.CertificateFleet;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.safety.SharedFolderCheck;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Starts the provisioner when the webapp starts and stops it when the webapp stops.
 *
 * <p>The configuration is read and checked while the application scope starts, so a
 * missing or invalid {@code homeserver.yaml} fails the deployment and the container's log
 * shows the message; config files and folders that another user can change are logged as
 * warnings ({@link SharedFolderCheck}). With {@code acme.enabled: false} the webapp only
 * serves challenges.
 */
@ApplicationScoped
public class AcmeBootstrap {

    private static final System.Logger LOG = System.getLogger(AcmeBootstrap.class.getName());

    @Inject
    Instance<AcmeConfig> settings;

    @Inject
    Instance<CertificateFleet> fleet;

    @Inject
    ClusterProducer cluster;

    private CertificateFleet running;
    private AlertChannels alerts;

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (!(event instanceof ServletContext context)) {
            return;
        }
        AcmeConfig loaded = settings.get();
        SharedFolderCheck.forThisProcess().logFindings(loaded);
        if (!loaded.enabled()) {
            LOG.log(Level.INFO, "acme.enabled is false in {0}: serving ACME challenges at {1} only; "
                    + "no certificate will be ordered", loaded.describeFiles(), context.getContextPath()
                    + "/.well-known/acme-challenge/");
            return;
        }
        CertificateFleet all = fleet.get();
        for (ManagedCertificate certificate : all.certificates()) {
            CertificateSettings one = certificate.provisioner().settings();
            LOG.log(Level.INFO, "Keeping the certificate {0} for {1} at {2} valid, from {3}", certificate.id(),
                    one.domains(), one.certificatePath(), one.account().directoryUrl());
        }
        alerts = AlertChannels.forSettings(loaded);
        java.util.Map<String, CertificateAlerts> byId = new java.util.HashMap<>();
        for (ManagedCertificate certificate : all.certificates()) {
            CertificateAlerts watch = new CertificateAlerts(certificate, loaded.alerts(), alerts, Clock.systemUTC());
            certificate.scheduler().addListener(watch);
            byId.put(certificate.id(), watch);
        }
        cluster.node().ifPresent(node -> node.onStandalone((settings, why) -> {
            CertificateAlerts watch = byId.get(settings.id());
            if (watch != null) {
                watch.standalone(why);
            }
        }));
        all.start();
        running = all;
    }

    /** The certificates kept valid (empty when ACME is disabled). */
    public List<ManagedCertificate> certificates() {
        return running == null ? List.of() : running.certificates();
    }

    /** The running certificates, when ACME is enabled. */
    public Optional<CertificateFleet> fleet() {
        return Optional.ofNullable(running);
    }

    @PreDestroy
    void stop() {
        if (running != null) {
            running.close();
            LOG.log(Level.INFO, "Certificate checks stopped");
        }
        cluster.close(); // after the checks, which use it
        if (alerts != null) {
            alerts.close();
        }
    }
}
