package dev.acmefilter.admin;

import dev.acmefilter.provision.CertificateRevocation;
import dev.acmefilter.safety.SharedFolderCheck;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed arguments of {@link AdminCommand}: one command, its options, and the global
 * {@code --config}. Options may come before or after the command, as {@code --name value}
 * or {@code --name=value}. Every mistake is a {@link UsageException} naming the option.
 *
 * @param command   status, renew, revoke or rollover-account-key (null with --help)
 * @param help      -h or --help was given
 * @param config    --config
 * @param cert      --cert (empty: the default certificate, or all of them for status)
 * @param dryRun    --dry-run
 * @param directory --directory (only with --dry-run)
 * @param output    --output (only with --dry-run)
 * @param reason    --reason (default unspecified)
 * @param noRenew   --no-renew
 * @param allowSharedFolders --allow-shared-folders: run as root even where other users can write
 */
public record CommandLine(String command, boolean help, Optional<Path> config, Optional<String> cert, boolean dryRun,
                          Optional<URI> directory, Optional<Path> output, CertificateRevocation.Reason reason,
                          boolean noRenew, boolean allowSharedFolders) {

    public static final String STATUS = "status";
    public static final String RENEW = "renew";
    public static final String REVOKE = "revoke";
    public static final String ROLLOVER = "rollover-account-key";

    /** The options each command takes, besides --config and --help. */
    private static final Map<String, List<String>> OPTIONS = new LinkedHashMap<>();
    static {
        OPTIONS.put(STATUS, List.of("--cert"));
        OPTIONS.put(RENEW, List.of("--cert", "--dry-run", "--directory", "--output"));
        OPTIONS.put(REVOKE, List.of("--cert", "--reason", "--no-renew"));
        OPTIONS.put(ROLLOVER, List.of());
    }
    private static final String ALLOW_SHARED = SharedFolderCheck.ALLOW_OPTION;
    private static final Set<String> FLAGS = Set.of("--dry-run", "--no-renew", "--help", "-h", ALLOW_SHARED);
    private static final Set<String> ALL = Set.of("--config", "--cert", "--dry-run", "--directory", "--output",
            "--reason", "--no-renew", "--help", "-h", ALLOW_SHARED);

    public static CommandLine parse(String... args) {
        String command = null;
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                if (command != null) {
                    throw new UsageException("unexpected argument '" + arg + "' after the command " + command
                            + "; options start with --");
                }
                if (!OPTIONS.containsKey(arg)) {
                    throw new UsageException("unknown command '" + arg + "'; expected one of " + commands());
                }
                command = arg;
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!ALL.contains(name)) {
                throw new UsageException("unknown option '" + name + "'" + (command == null ? "" : " for " + command)
                        + "; expected " + expectedFor(command));
            }
            if (FLAGS.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                value = "";
            } else if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException(name + " needs a value; expected " + valueOf(name));
                }
                value = args[++i];
            }
            if (values.put(name.equals("-h") ? "--help" : name, value) != null) {
                throw new UsageException(name + " is given twice");
            }
        }
        boolean help = values.containsKey("--help");
        if (command == null) {
            if (help) {
                return new CommandLine(null, true, Optional.empty(), Optional.empty(), false, Optional.empty(),
                        Optional.empty(), CertificateRevocation.Reason.UNSPECIFIED, false, false);
            }
            throw new UsageException("no command given; expected one of " + commands());
        }
        for (String name : values.keySet()) {
            if (!name.equals("--config") && !name.equals("--help") && !name.equals(ALLOW_SHARED)
                    && !OPTIONS.get(command).contains(name)) {
                throw new UsageException(name + " is not an option of " + command + "; expected "
                        + expectedFor(command));
            }
        }
        boolean dryRun = values.containsKey("--dry-run");
        for (String onlyDry : List.of("--directory", "--output")) {
            if (values.containsKey(onlyDry) && !dryRun) {
                throw new UsageException(onlyDry + " only goes with --dry-run (a dry run's CA and folder); a real"
                        + " renewal uses acme.url and the configured paths");
            }
        }
        Optional<Path> config = nonEmpty("--config", values.get("--config")).map(Path::of);
        Optional<String> cert = nonEmpty("--cert", values.get("--cert"));
        Optional<URI> directory = nonEmpty("--directory", values.get("--directory")).map(CommandLine::directoryUrl);
        Optional<Path> output = nonEmpty("--output", values.get("--output")).map(Path::of);
        CertificateRevocation.Reason reason = nonEmpty("--reason", values.get("--reason"))
                .map(r -> CertificateRevocation.Reason.of(r).orElseThrow(() -> new UsageException("--reason: '" + r
                        + "' is not a revocation reason; expected one of " + CertificateRevocation.Reason.labels())))
                .orElse(CertificateRevocation.Reason.UNSPECIFIED);
        return new CommandLine(command, help, config, cert, dryRun, directory, output, reason,
                values.containsKey("--no-renew"), values.containsKey(ALLOW_SHARED));
    }

    private static Optional<String> nonEmpty(String name, String value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            throw new UsageException(name + " is empty; expected " + valueOf(name));
        }
        return Optional.of(value.trim());
    }

    private static URI directoryUrl(String text) {
        String expected = "; expected the https:// URL of an ACME v2 directory, such as "
                + dev.acmefilter.config.AccountSettings.LETS_ENCRYPT_STAGING;
        try {
            URI uri = new URI(text);
            if (uri.isAbsolute() && uri.getHost() != null && "https".equalsIgnoreCase(uri.getScheme())) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UsageException("--directory: '" + text + "' is not an absolute https:// URL" + expected);
    }

    private static String valueOf(String option) {
        return switch (option) {
            case "--config" -> "the path of homeserver.yaml";
            case "--cert" -> "a certificate id such as default";
            case "--directory" -> "the https:// URL of an ACME v2 directory";
            case "--output" -> "a folder for the dry run's files";
            case "--reason" -> "one of " + CertificateRevocation.Reason.labels();
            default -> "a value";
        };
    }

    private static String commands() {
        return String.join(", ", OPTIONS.keySet());
    }

    private static String expectedFor(String command) {
        List<String> options = new ArrayList<>();
        if (command != null) {
            options.addAll(OPTIONS.get(command));
        }
        options.add("--config");
        options.add("--help");
        return String.join(", ", options);
    }
}
