package dev.acmefilter.config;

import dev.acmefilter.net.AddressRange;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * {@code acme.alerts}: when the admin hears about a certificate in trouble, and how, without
 * relying on the CA's expiry e-mails (Let's Encrypt stopped sending them in 2025). The two
 * thresholds also decide when {@code /acme/health} turns unhealthy, with or without a
 * command or webhook.
 *
 * @param command        a shell command run with {@code /bin/sh -c} for each alert
 * @param webhook        an https URL (http only to a loopback address) that gets each alert as
 *                       a JSON POST; its path may hold a secret token, so only its scheme, host
 *                       and port are ever logged, and {@link #toString()} hides the rest
 * @param afterFailures  consecutive failed checks before the {@code failing} alert
 * @param warningWindow  time left before expiry that starts the {@code expiring} alert (at
 *                       most half the renewal window: short-lived certificates warn later)
 * @param timeout        how long the command or the webhook may take
 * @param env            names of this process's environment variables the command also gets
 */
public record AlertSettings(Optional<String> command, Optional<URI> webhook, int afterFailures, Duration warningWindow,
                            Duration timeout, List<String> env) {

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
        env = List.copyOf(env);
        if (afterFailures < 1) {
            throw new IllegalArgumentException("afterFailures must be 1 or more: " + afterFailures);
        }
        Bounds.requirePositiveTimeout(timeout);
    }

    /** Settings without pass-through variables. */
    public AlertSettings(Optional<String> command, Optional<URI> webhook, int afterFailures, Duration warningWindow,
                         Duration timeout) {
        this(command, webhook, afterFailures, warningWindow, timeout, List.of());
    }

    /** Keeps the webhook's path and query (a token, often) out of logs and messages. */
    @Override
    public String toString() {
        return "AlertSettings[command=" + command + ", webhook=" + webhook.map(AlertSettings::redacted)
                + ", afterFailures=" + afterFailures + ", warningWindow=" + warningWindow + ", timeout=" + timeout
                + ", env=" + env + "]";
    }

    /** The webhook as it may be logged: scheme, host and port, never the path or query (they may hold a token). */
    public static String redacted(URI webhook) {
        return webhook.getScheme() + "://" + webhook.getHost() + (webhook.getPort() < 0 ? "" : ":" + webhook.getPort())
                + "/...";
    }


    static final List<String> KEYS = List.of("command", "webhook", "after_failures", "warning_days", "timeout",
            PassThroughVariables.KEY);
    static final String COMMAND_EXPECTED = "a shell command such as '/usr/local/bin/notify-admin'";
    static final String WEBHOOK_EXPECTED = "an absolute https:// URL (http:// only to 127.0.0.1 or [::1]) that"
            + " accepts a JSON POST";
    static final String FAILURES_EXPECTED = "a whole number of failed checks from 1 to 100";
    static final String DAYS_EXPECTED = "a whole number of days from 1 to 365";

    /**
     * {@code acme.alerts}; absent, the defaults. The webhook's path and query are never put
     * into a message: chat services put their secret token there.
     */
    static AlertSettings parse(Section acme) {
        if (acme.get("alerts") == null) {
            return DEFAULTS;
        }
        Section alerts = acme.section("alerts", "a mapping with " + String.join(", ", KEYS), KEYS);
        String command = alerts.text("command", "the command is empty", COMMAND_EXPECTED);
        Optional<URI> webhook = webhook(alerts);
        int afterFailures = alerts.positive("after_failures", DEFAULT_AFTER_FAILURES, 100,
                "is not a number of failed checks from 1 to 100", FAILURES_EXPECTED);
        int warningDays = alerts.positive("warning_days", (int) DEFAULT_WARNING_DAYS.toDays(), 365,
                "is not a number of days from 1 to 365", DAYS_EXPECTED);
        Duration timeout = alerts.seconds("timeout", DEFAULT_TIMEOUT);
        List<String> env = PassThroughVariables.parse(alerts);
        return new AlertSettings(Optional.ofNullable(command), webhook, afterFailures, Duration.ofDays(warningDays),
                timeout, env);
    }

    private static Optional<URI> webhook(Section alerts) {
        String text = alerts.text("webhook", "the URL is empty", WEBHOOK_EXPECTED);
        if (text == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw alerts.valueError("webhook", "the value is not a URL", WEBHOOK_EXPECTED);
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw alerts.valueError("webhook", "the URL is not absolute or names no host", WEBHOOK_EXPECTED);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw alerts.valueError("webhook", "the URL uses " + scheme + ", not http or https", WEBHOOK_EXPECTED);
        }
        if (scheme.equals("http") && !isLoopbackLiteral(uri.getHost())) {
            // the alert (names, errors) and the token in the URL would cross the network in clear
            throw alerts.valueError("webhook", "the URL uses http:// to " + uri.getHost() + ", which is not a loopback"
                    + " address: the alert and the URL's token would travel unencrypted", WEBHOOK_EXPECTED);
        }
        if (uri.getRawUserInfo() != null) {
            throw alerts.valueError("webhook", "the URL holds a user name or password", WEBHOOK_EXPECTED
                    + " without user:password@ (put a token into the path or query instead)");
        }
        return Optional.of(uri);
    }

    /** {@code 127.x.x.x} or {@code [::1]} as written: a name such as {@code localhost} depends on the resolver. */
    private static boolean isLoopbackLiteral(String host) {
        return AddressRange.literal(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }
}
