package dev.acmefilter.admin;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Words picocli's parse errors as {@code acme-admin} always did: one line that names the
 * option or argument and says what was expected (from {@link AdminOptions.Expects} and the
 * declared options), instead of picocli's generic wording. Only an error this class does not
 * know keeps picocli's own message, which names the option too.
 */
final class UsageErrors {

    /** The options every command takes. */
    static final List<String> GLOBAL = List.of("--config", "--help");

    private UsageErrors() {
    }

    static UsageException of(ParameterException e) {
        CommandLine where = e.getCommandLine();
        if (e instanceof OverwrittenOptionException overwritten) {
            return new UsageException(name(overwritten.getOverwritten()) + " is given twice");
        }
        if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
            ArgSpec option = missing.getMissing().get(0);
            return new UsageException(name(option) + " needs a value; expected " + expects(option));
        }
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return unmatched(unmatched.getUnmatched().get(0), where);
        }
        if (e.getArgSpec() instanceof OptionSpec option) {
            if (option.type() == boolean.class) {
                return new UsageException(name(option) + " takes no value");
            }
            if (e.getValue() != null && e.getValue().isBlank()) {
                return new UsageException(name(option) + " is empty; expected " + expects(option));
            }
            if (e.getCause() instanceof TypeConversionException wrong) {
                return new UsageException(name(option) + ": " + wrong.getMessage());
            }
        }
        return new UsageException(e.getMessage());
    }

    /** The names of the commands, in their order, for messages. */
    static String commands(CommandLine root) {
        return String.join(", ", root.getSubcommands().keySet());
    }

    /** An argument no option or command took: a wrong command, a stray word, an unknown option. */
    private static UsageException unmatched(String arg, CommandLine where) {
        boolean top = where.getParent() == null;
        if (!arg.startsWith("-")) {
            return new UsageException(top ? "unknown command '" + arg + "'; expected one of " + commands(where)
                    : "unexpected argument '" + arg + "' after the command " + where.getCommandName()
                    + "; options start with --");
        }
        int eq = arg.indexOf('=');
        String name = eq > 0 ? arg.substring(0, eq) : arg;
        CommandLine root = top ? where : where.getParent();
        List<String> owners = root.getSubcommands().values().stream()
                .filter(c -> c.getCommandSpec().findOption(name) != null).map(CommandLine::getCommandName).toList();
        if (top) {
            return new UsageException(owners.isEmpty()
                    ? "unknown option '" + name + "'; expected " + String.join(", ", GLOBAL)
                    : name + " is an option of " + String.join(", ", owners) + ": it goes after the command");
        }
        String expected = "; expected " + String.join(", ", optionsOf(where));
        return new UsageException(owners.isEmpty()
                ? "unknown option '" + name + "' for " + where.getCommandName() + expected
                : name + " is not an option of " + where.getCommandName() + expected);
    }

    /** The options of {@code command}: its own in their declared order, then the global ones. */
    private static List<String> optionsOf(CommandLine command) {
        List<String> names = new ArrayList<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!GLOBAL.contains(option.longestName())) {
                names.add(option.longestName());
            }
        }
        names.addAll(GLOBAL);
        return names;
    }

    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    /** What a value of {@code arg} must be, from its {@link AdminOptions.Expects}. */
    private static String expects(ArgSpec arg) {
        String expected = Optional.ofNullable(arg.userObject()).filter(AnnotatedElement.class::isInstance)
                .map(o -> ((AnnotatedElement) o).getAnnotation(AdminOptions.Expects.class))
                .map(AdminOptions.Expects::value).orElse("a value");
        if (arg.completionCandidates() != null) {
            List<String> candidates = new ArrayList<>();
            arg.completionCandidates().forEach(candidates::add);
            expected = expected.replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates));
        }
        return expected;
    }
}
