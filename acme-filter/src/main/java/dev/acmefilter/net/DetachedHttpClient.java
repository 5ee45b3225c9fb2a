package dev.acmefilter.net;

import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@code java.net.http} client whose threads do not belong to the webapp that made it.
 * JDK 17's client starts a selector thread and worker threads that inherit the creating
 * thread's context class loader; in a servlet container that is the webapp's loader, so an
 * undeploy reports them as leaked (and they pin the loader until the client is collected).
 * Here they get the platform class loader, the workers come from a pool of our own, and
 * {@link #close()} stops that pool.
 */
public final class DetachedHttpClient implements AutoCloseable {

    private final ExecutorService executor;
    private final HttpClient client;

    /**
     * @param name      prefix of the worker threads' names
     * @param configure sets everything but the executor on the builder
     */
    public DetachedHttpClient(String name, UnaryOperator<HttpClient.Builder> configure) {
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(ClassLoader.getPlatformClassLoader());
            return t;
        });
        HttpClient.Builder builder = configure.apply(HttpClient.newBuilder()).executor(executor);
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            this.client = builder.build(); // starts the selector thread, which inherits this loader
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    public HttpClient client() {
        return client;
    }

    /** Stops the worker threads; the client cannot be used afterwards. */
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
