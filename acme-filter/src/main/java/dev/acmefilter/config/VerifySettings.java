package dev.acmefilter.config;

import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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


    static final List<String> KEYS = List.of("address", "server_name", "timeout");
    private static final String ADDRESS_EXPECTED = "host:port of the homeserver's TLS listener, such as "
            + "localhost:8448";
    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
    private static final Pattern HOST_PORT =
            Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)\\]|([^:\\[\\]]+))(?::([0-9]{1,5}))?");

    /** {@code verify} of {@code owner}, only when the key is there; the SNI name defaults to the first domain. */
    static Optional<VerifySettings> parse(Section owner, String firstDomain) {
        if (!owner.has("verify")) {
            return Optional.empty();
        }
        Section verify = owner.section("verify", "a mapping with " + String.join(", ", KEYS), KEYS);
        String address = verify.string("address", ADDRESS_EXPECTED);
        if (address == null) {
            throw verify.valueError("address", "missing", ADDRESS_EXPECTED);
        }
        Matcher m = HOST_PORT.matcher(address.trim());
        if (!m.matches()) {
            throw verify.valueError("address", Section.quote(address) + " is not host:port", ADDRESS_EXPECTED);
        }
        String host = m.group(1) != null ? m.group(1) : DnsNames.normalize(m.group(2));
        boolean literal = m.group(1) != null ? DnsNames.isIpv6(host) : DnsNames.isIpv4(host);
        if (!literal && DnsNames.problem(host).isPresent()) {
            throw verify.valueError("address", Section.quote(address) + " does not name a host", ADDRESS_EXPECTED);
        }
        int port = DEFAULT_PORT;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw verify.valueError("address", Section.quote(address) + " has no valid port", ADDRESS_EXPECTED);
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
        return Optional.of(new VerifySettings(host, port, serverName, timeout));
    }
}
