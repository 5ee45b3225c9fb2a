package dev.acmefilter.provision;

import dev.acmefilter.net.DetachedHttpClient;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.toolbox.JSON;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A generic ACME provider (any RFC 8555 directory URL) whose HTTP client trusts the given
 * SSL context instead of the JVM default, so a private CA (or the test Pebble) can be
 * trusted without touching the JVM-wide trust store. Its clients are
 * {@link DetachedHttpClient}s, stopped by {@link #close()}, so an undeploy leaves no thread.
 *
 * <p>It keeps a fetched directory for at least {@link #DIRECTORY_KEPT}: acme4j asks for the
 * directory before each kind of request and fetches it again unless the CA said how long
 * it stays valid (Pebble does not; Let's Encrypt says "no-cache"), which made seven
 * fetches of the same document per order. An order takes seconds, and a CA moves its
 * endpoints far less often than that.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider implements AutoCloseable {

    private final Optional<SSLContext> sslContext;
    private final List<DetachedHttpClient> clients = new ArrayList<>();

    /** How long a fetched directory is used at least, whatever the CA's caching headers say. */
    static final Duration DIRECTORY_KEPT = Duration.ofMinutes(1);

    TrustingAcmeProvider(Optional<SSLContext> sslContext) {
        this.sslContext = sslContext;
    }

    @Override
    public JSON directory(Session session, URI serverUri) throws AcmeException {
        JSON fetched = super.directory(session, serverUri);
        if (fetched != null) {
            ZonedDateTime keptUntil = ZonedDateTime.now().plus(DIRECTORY_KEPT);
            ZonedDateTime expires = session.getDirectoryExpires();
            if (expires == null || expires.isBefore(keptUntil)) {
                session.setDirectoryExpires(keptUntil);
            }
        }
        return fetched;
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
