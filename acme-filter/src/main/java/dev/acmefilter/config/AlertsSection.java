package dev.acmefilter.config;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code acme.alerts} for {@link HomeserverConfig}: {@code command}, {@code webhook},
 * {@code after_failures}, {@code warning_days} and {@code timeout}. The webhook's path and
 * query are never put into a message: chat services put their secret token there.
 */
final class AlertsSection {

    static final String KNOWN = "command, webhook, after_failures, warning_days, timeout";
    static final String COMMAND_EXPECTED = "a shell command such as '/usr/local/bin/notify-admin'";
    static final String WEBHOOK_EXPECTED = "an absolute http:// or https:// URL that accepts a JSON POST";
    static final String FAILURES_EXPECTED = "a whole number of failed checks from 1 to 100";
    static final String DAYS_EXPECTED = "a whole number of days from 1 to 365";

    private AlertsSection() {
    }

    static AlertSettings parse(HomeserverConfig config, Object value) {
        if (value == null) {
            return AlertSettings.DEFAULTS;
        }
        Map<?, ?> alerts = config.section("acme.alerts", value, "a mapping with " + KNOWN);
        config.warnAboutUnknownKeys("acme.alerts", alerts,
                Set.of("command", "webhook", "after_failures", "warning_days", "timeout"), KNOWN);
        String command = config.string("acme.alerts.command", alerts.get("command"), COMMAND_EXPECTED);
        if (command != null && command.isBlank()) {
            throw config.valueError("acme.alerts.command", "the command is empty", COMMAND_EXPECTED);
        }
        Optional<URI> webhook = webhook(config, alerts.get("webhook"));
        int afterFailures = number(config, "acme.alerts.after_failures", alerts.get("after_failures"),
                AlertSettings.DEFAULT_AFTER_FAILURES, 100, "failed checks", FAILURES_EXPECTED);
        int warningDays = number(config, "acme.alerts.warning_days", alerts.get("warning_days"),
                (int) AlertSettings.DEFAULT_WARNING_DAYS.toDays(), 365, "days", DAYS_EXPECTED);
        Duration timeout = config.seconds("acme.alerts.timeout", alerts.get("timeout"), AlertSettings.DEFAULT_TIMEOUT);
        return new AlertSettings(Optional.ofNullable(command), webhook, afterFailures, Duration.ofDays(warningDays),
                timeout);
    }

    private static Optional<URI> webhook(HomeserverConfig config, Object value) {
        String key = "acme.alerts.webhook";
        String text = config.string(key, value, WEBHOOK_EXPECTED);
        if (text == null) {
            return Optional.empty();
        }
        if (text.isBlank()) {
            throw config.valueError(key, "the URL is empty", WEBHOOK_EXPECTED);
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw config.valueError(key, "the value is not a URL", WEBHOOK_EXPECTED);
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw config.valueError(key, "the URL is not absolute or names no host", WEBHOOK_EXPECTED);
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw config.valueError(key, "the URL uses " + scheme + ", not http or https", WEBHOOK_EXPECTED);
        }
        if (uri.getRawUserInfo() != null) {
            throw config.valueError(key, "the URL holds a user name or password", WEBHOOK_EXPECTED
                    + " without user:password@ (put a token into the path or query instead)");
        }
        return Optional.of(uri);
    }

    private static int number(HomeserverConfig config, String key, Object value, int defaultValue, int max,
                              String unit, String expected) {
        if (value == null) {
            return defaultValue;
        }
        BigInteger n = config.integer(key, value, expected);
        if (n == null || n.signum() <= 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw config.valueError(key, HomeserverConfig.show(value) + " is not a number of " + unit + " from 1 to "
                    + max, expected);
        }
        return n.intValue();
    }
}
