package dev.acmefilter.provision;

import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A generic ACME provider (any RFC 8555 directory URL) whose HTTP client trusts the given
 * SSL context instead of the JVM default, so a private CA (or the test Pebble) can be
 * trusted without touching the JVM-wide trust store.
 *
 * <p>It also keeps the HTTP client's threads from pinning a webapp: they are created with
 * the platform class loader as context class loader (a servlet container would otherwise
 * report them as leaked by the webapp on undeploy), and the worker pool is ours, so
 * {@link #close()} stops it.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider implements AutoCloseable {

    private final Optional<SSLContext> sslContext;
    private final ExecutorService executor;

    TrustingAcmeProvider(Optional<SSLContext> sslContext) {
        this.sslContext = sslContext;
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "acme-http-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(ClassLoader.getPlatformClassLoader());
            return t;
        });
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.getTimeout())
                .proxy(settings.getProxySelector())
                .executor(executor);
        sslContext.ifPresent(builder::sslContext);
        if (settings.getAuthenticator() != null) {
            builder.authenticator(settings.getAuthenticator());
        }
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            return builder.build(); // starts the client's selector thread, which inherits this loader
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** Stops the HTTP worker threads. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
