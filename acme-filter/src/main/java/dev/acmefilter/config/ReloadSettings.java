package dev.acmefilter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
}
