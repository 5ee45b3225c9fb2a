package dev.acmefilter.provision;

import dev.acmefilter.net.DetachedHttpClient;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A generic ACME provider (any RFC 8555 directory URL) whose HTTP client trusts the given
 * SSL context instead of the JVM default, so a private CA (or the test Pebble) can be
 * trusted without touching the JVM-wide trust store. Its clients are
 * {@link DetachedHttpClient}s, stopped by {@link #close()}, so an undeploy leaves no thread.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider implements AutoCloseable {

    private final Optional<SSLContext> sslContext;
    private final List<DetachedHttpClient> clients = new ArrayList<>();

    TrustingAcmeProvider(Optional<SSLContext> sslContext) {
        this.sslContext = sslContext;
    }

    @Override
    public synchronized HttpClient createHttpClient(NetworkSettings settings) {
        DetachedHttpClient client = new DetachedHttpClient("acme-http", builder -> {
            builder.followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout())
                    .proxy(settings.getProxySelector());
            sslContext.ifPresent(builder::sslContext);
            if (settings.getAuthenticator() != null) {
                builder.authenticator(settings.getAuthenticator());
            }
            return builder;
        });
        clients.add(client);
        return client.client();
    }

    /** Stops the HTTP worker threads. */
    @Override
    public synchronized void close() {
        clients.forEach(DetachedHttpClient::close);
        clients.clear();
    }
}
