package dev.acmefilter.admin;

import dev.acmefilter.challenge.DirectoryChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ClusterSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.ConfigLocator;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.provision.AccountKeyRollover;
import dev.acmefilter.provision.CertificateRevocation;
import dev.acmefilter.provision.Delivery;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.provision.ProvisioningException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code acme-admin}: what an admin does by hand, from the same {@code homeserver.yaml} as the
 * running webapp and without restarting it. Renew now, revoke (then renew), roll the account
 * key over, and a dry run against a test CA into a folder of its own.
 *
 * <p>It runs in its own JVM, but the CA's http-01 requests reach the running webapp: the
 * command publishes its tokens as files in {@code <state_dir>/challenges/}, which the webapp
 * answers from after its own tokens ({@link DirectoryChallengeStore}). A lock file per
 * certificate in the state dir keeps it and the webapp's renewal loop from ordering the same
 * certificate twice; the webapp's next check reads whatever the command wrote.
 *
 * <p>Exit status: {@value #OK} done, {@value #FAILED} the operation failed (the CA refused,
 * the network failed; the message says why), {@value #USAGE} wrong command line or
 * configuration (the message names the option or setting).
 */
public final class AdminCommand {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: acme-admin [--config PATH] COMMAND [OPTIONS]

            Commands:
              status [--cert ID]          files, names, serial, expiry, days left and renewal state
                                          of each certificate (never any key material); exits 1 when
                                          a certificate is missing, unreadable or expired
              renew [--cert ID]           order a new certificate now and write it (the running
                                          webapp answers the CA's challenges)
                    [--dry-run [--directory URL] [--output DIR]]
                                          instead: a full order against a test CA (default: Let's
                                          Encrypt staging for Let's Encrypt, else acme.url), written
                                          to DIR (default <state_dir>/dry-run); production files
                                          are not touched, nothing is reloaded
              revoke [--cert ID] [--reason REASON] [--no-renew]
                                          revoke the certificate on disk, then order its replacement
                                          at once (not with --no-renew); REASON: unspecified (default),
                                          keyCompromise, superseded, cessationOfOperation,
                                          affiliationChanged
              rollover-account-key        give the ACME account a new key; the old one is kept as
                                          <account_key_file>.old

            Options:
              --config PATH   Synapse's config: a file or a folder of *.yaml files, or several
                              separated by ':' (default: $ACME_CONFIG, else Debian's
                              /etc/matrix-synapse/homeserver.yaml and conf.d/, else Docker's
                              /data/homeserver.yaml)
              --cert ID       the certificate: default (the one for server_name) or the id of
                              an acme.certificates entry; default: default, else the only one
              -h, --help      this text

            Exit status: 0 done, 1 the operation failed, 2 wrong command line or configuration.
            """;

    private final UnaryOperator<String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    /**
     * @param env environment variables ({@code System::getenv}); {@value ConfigLocator#ENV} is read
     * @param out where results go
     * @param err where errors go
     */
    public AdminCommand(UnaryOperator<String> env, PrintStream out, PrintStream err, Clock clock) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static void main(String[] args) {
        AdminLogging.install(System.err);
        int status = new AdminCommand(System::getenv, System.out, System.err, Clock.systemUTC()).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command; returns the exit status. */
    public int run(String... args) {
        try {
            CommandLine line = CommandLine.parse(args);
            if (line.help()) {
                out.print(USAGE_TEXT);
                return OK;
            }
            AcmeConfig settings = ConfigLoader.load(configFiles(line));
            if (!line.command().equals(CommandLine.STATUS) && !line.dryRun()) {
                warnWhenNotTheOwner(settings.stateDir());
            }
            return switch (line.command()) {
                case CommandLine.STATUS -> status(settings, line);
                case CommandLine.RENEW -> line.dryRun() ? dryRun(settings, line) : renew(settings, line);
                case CommandLine.REVOKE -> revoke(settings, line);
                case CommandLine.ROLLOVER -> rollover(settings);
                default -> throw new UsageException("unknown command " + line.command());
            };
        } catch (UsageException e) {
            err.println("acme-admin: " + e.getMessage());
            err.println("Run 'acme-admin --help' for the usage.");
            return USAGE;
        } catch (ConfigException e) {
            err.println("acme-admin: " + e.getMessage());
            return USAGE;
        } catch (ProvisioningException e) {
            err.println("acme-admin: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("acme-admin: interrupted");
            return FAILED;
        } catch (RuntimeException e) {
            err.println("acme-admin: " + e);
            return FAILED;
        }
    }

    /** {@code --config}, else where the webapp looks ({@link ConfigLocator}: acme.config, ACME_CONFIG, the usual layouts). */
    private List<Path> configFiles(CommandLine line) {
        if (line.config().isPresent()) {
            return ConfigLocator.split(line.config().get().toString());
        }
        return ConfigLocator.locate(name -> null, System::getProperty, env);
    }

    private int status(AcmeConfig settings, CommandLine line) {
        StatusReport report = new StatusReport(clock);
        List<String> ids = line.cert().map(List::of).orElseGet(() -> CertificateIds.ids(settings));
        boolean healthy = true;
        for (String id : ids) {
            healthy &= report.print(id, CertificateIds.resolve(settings, id), out);
        }
        report.printAccount(settings.account(), out);
        return healthy ? OK : FAILED;
    }

    private int renew(AcmeConfig settings, CommandLine line) throws ProvisioningException, InterruptedException {
        String id = line.cert().orElseGet(() -> CertificateIds.implied(settings));
        return renew(id, CertificateIds.resolve(settings, id), settings.cluster());
    }

    /** What a renewal does. */
    @FunctionalInterface
    private interface Renewal {
        ProvisionResult run() throws ProvisioningException, InterruptedException;
    }

    private int renew(String id, CertificateSettings cert, Optional<ClusterSettings> cluster)
            throws ProvisioningException, InterruptedException {
        if (cluster.isPresent()) {
            try (ClusterRenewal joined = ClusterRenewal.join(cluster.get(), cert, clock)) {
                return renew(id, cert, joined.provisioner(), joined::renewNow);
            }
        }
        Provisioner provisioner = new Provisioner(cert, DirectoryChallengeStore.inStateDir(cert.stateDir()), clock);
        try {
            return renew(id, cert, provisioner, provisioner::renewNow);
        } finally {
            provisioner.close();
        }
    }

    private int renew(String id, CertificateSettings cert, Provisioner provisioner, Renewal renewal)
            throws ProvisioningException, InterruptedException {
        ProvisionResult result;
        try {
            result = renewal.run();
        } catch (ProvisioningException e) {
            hintWhenTheCaCouldNotReachUs(e, cert);
            throw e;
        }
        X509Certificate leaf = result.leaf();
        if (result.outcome() == ProvisionResult.Outcome.KEPT) {
            out.println(id + ": kept " + cert.certificatePath() + " (serial " + leaf.getSerialNumber().toString(16)
                    + "): another process wrote it while this command waited; " + result.reason());
            return OK;
        }
        out.println(id + ": new certificate written to " + cert.certificatePath() + " and "
                + cert.privateKeyPath() + ": serial " + leaf.getSerialNumber().toString(16) + ", valid until "
                + leaf.getNotAfter().toInstant() + ", names " + String.join(", ", cert.domains()) + " ("
                + result.elapsed().toMillis() + " ms)");
        Optional<Delivery> delivery = provisioner.lastDelivery();
        if (delivery.isPresent()) {
            delivery.get().keystore().ifPresent(k -> out.println("  keystore: " + k));
            delivery.get().reload().ifPresent(r -> out.println("  reload: " + r.message()));
            delivery.get().verify().ifPresent(v -> out.println("  verification: " + v.message()));
            if (!delivery.get().ok()) {
                err.println("acme-admin: the certificate is written, but delivering it failed (see above)");
                return FAILED;
            }
        }
        return OK;
    }

    private int dryRun(AcmeConfig settings, CommandLine line) throws ProvisioningException, InterruptedException {
        String id = line.cert().orElseGet(() -> CertificateIds.implied(settings));
        CertificateSettings production = CertificateIds.resolve(settings, id);
        DryRun dry = DryRun.of(production, line.directory(), line.output());
        out.println(id + ": dry run against " + dry.directory() + " into " + dry.output()
                + "; production files are not touched");
        // the challenges still go where the running webapp answers them: in a cluster, the database
        ClusterRenewal joined = settings.cluster().map(c -> ClusterRenewal.join(c, production, clock)).orElse(null);
        Provisioner provisioner = new Provisioner(dry.settings(), joined != null ? joined.challenges()
                : DirectoryChallengeStore.inStateDir(production.stateDir()), clock);
        try {
            ProvisionResult result;
            try {
                result = provisioner.renewNow();
            } catch (ProvisioningException e) {
                hintWhenTheCaCouldNotReachUs(e, production);
                throw e;
            }
            X509Certificate leaf = result.leaf();
            out.println(id + ": dry run succeeded: certificate for " + String.join(", ", dry.settings().domains())
                    + " written to " + dry.settings().certificatePath() + ": serial "
                    + leaf.getSerialNumber().toString(16) + ", issuer " + leaf.getIssuerX500Principal().getName()
                    + ", valid until " + leaf.getNotAfter().toInstant() + " (" + result.elapsed().toMillis() + " ms)");
            return OK;
        } finally {
            provisioner.close();
            if (joined != null) {
                joined.close();
            }
        }
    }

    private int revoke(AcmeConfig settings, CommandLine line) throws ProvisioningException, InterruptedException {
        String id = line.cert().orElseGet(() -> CertificateIds.implied(settings));
        CertificateSettings cert = CertificateIds.resolve(settings, id);
        CertificateRevocation.Result revoked = CertificateRevocation.revoke(cert, line.reason());
        String serial = revoked.serial().toString(16);
        if (revoked.alreadyRevoked()) {
            out.println(id + ": " + cert.certificatePath() + " (serial " + serial + ") was already revoked");
        } else {
            out.println(id + ": revoked " + cert.certificatePath() + " (serial " + serial + ", reason "
                    + line.reason().label() + "), signed with the " + revoked.signedWith());
        }
        if (line.noRenew()) {
            out.println(id + ": no replacement ordered (--no-renew): the homeserver keeps serving the revoked"
                    + " certificate until one is written; run 'acme-admin renew' when ready");
            return OK;
        }
        try {
            return renew(id, cert, settings.cluster());
        } catch (ProvisioningException e) {
            throw new ProvisioningException("the certificate (serial " + serial + ") is revoked, but ordering its"
                    + " replacement failed: " + e.getMessage() + "; run 'acme-admin renew' again once that is fixed",
                    e);
        }
    }

    private int rollover(AcmeConfig settings) throws ProvisioningException, InterruptedException {
        if (settings.cluster().isPresent()) {
            throw new UsageException("rollover-account-key is not available in a cluster (acme.cluster is set): every"
                    + " node uses the cluster's account key, kept in its database, not " + settings.account()
                    .accountKeyFile() + ", and a new key would have to reach every node at once");
        }
        AccountKeyRollover.Result result = AccountKeyRollover.rollover(settings.account());
        out.println("account " + result.account() + ": new key written to " + result.keyFile()
                + " (mode 0600); the old key is kept in " + result.oldKeyFile()
                + ". The running webapp loads the new key at its next order.");
        return OK;
    }

    /**
     * Files this command creates in the state dir (state, lock) belong to whoever runs it; when
     * that is not the webapp's user, the webapp may not be able to use them.
     */
    private void warnWhenNotTheOwner(Path stateDir) {
        try {
            String owner = Files.getOwner(stateDir).getName();
            String me = System.getProperty("user.name");
            if (!owner.equals(me)) {
                err.println("acme-admin: warning: " + stateDir + " belongs to " + owner + ", but this runs as " + me
                        + ": files it creates there will be " + me + "'s; better run it as " + owner
                        + " (sudo -u " + owner + " ...)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no state dir yet, or no owners on this file system: nothing to warn about
        }
    }

    /** After a failed validation: the likely cause is that no webapp answers from the shared folder. */
    private void hintWhenTheCaCouldNotReachUs(ProvisioningException e, CertificateSettings settings) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("http-01 validation") || message.contains("Pre-flight")) {
            err.println("acme-admin: hint: the CA fetches the challenges from the running webapp, which answers them"
                    + " from " + DirectoryChallengeStore.inStateDir(settings.stateDir()).folder() + ": is acme.war"
                    + " running with this homeserver.yaml (as a user that can read that folder), and does port "
                    + "80 of " + String.join(", ", settings.domains()) + " reach it?");
        }
    }
}
