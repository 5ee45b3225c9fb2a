package dev.acmefilter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code acme.reload}: how the homeserver is told that a new certificate was written.
 *
 * <p>For Synapse's own certificate this is on by default: when {@code acme.reload} is absent
 * and Synapse's top-level {@code pid_file} is set, {@code HUP} goes to that process after each
 * new certificate, as Synapse's own ACME support made a renewal live without the admin doing
 * anything; {@code reload: false} switches it off. Before a signal is sent the process is
 * checked to be the homeserver (see {@code dev.acmefilter.reload.PidFileSignal}): a stale pid
 * file must never make us signal whatever process got its number since. Entries of
 * {@code acme.certificates} reload only when they say so.
 *
 * @param signal       the signal for the process in {@code pidFile}; empty with {@code signal: none}
 * @param pidFile      {@code acme.reload.pid_file}, else Synapse's top-level {@code pid_file}
 * @param command      a shell command run with {@code /bin/sh -c}
 * @param timeout      how long the command may run before it is killed
 * @param processMatch text the signalled process's command line must contain; empty: {@value #DEFAULT_PROCESS_MATCH}
 * @param env          names of this process's environment variables the command also gets
 */
public record ReloadSettings(Optional<ReloadSignal> signal, Optional<Path> pidFile, Optional<String> command,
        Duration timeout, Optional<String> processMatch, List<String> env) {

    public static final ReloadSignal DEFAULT_SIGNAL = ReloadSignal.HUP;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** What Synapse's command line always mentions ({@code python -m synapse.app.homeserver}). */
    public static final String DEFAULT_PROCESS_MATCH = "synapse";

    public ReloadSettings {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(pidFile, "pidFile");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(processMatch, "processMatch");
        env = List.copyOf(env);
        Bounds.requirePositiveTimeout(timeout);
        if (processMatch.isPresent() && processMatch.get().isBlank()) {
            throw new IllegalArgumentException("processMatch must not be blank");
        }
    }

    /** Settings without {@code process_match} (Synapse) and without pass-through variables. */
    public ReloadSettings(Optional<ReloadSignal> signal, Optional<Path> pidFile, Optional<String> command,
            Duration timeout) {
        this(signal, pidFile, command, timeout, Optional.empty(), List.of());
    }

    /** Whether a signal is sent: a signal and a pid file are both known. */
    public boolean signals() {
        return signal.isPresent() && pidFile.isPresent();
    }

    /** What the signalled process's command line must contain: {@code process_match}, else {@value #DEFAULT_PROCESS_MATCH}. */
    public String processMatchOrDefault() {
        return processMatch.orElse(DEFAULT_PROCESS_MATCH);
    }


    static final List<String> KEYS = List.of("signal", "pid_file", "command", "timeout", "process_match",
            PassThroughVariables.KEY);
    private static final String SIGNAL_EXPECTED = "one of " + ReloadSignal.acceptedNames() + ", or none";
    private static final String COMMAND_EXPECTED = "a shell command such as 'systemctl reload matrix-synapse'";
    private static final String MATCH_EXPECTED = "a word of the process's command line, such as 'nginx'";
    /** The section whose reload defaults to Synapse's pid file: {@code acme:} itself, not an entry. */
    private static final String SYNAPSE_SECTION = "acme";

    /**
     * {@code reload} of {@code owner} ({@code acme:} or an entry of {@code acme.certificates}).
     * An empty {@code reload:} means "the defaults"; {@code reload: false} means none. When
     * the key is absent, Synapse's own certificate ({@code acme:}) gets {@code HUP} to Synapse's
     * top-level {@code pid_file} if there is one; an entry gets nothing (it usually concerns
     * another server).
     */
    static Optional<ReloadSettings> parse(Section owner, Supplier<Optional<Path>> synapsePidFile) {
        if (!owner.has("reload")) {
            if (!owner.key().equals(SYNAPSE_SECTION)) {
                return Optional.empty();
            }
            return synapsePidFile.get().map(pid -> new ReloadSettings(Optional.of(DEFAULT_SIGNAL), Optional.of(pid),
                    Optional.empty(), DEFAULT_TIMEOUT));
        }
        Object value = owner.get("reload");
        if (isOff(value)) {
            return Optional.empty();
        }
        Section reload = owner.section("reload", "a mapping with " + String.join(", ", KEYS) + ", or false", KEYS);
        Optional<ReloadSignal> signal = signal(reload);
        Optional<Path> pidFile = Optional.ofNullable(reload.path("pid_file")).or(synapsePidFile);
        String command = reload.text("command", "the command is empty", COMMAND_EXPECTED);
        Duration timeout = reload.seconds("timeout", DEFAULT_TIMEOUT);
        String match = reload.text("process_match", "the text is empty", MATCH_EXPECTED);
        List<String> env = PassThroughVariables.parse(reload);
        if (command == null && (signal.isEmpty() || pidFile.isEmpty())) {
            throw owner.valueError("reload", signal.isEmpty() ? "signal is none and there is no command"
                    : "there is no pid file to signal and no command",
                    reload.key("pid_file") + " (or Synapse's top-level pid_file) or acme.reload.command");
        }
        return Optional.of(new ReloadSettings(signal, pidFile, Optional.ofNullable(command), timeout,
                Optional.ofNullable(match), env));
    }

    /** {@code reload: false}, and YAML 1.1's {@code off}/{@code no} (also quoted). */
    private static boolean isOff(Object value) {
        if (Boolean.FALSE.equals(value)) {
            return true;
        }
        return value instanceof String s && List.of("false", "no", "off").contains(s.trim().toLowerCase(Locale.ROOT));
    }

    private static Optional<ReloadSignal> signal(Section reload) {
        Object value = reload.get("signal");
        if (value == null) {
            return Optional.of(DEFAULT_SIGNAL);
        }
        if (Boolean.FALSE.equals(value)) {
            return Optional.empty(); // YAML 1.1 reads "signal: off" or "no" as false
        }
        String name = reload.string("signal", SIGNAL_EXPECTED);
        if (name.trim().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        return Optional.of(ReloadSignal.fromConfigName(name).orElseThrow(
                () -> reload.valueError("signal", Shown.quote(name) + " is not a reload signal", SIGNAL_EXPECTED)));
    }
}
