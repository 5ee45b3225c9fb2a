package dev.acmefilter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertSettingsTest {

    @TempDir
    Path dir;

    private AcmeConfig load(String... alertLines) throws IOException {
        return TestConfig.loadEnabledWith(dir, alertLines);
    }

    /** The alert settings of a config with {@code alertLines} under {@code acme:}. */
    private AlertSettings alerts(String... alertLines) throws IOException {
        return load(alertLines).alerts();
    }

    @Test
    void withoutTheSectionOnlyTheLogAlertsWithTheDefaultThresholds() throws Exception {
        AlertSettings a = alerts();

        assertThat(a.command()).isEmpty();
        assertThat(a.webhook()).isEmpty();
        assertThat(a.afterFailures()).isEqualTo(3);
        assertThat(a.warningWindow()).isEqualTo(Duration.ofDays(14));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        AlertSettings a = alerts("alerts:", "  command: /usr/local/bin/notify-admin --acme",
                "  webhook: https://hooks.example.org/services/T0/B0/secret-token?x=1", "  after_failures: 5",
                "  warning_days: 7", "  timeout: 20");

        assertThat(a.command()).contains("/usr/local/bin/notify-admin --acme");
        assertThat(a.webhook()).contains(URI.create("https://hooks.example.org/services/T0/B0/secret-token?x=1"));
        assertThat(a.afterFailures()).isEqualTo(5);
        assertThat(a.warningWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(AlertSettings.redacted(a.webhook().get())).as("what the log shows")
                .isEqualTo("https://hooks.example.org/...");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            alerts: yes                         | acme.alerts: expected a mapping with command, webhook, after_failures, warning_days, timeout, env, found true
            alerts: {command: ' '}              | acme.alerts.command: the command is empty; expected a shell command such as '/usr/local/bin/notify-admin'
            alerts: {command: [a]}              | acme.alerts.command: expected a shell command such as '/usr/local/bin/notify-admin', found a list
            alerts: {webhook: 'ftp://h/secret'} | acme.alerts.webhook: the URL uses ftp, not http or https; expected an absolute https:// URL (http:// only to 127.0.0.1 or [::1]) that accepts a JSON POST
            alerts: {webhook: '/hook/secret'}   | acme.alerts.webhook: the URL is not absolute or names no host; expected an absolute https:// URL (http:// only to 127.0.0.1 or [::1]) that accepts a JSON POST
            alerts: {webhook: 'https://a b/s'}  | acme.alerts.webhook: the value is not a URL; expected an absolute https:// URL (http:// only to 127.0.0.1 or [::1]) that accepts a JSON POST
            alerts: {webhook: 'https://u:pw@h/'} | acme.alerts.webhook: the URL holds a user name or password; expected an absolute https:// URL (http:// only to 127.0.0.1 or [::1]) that accepts a JSON POST without user:password@ (put a token into the path or query instead)
            alerts: {after_failures: 0}         | acme.alerts.after_failures: 0 is not a number of failed checks from 1 to 100; expected a whole number of failed checks from 1 to 100
            alerts: {after_failures: many}      | acme.alerts.after_failures: 'many' is not a number of failed checks from 1 to 100; expected a whole number of failed checks from 1 to 100
            alerts: {warning_days: 400}         | acme.alerts.warning_days: 400 is not a number of days from 1 to 365; expected a whole number of days from 1 to 365
            alerts: {timeout: 0}                | acme.alerts.timeout: 0 is not a positive number of seconds; expected a whole number of seconds from 1 to 3600
            """)
    void aWrongValueNamesTheKey(String line, String message) {
        assertThatThrownBy(() -> load(line))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": " + message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            http://hooks.example.org/T0/secret | hooks.example.org
            http://localhost:8080/T0/secret    | localhost
            http://10.0.0.5/T0/secret          | 10.0.0.5
            """)
    void plainHttpIsRefusedUnlessToALoopbackAddress(String url, String host) {
        assertThatThrownBy(() -> load("alerts: {webhook: '" + url + "'}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": acme.alerts.webhook: the URL uses http:// to " + host
                        + ", which is not a loopback address: the alert and the URL's token would travel unencrypted;"
                        + " expected an absolute https:// URL (http:// only to 127.0.0.1 or [::1]) that accepts a JSON"
                        + " POST")
                .message().doesNotContain("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9000/hook", "http://[::1]:9000/hook", "http://127.0.0.53/hook",
            "https://hooks.example.org/hook"})
    void loopbackHttpAndAnyHttpsAreAccepted(String url) throws Exception {
        assertThat(alerts("alerts: {webhook: '" + url + "'}").webhook()).contains(URI.create(url));
    }

    @Test
    void toStringNeverShowsTheWebhooksPathOrQuery() throws Exception {
        AcmeConfig c = load("alerts: {webhook: 'https://hooks.example.org/services/T0/very-secret-token?k=also-secret'}");

        assertThat(c.alerts().toString()).contains("https://hooks.example.org/...")
                .doesNotContain("very-secret-token").doesNotContain("also-secret");
        assertThat(c.toString()).doesNotContain("very-secret-token").doesNotContain("also-secret");
    }

    @Test
    void envNamesTheVariablesTheCommandAlsoGets() throws Exception {
        assertThat(alerts("alerts: {command: notify, env: [HOME, SMTP_HOST]}").env())
                .containsExactly("HOME", "SMTP_HOST");
        assertThat(alerts().env()).isEmpty();
    }

    @Test
    void theWebhookTokenNeverShowsInAMessage() {
        assertThatThrownBy(() -> load("alerts: {webhook: 'gopher://hooks.example.org/T0/very-secret-token'}"))
                .isInstanceOf(ConfigException.class)
                .message().doesNotContain("very-secret-token");
    }
}
