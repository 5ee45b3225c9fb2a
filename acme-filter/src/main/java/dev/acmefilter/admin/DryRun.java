package dev.acmefilter.admin;

import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.config.CertificateSettings;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The settings of a dry run: the production settings with another CA and every file in a
 * folder of its own (its own account key, certificate, key, state and lock), and nothing
 * delivered (no keystore, reload, live verification or alert). The names, key type, contacts,
 * trusted CAs and pre-flight stay as configured, so the order is the real one in all but
 * its CA and its files.
 *
 * @param settings  what the dry run's provisioner works with
 * @param directory the CA asked
 * @param output    the folder its files go to
 */
public record DryRun(CertificateSettings settings, URI directory, Path output) {

    /** The folder under the state dir that a dry run writes to when {@code --output} is not given. */
    public static final String DEFAULT_FOLDER = "dry-run";

    /**
     * The CA a dry run asks when {@code --directory} is not given: Let's Encrypt's staging
     * directory instead of its production one (whose rate limits a test should not use up),
     * else the configured CA itself.
     */
    public static URI defaultDirectory(URI configured) {
        return configured.equals(AccountSettings.LETS_ENCRYPT) ? AccountSettings.LETS_ENCRYPT_STAGING : configured;
    }

    /**
     * @throws UsageException when {@code output} is a folder that holds production files
     */
    public static DryRun of(CertificateSettings production, Optional<URI> directory, Optional<Path> output) {
        URI ca = directory.orElseGet(() -> defaultDirectory(production.account().directoryUrl()));
        Path folder = output.map(p -> p.toAbsolutePath().normalize())
                .orElseGet(() -> production.stateDir().resolve(DEFAULT_FOLDER));
        for (Path file : List.of(production.certificatePath(), production.privateKeyPath(),
                production.account().accountKeyFile())) {
            if (file != null && folder.equals(file.getParent())) {
                throw new UsageException("--output: " + folder + " holds the production file " + file
                        + "; expected a folder of the dry run's own");
            }
        }
        if (folder.equals(production.stateDir())) {
            throw new UsageException("--output: " + folder + " is the production state folder (acme.state_dir);"
                    + " expected a folder of the dry run's own");
        }
        CertificateSettings.Builder b = production.toBuilder()
                .directoryUrl(ca)
                .accountKeyFile(folder.resolve("account.key"))
                .certificatePath(folder.resolve(production.certificatePath().getFileName()))
                .privateKeyPath(folder.resolve(production.privateKeyPath().getFileName()))
                .stateDir(folder)
                .reload(null)
                .verify(null)
                .keystore(null);
        if (!ca.equals(production.account().directoryUrl())) {
            b.eab(null); // an external account binding belongs to the configured CA
        }
        return new DryRun(b.build(), ca, folder);
    }
}
