package dev.acmefilter.launcher;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where Jetty listens for the CA's http-01 requests, from {@code acme.port} and
 * {@code acme.bind_addresses}.
 *
 * <p>Jetty's HTTP connector binds one address. One address is used as it is. A list that holds a
 * wildcard ({@code ::} or {@code 0.0.0.0}, as Synapse's default {@code ['::', '0.0.0.0']}) binds
 * all interfaces, IPv4 and IPv6 (an empty {@link #host}). Any other list uses its first address,
 * and a warning names the rest.
 *
 * @param port the TCP port
 * @param host the address to bind, empty for all interfaces
 */
public record ListenAddress(int port, String host) {

    /**
     * @param source        names the config in a warning
     * @param port          {@code acme.port} as the loader reads it (its default, 8009, when the config sets none)
     * @param bindAddresses {@code acme.bind_addresses}, as the loader returns them (never empty)
     * @param warnings      receives the warning about ignored addresses
     */
    public static ListenAddress of(String source, int p, List<String> bindAddresses, Consumer<String> warnings) {
        if (bindAddresses.size() == 1) {
            return new ListenAddress(p, bindAddresses.get(0));
        }
        if (bindAddresses.contains("::") || bindAddresses.contains("0.0.0.0")) {
            return new ListenAddress(p, "");
        }
        String host = bindAddresses.get(0);
        warnings.accept(source + ": acme.bind_addresses: Jetty listens on one address: using " + host
                + ", ignoring " + bindAddresses.subList(1, bindAddresses.size())
                + " (use '::' to listen on all interfaces)");
        return new ListenAddress(p, host);
    }

    /** How a log line names it: {@code all interfaces port 8009}, {@code 127.0.0.1 port 80}. */
    public String describe() {
        return (host.isEmpty() ? "all interfaces" : host) + " port " + port;
    }
}
