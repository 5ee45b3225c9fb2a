package dev.acmefilter.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the Jetty base listens for the CA's http-01 requests: {@code acme.port} and
 * {@code acme.bind_addresses}. Synapse listened on port 80 itself; behind the usual proxy
 * snippet ({@code proxy_pass http://localhost:8009}) it was 8009, which is our default.
 *
 * @param port          the HTTP port
 * @param bindAddresses literal IP addresses to listen on
 */
public record ListenSettings(int port, List<String> bindAddresses) {

    /** The port of Synapse's documented proxy set-up, where the Jetty base listens by default. */
    public static final int DEFAULT_PORT = 8009;
    public static final List<String> DEFAULT_BIND_ADDRESSES = List.of("::", "0.0.0.0");
    public static final ListenSettings DEFAULTS = new ListenSettings(DEFAULT_PORT, DEFAULT_BIND_ADDRESSES);

    static final List<String> KEYS = List.of("port", "bind_addresses");

    public ListenSettings {
        Bounds.requirePort(port);
        bindAddresses = List.copyOf(bindAddresses);
    }

    static ListenSettings parse(Section acme) {
        int port = acme.port("port", DEFAULT_PORT);
        if (acme.get("bind_addresses") == null) {
            return new ListenSettings(port, DEFAULT_BIND_ADDRESSES);
        }
        String expected = "a list of IP addresses such as ['::', '0.0.0.0']";
        List<String> addresses = new ArrayList<>();
        for (String entry : acme.strings("bind_addresses", expected, false)) {
            String address = entry.trim();
            if (!DnsNames.isIpv4(address) && !DnsNames.isIpv6(address)) {
                throw acme.valueError("bind_addresses", Shown.quote(entry) + " is not an IP address",
                        "literal IPv4 or IPv6 addresses such as '::' or '0.0.0.0', not host names");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty()) {
            throw acme.valueError("bind_addresses", "the list is empty", expected);
        }
        return new ListenSettings(port, addresses);
    }
}
