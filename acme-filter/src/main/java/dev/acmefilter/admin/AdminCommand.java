package dev.acmefilter.admin;

import dev.acmefilter.challenge.DirectoryChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ClusterSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.ConfigLocator;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.dns.DnsSolver;
import dev.acmefilter.output.CertificatePairWriter;
import dev.acmefilter.provision.AccountKeyRollover;
import dev.acmefilter.provision.CertificateRevocation;
import dev.acmefilter.provision.Delivery;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.provision.ProvisioningException;
import dev.acmefilter.safety.SharedFolderCheck;

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
            AdminArguments line = AdminArguments.parse(args);
            if (line.help()) {
                out.print(AdminArguments.usage());
                return OK;
            }
            AcmeConfig settings = load(line.configs());
            if (!line.command().equals(AdminArguments.STATUS)) {
                SharedFolderCheck.refuseForRoot(settings, line.allowSharedFolders(), m -> err.println("acme-admin: " + m));
            }
            if (!line.command().equals(AdminArguments.STATUS) && !line.dryRun()) {
                warnWhenNotTheOwner(settings.stateDir());
            }
            return switch (line.command()) {
                case AdminArguments.STATUS -> status(settings, line);
                case AdminArguments.RENEW -> renew(settings, line);
                case AdminArguments.REVOKE -> revoke(settings, line);
                case AdminArguments.ROLLOVER -> rollover(settings);
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

    /**
     * The configuration in {@code configs} (every {@code --config}, each a path or several
     * separated by ':'), else where the webapp finds it ({@link ConfigLocator}: acme.config,
     * ACME_CONFIG, Debian's and Docker's layouts).
     */
    private AcmeConfig load(List<Path> configs) {
        return ConfigLoader.load(configs.isEmpty() ? ConfigLocator.locate(name -> null, System::getProperty, env)
                : configs.stream().flatMap(p -> ConfigLocator.split(p.toString()).stream()).toList());
    }

    private int status(AcmeConfig settings, AdminArguments line) {
        StatusReport report = new StatusReport(clock);
        List<String> ids = line.cert().map(List::of).orElseGet(() -> CertificateIds.ids(settings));
        boolean healthy = true;
        for (String id : ids) {
            healthy &= report.print(id, CertificateIds.resolve(settings, id), out);
        }
        report.printAccount(settings.account(), out);
        return healthy ? OK : FAILED;
    }

    /** {@code renew}, and {@code renew --dry-run}: the same order, the latter with its own CA and files. */
    private int renew(AcmeConfig settings, AdminArguments line) throws ProvisioningException, InterruptedException {
        String id = line.cert().orElseGet(() -> CertificateIds.implied(settings));
        CertificateSettings production = CertificateIds.resolve(settings, id);
        if (!line.dryRun()) {
            return order(id, production, Optional.empty(), settings.cluster());
        }
        DryRun dry = DryRun.of(production, line.directory(), line.output());
        out.println(id + ": dry run against " + dry.directory() + " into " + dry.output()
                + "; production files are not touched");
        return order(id, production, Optional.of(dry), settings.cluster());
    }

    /**
     * The one path of {@code renew}, {@code renew --dry-run} and the replacement after
     * {@code revoke}: orders a certificate now (for {@code production}, or the dry run's
     * settings), answering the CA's challenges through the running webapp, and prints what
     * was written, and for a real renewal how it was delivered. In a cluster the command joins
     * it for the time of the order ({@link ClusterRenewal}): a renewal orders under the
     * certificate's lease, and every node answers the challenges from the database.
     */
    private int order(String id, CertificateSettings production, Optional<DryRun> dry,
                      Optional<ClusterSettings> cluster) throws ProvisioningException, InterruptedException {
        CertificateSettings cert = dry.map(DryRun::settings).orElse(production);
        ClusterRenewal joined = cluster.map(c -> ClusterRenewal.join(c, production, clock)).orElse(null);
        // a dry run's challenges too go where the running webapp answers them (http-01; in a cluster the
        // database), or into the production state folder's journal of dns-01 records, which the webapp sweeps
        Provisioner provisioner = joined != null && dry.isEmpty() ? joined.provisioner()
                : new Provisioner(cert, joined != null ? joined.challenges()
                        : DirectoryChallengeStore.inStateDir(production.stateDir()),
                        production.challenge().dns01().map(d -> DnsSolver.create(d, production.stateDir())), clock);
        try {
            ProvisionResult result;
            try {
                result = joined != null && dry.isEmpty() ? joined.renewNow() : provisioner.renewNow();
            } catch (ProvisioningException e) {
                ChallengeHint.after(e, production).ifPresent(hint -> err.println("acme-admin: hint: " + hint));
                throw e;
            }
            X509Certificate leaf = result.leaf();
            String serial = leaf.getSerialNumber().toString(16);
            if (dry.isPresent()) {
                out.println(id + ": dry run succeeded: certificate for " + String.join(", ", cert.domains())
                        + " written to " + cert.certificatePath() + ": serial " + serial + ", issuer "
                        + leaf.getIssuerX500Principal().getName() + ", valid until " + leaf.getNotAfter().toInstant()
                        + " (" + result.elapsed().toMillis() + " ms)");
                return OK;
            }
            if (result.outcome() == ProvisionResult.Outcome.KEPT) {
                out.println(id + ": kept " + cert.certificatePath() + " (serial " + serial + "): another process"
                        + " wrote it while this command waited; " + result.reason());
                return OK;
            }
            out.println(id + ": new certificate written to " + cert.certificatePath() + " and "
                    + cert.privateKeyPath() + ": serial " + serial + ", valid until " + leaf.getNotAfter().toInstant()
                    + ", names " + String.join(", ", cert.domains()) + " (" + result.elapsed().toMillis() + " ms)");
            return printDelivery(provisioner.lastDelivery());
        } finally {
            if (joined != null) {
                joined.close(); // closes its own provisioner
            }
            if (joined == null || dry.isPresent()) {
                provisioner.close();
            }
        }
    }

    /** The keystore, reload and verification after a new certificate; {@link #FAILED} when one failed. */
    private int printDelivery(Optional<Delivery> delivery) {
        if (delivery.isEmpty()) {
            return OK;
        }
        delivery.get().keystore().ifPresent(k -> out.println("  keystore: " + k));
        delivery.get().reload().ifPresent(r -> out.println("  reload: " + r.message()));
        delivery.get().verify().ifPresent(v -> out.println("  verification: " + v.message()));
        if (!delivery.get().ok()) {
            err.println("acme-admin: the certificate is written, but delivering it failed (see above)");
            return FAILED;
        }
        return OK;
    }

    private int revoke(AcmeConfig settings, AdminArguments line) throws ProvisioningException, InterruptedException {
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
        try {
            if (line.noRenew()) {
                out.println(id + ": no replacement ordered (--no-renew): the homeserver keeps serving the revoked"
                        + " certificate until one is written; run 'acme-admin renew' when ready");
                return OK;
            }
            // a compromised key is never reused, whatever acme.keep_key says
            return order(id, line.reason() == CertificateRevocation.Reason.KEY_COMPROMISE
                    ? cert.toBuilder().keepKey(false).build() : cert, Optional.empty(), settings.cluster());
        } catch (ProvisioningException e) {
            ProvisioningException.Builder replacement = ProvisioningException.builder(e.kind(), "the certificate"
                    + " (serial " + serial + ") is revoked, but ordering its replacement failed: " + e.getMessage()
                    + "; run 'acme-admin renew' again once that is fixed").cause(e);
            e.problem().ifPresent(replacement::problem);
            throw replacement.build();
        } finally {
            if (line.reason() == CertificateRevocation.Reason.KEY_COMPROMISE) {
                removeKeyBackups(id, cert, revoked.certificate());
            }
        }
    }

    /** After a revocation for key compromise (and its renewal, which backs the old pair up): no copy of that key stays. */
    private void removeKeyBackups(String id, CertificateSettings cert, X509Certificate revoked) {
        try {
            List<Path> removed = CertificatePairWriter.forSettings(cert, clock).removeKeyBackups(revoked);
            out.println(id + ": " + (removed.isEmpty() ? "no backup of the compromised key to remove" : "removed "
                    + removed.size() + (removed.size() == 1 ? " backup" : " backups") + " of the compromised key: "
                    + String.join(", ", removed.stream().map(Path::toString).toList())));
        } catch (IOException e) {
            err.println("acme-admin: warning: cannot remove the backups of the compromised key beside "
                    + cert.privateKeyPath() + ": " + e.getMessage());
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
}
