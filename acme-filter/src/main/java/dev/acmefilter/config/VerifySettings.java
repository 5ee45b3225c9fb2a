package dev.acmefilter.config;

import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code acme.verify}: where to check that the homeserver serves the certificate just
 * written. For Synapse's own certificate it is derived, when {@code acme.verify} is not set,
 * from Synapse's first {@code listeners} entry with {@code tls: true}: that listener serves
 * {@code tls_certificate_path}, so it must serve the new certificate once Synapse reloaded.
 * {@code verify: false} switches both off.
 *
 * @param host       host of the homeserver's TLS listener ({@code acme.verify.address})
 * @param port       its port (default {@value #DEFAULT_PORT}, Synapse's federation port)
 * @param serverName the name sent as SNI ({@code acme.verify.server_name}, default the first domain)
 * @param timeout    how long to keep retrying while the homeserver reloads
 * @param from       the setting it came from: {@code acme.verify} or {@code listeners[<n>]}
 */
public record VerifySettings(String host, int port, String serverName, Duration timeout, String from) {

    public static final int DEFAULT_PORT = 8448;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    public VerifySettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(from, "from");
        Bounds.requirePort(port);
        Bounds.requirePositiveTimeout(timeout);
    }

    /** Settings written as {@code acme.verify}. */
    public VerifySettings(String host, int port, String serverName, Duration timeout) {
        this(host, port, serverName, timeout, "acme.verify");
    }

    /** {@code host:port}, {@code [v6]:port} for IPv6 literals; for messages. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }


    static final List<String> KEYS = List.of("address", "server_name", "timeout");
    private static final String ADDRESS_EXPECTED = "host:port of the homeserver's TLS listener, such as "
            + "localhost:8448";
    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
    private static final Pattern HOST_PORT =
            Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)\\]|([^:\\[\\]]+))(?::([0-9]{1,5}))?");

    /**
     * {@code verify} of {@code owner}; when the key is absent, what {@code derived} gives;
     * {@code verify: false}, nothing. The SNI name defaults to the first domain.
     */
    static Optional<VerifySettings> parse(Section owner, String firstDomain,
                                          Supplier<Optional<VerifySettings>> derived) {
        if (!owner.has("verify")) {
            return derived.get();
        }
        if (Boolean.FALSE.equals(owner.get("verify"))) {
            return Optional.empty(); // verify: false, or YAML 1.1's off / no
        }
        Section verify = owner.section("verify", "a mapping with " + String.join(", ", KEYS), KEYS);
        String address = verify.string("address", ADDRESS_EXPECTED);
        if (address == null) {
            throw verify.valueError("address", "missing", ADDRESS_EXPECTED);
        }
        Matcher m = HOST_PORT.matcher(address.trim());
        if (!m.matches()) {
            throw verify.valueError("address", Shown.quote(address) + " is not host:port", ADDRESS_EXPECTED);
        }
        String host = m.group(1) != null ? m.group(1) : DnsNames.normalize(m.group(2));
        boolean literal = m.group(1) != null ? DnsNames.isIpv6(host) : DnsNames.isIpv4(host);
        if (!literal && DnsNames.problem(host).isPresent()) {
            throw verify.valueError("address", Shown.quote(address) + " does not name a host", ADDRESS_EXPECTED);
        }
        int port = DEFAULT_PORT;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
            if (!Bounds.isPort(port)) {
                throw verify.valueError("address", Shown.quote(address) + " has no valid port", ADDRESS_EXPECTED);
            }
        }
        String sniExpected = "the DNS name to send as SNI, such as " + (firstDomain != null ? firstDomain
                : "matrix.example.org");
        String serverName = verify.string("server_name", sniExpected);
        if (serverName == null) {
            if (firstDomain == null) {
                throw verify.valueError("server_name", "missing (there is no domain to default to)", sniExpected);
            }
            serverName = firstDomain;
        } else {
            serverName = verify.dnsName("server_name", serverName);
        }
        Duration timeout = verify.seconds("timeout", DEFAULT_TIMEOUT);
        return Optional.of(new VerifySettings(host, port, serverName, timeout, owner.key("verify")));
    }

    /**
     * The first of Synapse's {@code listeners} with {@code tls: true}, asked on loopback when it
     * listens on every address ({@code 0.0.0.0}, {@code ::}, or no {@code bind_addresses}),
     * else on its first address. Synapse checks its listeners; one that is not as expected
     * here derives nothing (with a warning) rather than stopping the start.
     */
    static Optional<VerifySettings> fromListeners(Section top, String serverName) {
        if (serverName == null || !(top.get("listeners") instanceof List<?> listeners)) {
            return Optional.empty();
        }
        for (int i = 0; i < listeners.size(); i++) {
            if (!(listeners.get(i) instanceof Map<?, ?> listener) || !isTrue(listener.get("tls"))) {
                continue;
            }
            String name = "listeners[" + i + "]";
            if (!(listener.get("port") instanceof Integer port) || !Bounds.isPort(port)) {
                top.warn(name + ": tls is true but its port is not a port number; no acme.verify is derived from it");
                return Optional.empty();
            }
            List<String> addresses = listener.get("bind_addresses") instanceof List<?> list
                    ? list.stream().filter(String.class::isInstance).map(a -> ((String) a).trim()).toList() : List.of();
            String host;
            if (addresses.isEmpty() || addresses.contains("0.0.0.0")) {
                host = "127.0.0.1";
            } else if (addresses.contains("::")) {
                host = "::1";
            } else {
                host = addresses.get(0);
            }
            return Optional.of(new VerifySettings(host, port, serverName, DEFAULT_TIMEOUT, name));
        }
        return Optional.empty();
    }

    private static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value) || (value instanceof String s && s.trim().equalsIgnoreCase("true"));
    }
}
