package dev.acmefilter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code acme.reload}: how the homeserver is told that a new certificate was written.
 * Present only when the admin asked for it, so that an upgrade never starts signalling a
 * process from an old {@code pid_file} line on its own.
 *
 * @param signal  the signal for the process in {@code pidFile}; empty with {@code signal: none}
 * @param pidFile {@code acme.reload.pid_file}, else Synapse's top-level {@code pid_file}
 * @param command a shell command run with {@code /bin/sh -c}
 * @param timeout how long the command may run before it is killed
 */
public record ReloadSettings(Optional<ReloadSignal> signal, Optional<Path> pidFile, Optional<String> command,
        Duration timeout) {

    public static final ReloadSignal DEFAULT_SIGNAL = ReloadSignal.HUP;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public ReloadSettings {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(pidFile, "pidFile");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** Whether a signal is sent: a signal and a pid file are both known. */
    public boolean signals() {
        return signal.isPresent() && pidFile.isPresent();
    }


    static final List<String> KEYS = List.of("signal", "pid_file", "command", "timeout");
    private static final String SIGNAL_EXPECTED = "one of " + ReloadSignal.acceptedNames() + ", or none";
    private static final String COMMAND_EXPECTED = "a shell command such as 'systemctl reload matrix-synapse'";

    /**
     * {@code reload} of {@code owner} ({@code acme:} or an entry of {@code acme.certificates}),
     * only when the key is there (an empty {@code reload:} means "the defaults"): never signal a
     * process just because Synapse's config names a pid file. The pid file defaults to
     * Synapse's own top-level {@code pid_file}.
     */
    static Optional<ReloadSettings> parse(Section owner, Supplier<Optional<Path>> synapsePidFile) {
        if (!owner.has("reload")) {
            return Optional.empty();
        }
        Section reload = owner.section("reload", "a mapping with " + String.join(", ", KEYS), KEYS);
        Optional<ReloadSignal> signal = signal(reload);
        Optional<Path> pidFile = Optional.ofNullable(reload.path("pid_file")).or(synapsePidFile);
        String command = reload.text("command", "the command is empty", COMMAND_EXPECTED);
        Duration timeout = reload.seconds("timeout", DEFAULT_TIMEOUT);
        if (command == null && (signal.isEmpty() || pidFile.isEmpty())) {
            throw owner.valueError("reload", signal.isEmpty() ? "signal is none and there is no command"
                    : "there is no pid file to signal and no command",
                    reload.key("pid_file") + " (or Synapse's top-level pid_file) or acme.reload.command");
        }
        return Optional.of(new ReloadSettings(signal, pidFile, Optional.ofNullable(command), timeout));
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
