package dev.acmefilter.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code acme.alerts}: when the admin hears about a certificate in trouble, and how, without
 * relying on the CA's expiry e-mails (Let's Encrypt stopped sending them in 2025). The two
 * thresholds also decide when {@code /acme/health} turns unhealthy, with or without a
 * command or webhook.
 *
 * @param command        a shell command run with {@code /bin/sh -c} for each alert
 * @param webhook        an http(s) URL that gets each alert as a JSON POST; its path may hold
 *                       a secret token, so only its scheme, host and port are ever logged
 * @param afterFailures  consecutive failed checks before the {@code failing} alert
 * @param warningWindow  time left before expiry that starts the {@code expiring} alert (at
 *                       most half the renewal window: short-lived certificates warn later)
 * @param timeout        how long the command or the webhook may take
 */
public record AlertSettings(Optional<String> command, Optional<URI> webhook, int afterFailures, Duration warningWindow,
                            Duration timeout) {

    public static final int DEFAULT_AFTER_FAILURES = 3;
    public static final Duration DEFAULT_WARNING_DAYS = Duration.ofDays(14);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final AlertSettings DEFAULTS = new AlertSettings(Optional.empty(), Optional.empty(),
            DEFAULT_AFTER_FAILURES, DEFAULT_WARNING_DAYS, DEFAULT_TIMEOUT);

    public AlertSettings {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(warningWindow, "warningWindow");
        Objects.requireNonNull(timeout, "timeout");
        if (afterFailures < 1) {
            throw new IllegalArgumentException("afterFailures must be 1 or more: " + afterFailures);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** The webhook as it may be logged: scheme, host and port, never the path or query (they may hold a token). */
    public static String redacted(URI webhook) {
        return webhook.getScheme() + "://" + webhook.getHost() + (webhook.getPort() < 0 ? "" : ":" + webhook.getPort())
                + "/...";
    }
}
