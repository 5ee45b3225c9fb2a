package dev.acmefilter.alert;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.net.DetachedHttpClient;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * POSTs each alert as JSON ({@link Alert#json()}) to {@code acme.alerts.webhook}. Any 2xx
 * answer counts as delivered; redirects are not followed (a POST must not silently become
 * a GET). HTTPS is verified against the JVM's CAs plus {@code acme.ca_certificates}, never
 * switched off. The client's threads are detached from the webapp (see
 * {@link DetachedHttpClient}), and only the URL's scheme, host and port are ever logged.
 */
final class WebhookChannel implements AlertChannel {

    private final URI url;
    private final Duration timeout;
    private final DetachedHttpClient http;

    WebhookChannel(URI url, Duration timeout, Optional<SSLContext> trust) {
        this.url = url;
        this.timeout = timeout;
        this.http = new DetachedHttpClient("acme-alert-http", b -> {
            b.connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
            trust.ifPresent(b::sslContext);
            return b;
        });
    }

    @Override
    public String describe() {
        return "webhook " + AlertSettings.redacted(url);
    }

    @Override
    public void send(Alert alert) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "acme-filter-alert")
                .POST(HttpRequest.BodyPublishers.ofString(alert.json(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response;
        try {
            response = http.client().send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the JDK's messages name host and port at most, never the path
            throw new IOException("cannot be reached: " + e, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("answered HTTP " + response.statusCode());
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
