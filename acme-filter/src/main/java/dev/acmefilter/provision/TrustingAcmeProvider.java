package dev.acmefilter.provision;

import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;

/**
 * A generic ACME provider (any RFC 8555 directory URL) whose HTTP client trusts the given
 * SSL context instead of the JVM default, so a private CA (or the test Pebble) can be
 * trusted without touching the JVM-wide trust store.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider {

    private final SSLContext sslContext;

    TrustingAcmeProvider(SSLContext sslContext) {
        this.sslContext = sslContext;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.getTimeout())
                .proxy(settings.getProxySelector())
                .sslContext(sslContext);
        if (settings.getAuthenticator() != null) {
            builder.authenticator(settings.getAuthenticator());
        }
        return builder.build();
    }
}
