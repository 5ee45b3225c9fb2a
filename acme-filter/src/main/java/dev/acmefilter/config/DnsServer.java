package dev.acmefilter.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A DNS server by host (name or address literal) and port: the update server of
 * {@code rfc2136.server}, or one of the {@code check_servers}. A host name is resolved each
 * time it is used, so that a server that moves is found again without a restart.
 *
 * @param host a host name or an IPv4/IPv6 literal (without brackets)
 * @param port the UDP/TCP port
 */
public record DnsServer(String host, int port) {

    /** The port of DNS. */
    public static final int DNS_PORT = 53;

    public DnsServer {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("not a host name or address: '" + host + "'");
        }
        Bounds.requirePort(port);
    }

    /**
     * Parses {@code address[:port]}: {@code 192.0.2.53}, {@code 192.0.2.53:5353},
     * {@code ns1.example.org}, {@code [2001:db8::53]:53} or a bare IPv6 literal.
     *
     * @throws IllegalArgumentException with a message that says what was expected
     */
    public static DnsServer parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw expected(text);
            }
            host = s.substring(1, end);
            String rest = s.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw expected(text);
                }
                port = rest.substring(1);
            }
        } else if (s.indexOf(':') != s.lastIndexOf(':')) {
            host = s; // a bare IPv6 literal: no port
        } else {
            int colon = s.indexOf(':');
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
        }
        int number = defaultPort;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw expected(text);
            }
        }
        try {
            return new DnsServer(host, number);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage() + "; expected address[:port], e.g."
                    + " 192.0.2.53:53 or [2001:db8::53]:53", e);
        }
    }

    private static IllegalArgumentException expected(String text) {
        return new IllegalArgumentException("'" + text + "' is not a DNS server; expected address[:port], e.g."
                + " 192.0.2.53:53 or [2001:db8::53]:53");
    }

    /** The address to send to, resolving a host name now. */
    public InetSocketAddress socketAddress() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** {@code host:port}, {@code [v6]:port}: as written in the configuration and in messages. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
