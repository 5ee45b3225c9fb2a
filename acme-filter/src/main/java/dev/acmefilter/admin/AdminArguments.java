package dev.acmefilter.admin;

import dev.acmefilter.provision.CertificateRevocation;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parsed arguments of {@link AdminCommand}: one command, its options, and the global
 * {@code --config}. picocli parses them from the declarations in {@link AdminOptions};
 * every mistake is a {@link UsageException} naming the option ({@link UsageErrors}).
 *
 * @param command   status, renew, revoke or rollover-account-key (null with --help alone)
 * @param help      -h or --help was given
 * @param configs   every --config, in the order given (empty: the default lookup)
 * @param cert      --cert (empty: the default certificate, or all of them for status)
 * @param dryRun    --dry-run
 * @param directory --directory (only with --dry-run)
 * @param output    --output (only with --dry-run)
 * @param reason    --reason (default unspecified)
 * @param noRenew   --no-renew
 * @param allowSharedFolders --allow-shared-folders: run as root even where other users can write
 */
public record AdminArguments(String command, boolean help, List<Path> configs, Optional<String> cert,
                             boolean dryRun, Optional<URI> directory, Optional<Path> output,
                             CertificateRevocation.Reason reason, boolean noRenew, boolean allowSharedFolders) {

    public static final String STATUS = "status";
    public static final String RENEW = "renew";
    public static final String REVOKE = "revoke";
    public static final String ROLLOVER = "rollover-account-key";

    public AdminArguments {
        configs = List.copyOf(configs);
    }

    /**
     * Parses {@code args}.
     *
     * @throws UsageException naming the option or argument that is wrong, and what was expected
     */
    public static AdminArguments parse(String... args) {
        CommandLine line = commandLine();
        ParseResult result;
        try {
            result = line.parseArgs(args);
        } catch (ParameterException e) {
            throw UsageErrors.of(e);
        }
        List<Path> configs = new ArrayList<>(((AdminOptions) line.getCommand()).config.paths);
        ParseResult command = result.subcommand();
        if (command == null) {
            if (result.isUsageHelpRequested()) {
                return new AdminArguments(null, true, configs, Optional.empty(), false, Optional.empty(),
                        Optional.empty(), CertificateRevocation.Reason.UNSPECIFIED, false, false);
            }
            throw new UsageException("no command given; expected one of " + UsageErrors.commands(line));
        }
        Object options = command.commandSpec().userObject();
        AdminOptions.ConfigOption global = (AdminOptions.ConfigOption) command.commandSpec().mixins().get("config")
                .userObject();
        configs.addAll(global.paths);
        boolean allowSharedFolders = ((AdminOptions) line.getCommand()).config.allowSharedFolders
                || global.allowSharedFolders;
        String cert = null;
        AdminOptions.Renew renew = new AdminOptions.Renew();
        AdminOptions.Revoke revoke = new AdminOptions.Revoke();
        if (options instanceof AdminOptions.Status status) {
            cert = status.cert.id;
        } else if (options instanceof AdminOptions.Renew given) {
            renew = given;
            cert = renew.cert.id;
        } else if (options instanceof AdminOptions.Revoke given) {
            revoke = given;
            cert = revoke.cert.id;
        }
        if (!renew.dryRun) {
            String onlyDry = renew.directory != null ? "--directory" : renew.output != null ? "--output" : null;
            if (onlyDry != null) {
                throw new UsageException(onlyDry + " only goes with --dry-run (a dry run's CA and folder); a real"
                        + " renewal uses acme.url and the configured paths");
            }
        }
        boolean help = result.isUsageHelpRequested() || command.isUsageHelpRequested();
        return new AdminArguments(command.commandSpec().name(), help, configs,
                Optional.ofNullable(cert), renew.dryRun, Optional.ofNullable(renew.directory),
                Optional.ofNullable(renew.output), revoke.reason, revoke.noRenew, allowSharedFolders);
    }

    /**
     * The help text: the synopsis, the global options and the commands, then every command
     * with its own options, then the exit statuses; all generated from {@link AdminOptions}.
     */
    public static String usage() {
        CommandLine line = commandLine();
        StringBuilder text = new StringBuilder(line.getUsageMessage()).append("\nEach command and its options:\n");
        for (CommandLine command : line.getSubcommands().values()) {
            CommandLine.Help help = command.getHelp();
            List<CommandLine.Model.OptionSpec> own = command.getCommandSpec().options().stream()
                    .filter(o -> !UsageErrors.GLOBAL.contains(o.longestName())).toList();
            text.append('\n').append(help.synopsis(0)).append(help.description())
                    .append(help.optionListExcludingGroups(own));
        }
        return text.append("\nExit status: 0 done, 1 the operation failed, 2 wrong command line or configuration.\n")
                .toString();
    }

    /** picocli's parser for {@link AdminOptions}, with the value checks every option shares. */
    private static CommandLine commandLine() {
        CommandLine line = new CommandLine(new AdminOptions());
        line.setExpandAtFiles(false); // "@file" is a value like any other, never a file of arguments to read
        line.setUsageHelpWidth(100);
        line.registerConverter(String.class, AdminOptions::nonBlank);
        line.registerConverter(Path.class, text -> Path.of(AdminOptions.nonBlank(text)));
        return line;
    }
}
