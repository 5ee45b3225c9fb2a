package dev.acmefilter.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code acme.verify}: where to check that the homeserver serves the certificate just
 * written.
 *
 * @param host       host of the homeserver's TLS listener ({@code acme.verify.address})
 * @param port       its port (default {@value #DEFAULT_PORT}, Synapse's federation port)
 * @param serverName the name sent as SNI ({@code acme.verify.server_name}, default the first domain)
 * @param timeout    how long to keep retrying while the homeserver reloads
 */
public record VerifySettings(String host, int port, String serverName, Duration timeout) {

    public static final int DEFAULT_PORT = 8448;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    public VerifySettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(timeout, "timeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** {@code host:port}, {@code [v6]:port} for IPv6 literals; for messages. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
