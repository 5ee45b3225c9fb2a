package dev.acmefilter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code dns.command}: a program that changes DNS for us (a cloud provider's API, a
 * registrar), run as {@code <command> present|cleanup <fqdn> <txt-value>} without a shell.
 *
 * @param command the program, an absolute path (no arguments, no shell words)
 * @param timeout how long one run may take before it is killed (with all it started)
 */
public record HookSettings(Path command, Duration timeout) {

    /** How long one run may take when nothing is configured. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public HookSettings {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        if (!command.isAbsolute()) {
            throw new IllegalArgumentException("the DNS hook command must be an absolute path, not '" + command + "'");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the DNS hook timeout must be positive: " + timeout);
        }
    }

    /** The program with the default timeout. */
    public static HookSettings of(Path command) {
        return new HookSettings(command, DEFAULT_TIMEOUT);
    }
}
