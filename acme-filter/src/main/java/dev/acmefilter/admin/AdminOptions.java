package dev.acmefilter.admin;

import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.provision.CertificateRevocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.TypeConversionException;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code acme-admin}, declared once for picocli: the commands, and
 * each option with its help text and, in {@link Expects}, what its value must be. The
 * parsing ({@link AdminArguments#parse}), the usage text ({@link AdminArguments#usage}) and the error
 * messages ({@link UsageErrors}) are all made from these declarations, so an option is
 * added here and nowhere else. Options of a command come after it; {@code --config} and
 * {@code --help} go anywhere. Help texts are given line by line, each short enough for the
 * usage's width: picocli's own wrapping would break {@code acme.certificates} at its dot.
 */
@Command(name = "acme-admin", sortOptions = false, customSynopsis = "acme-admin [--config PATH] COMMAND [OPTIONS]",
        subcommands = {AdminOptions.Status.class, AdminOptions.Renew.class, AdminOptions.Revoke.class,
            AdminOptions.Rollover.class},
        description = {"What an admin does by hand, from the same homeserver.yaml as the running webapp",
            "and without restarting it."})
final class AdminOptions {

    @Mixin
    ConfigOption config;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "this text")
    boolean help;

    /** What a value of the option must be, as the messages about a wrong or missing one say. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Expects {
        String value();
    }

    /**
     * {@code --config}, global: accepted before and after the command, and repeatable (a
     * config in several files or folders, read and merged as Synapse does).
     */
    static final class ConfigOption {
        @Expects("the path of homeserver.yaml")
        @Option(names = "--config", paramLabel = "PATH", description = {"Synapse's config: a file, or a folder",
            "of *.yaml files; repeat it (or separate", "paths with ':') for several, read in order",
            "as Synapse reads them. Default: $ACME_CONFIG,", "else Debian's /etc/matrix-synapse/",
            "homeserver.yaml and conf.d/, else", "Docker's /data/homeserver.yaml"})
        List<Path> paths = new ArrayList<>();

        @Option(names = "--allow-shared-folders", description = {"run as root even where another user or group",
            "can write the config or a folder written to"})
        boolean allowSharedFolders;
    }

    /** {@code --cert}: the certificate a command acts on. */
    static final class CertOption {
        @Expects("a certificate id such as default")
        @Option(names = "--cert", paramLabel = "ID", description = {"the certificate: default (for server_name),"
            + " or the id of an entry", "of acme.certificates; without it: default, else the only one"})
        String id;
    }

    @Command(name = AdminArguments.STATUS, sortOptions = false, header = "show each certificate: files, names,"
        + " serial, expiry, renewal state", description = {"Never any key material. Exits 1 when a certificate is"
        + " missing, unreadable or expired."})
    static final class Status {
        @Mixin
        CertOption cert;
        @Mixin
        ConfigOption config;
    }

    @Command(name = AdminArguments.RENEW, sortOptions = false, header = "order a new certificate now and write it",
        description = {"The running webapp answers the CA's challenges. The certificate is then delivered",
            "(keystore, reload, verification) as configured; exits 1 when that fails."})
    static final class Renew {
        @Mixin
        CertOption cert;

        @Option(names = "--dry-run", description = {"instead: a full order against a test CA, written to a folder"
            + " of its own;", "production files are not touched, nothing is reloaded"})
        boolean dryRun;

        @Expects("the https:// URL of an ACME v2 directory")
        @Option(names = "--directory", paramLabel = "URL", converter = DirectoryUrl.class, description = {"with"
            + " --dry-run: the CA (default: Let's Encrypt staging for Let's", "Encrypt, else acme.url)"})
        URI directory;

        @Expects("a folder for the dry run's files")
        @Option(names = "--output", paramLabel = "DIR", description = "with --dry-run: where its files go"
                + " (default: <state_dir>/dry-run)")
        Path output;

        @Mixin
        ConfigOption config;
    }

    @Command(name = AdminArguments.REVOKE, sortOptions = false, header = "revoke the certificate on disk, then"
        + " order its replacement", description = {"Signed with the account key, else with the certificate's own"
        + " key. The replacement", "is ordered at once, unless --no-renew."})
    static final class Revoke {
        @Mixin
        CertOption cert;

        @Expects("one of ${COMPLETION-CANDIDATES}")
        @Option(names = "--reason", paramLabel = "REASON", converter = ReasonLabel.class,
                completionCandidates = ReasonLabel.class, description = {"why (default: unspecified), one of:",
                    "${COMPLETION-CANDIDATES}"})
        CertificateRevocation.Reason reason = CertificateRevocation.Reason.UNSPECIFIED;

        @Option(names = "--no-renew", description = {"revoke only; the homeserver keeps serving the revoked"
            + " certificate", "until one is written"})
        boolean noRenew;

        @Mixin
        ConfigOption config;
    }

    @Command(name = AdminArguments.ROLLOVER, header = "give the ACME account a new key", description = {"The"
        + " old key is kept as <account_key_file>.old; the running webapp loads the new", "key at its next"
        + " order."})
    static final class Rollover {
        @Mixin
        ConfigOption config;
    }

    /**
     * {@code text} without surrounding blanks; a blank value is refused (with no message of
     * its own: {@link UsageErrors} says the option is empty and what it expects).
     */
    static String nonBlank(String text) {
        if (text.isBlank()) {
            throw new TypeConversionException("");
        }
        return text.trim();
    }

    /** {@code --directory}: an absolute https:// URL, as an ACME directory must be. */
    static final class DirectoryUrl implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String text) {
            text = nonBlank(text);
            try {
                URI uri = new URI(text);
                if (uri.isAbsolute() && uri.getHost() != null && "https".equalsIgnoreCase(uri.getScheme())) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new TypeConversionException("'" + text + "' is not an absolute https:// URL; expected the https://"
                    + " URL of an ACME v2 directory, such as " + AccountSettings.LETS_ENCRYPT_STAGING);
        }
    }

    /** {@code --reason}: a revocation reason by its RFC 5280 name. */
    static final class ReasonLabel implements CommandLine.ITypeConverter<CertificateRevocation.Reason>,
            Iterable<String> {
        @Override
        public CertificateRevocation.Reason convert(String text) {
            String label = nonBlank(text);
            return CertificateRevocation.Reason.of(label).orElseThrow(() -> new TypeConversionException("'" + label
                    + "' is not a revocation reason; expected one of " + CertificateRevocation.Reason.labels()));
        }

        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(CertificateRevocation.Reason.values())
                    .map(CertificateRevocation.Reason::label).iterator();
        }
    }
}
