package dev.acmefilter.status;

import dev.acmefilter.config.StatusSettings;
import dev.acmefilter.net.AddressRange;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may read the status endpoints: a client whose address is in {@code acme.status.allow}
 * (default: loopback only). A reverse proxy on the same host connects from loopback, so a
 * request that carries {@code Forwarded}, {@code X-Forwarded-For} or {@code X-Real-IP} is
 * judged by every address those headers name as well: all of them must be allowed. Checking
 * only the first would let a client prepend {@code X-Forwarded-For: 127.0.0.1} itself; a
 * proxy that names no client ({@code unknown}, an obfuscated name) is refused.
 */
public final class StatusAccess {

    /** The proxy headers looked at, in lower case. */
    public static final List<String> FORWARDING_HEADERS = List.of("forwarded", "x-forwarded-for", "x-real-ip");

    private final StatusSettings settings;

    public StatusAccess(StatusSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param remoteAddress the connection's peer, as the container reports it
     * @param header        the values of a request header by (lower-case) name; empty when absent
     * @return why the request is refused (a short sentence for the 403 answer), or empty
     */
    public Optional<String> refusal(String remoteAddress, java.util.function.Function<String, List<String>> header) {
        Optional<String> peer = judge(remoteAddress, "the client ");
        if (peer.isPresent()) {
            return peer;
        }
        for (String name : FORWARDING_HEADERS) {
            for (String value : header.apply(name)) {
                List<String> clients = name.equals("forwarded") ? forwardedFor(value) : List.of(value.split(","));
                if (clients.isEmpty()) {
                    return Optional.of("the Forwarded header names no client (for=)");
                }
                for (String client : clients) {
                    Optional<String> refused = judge(client.trim(), "the client forwarded by " + headerName(name) + " ");
                    if (refused.isPresent()) {
                        return refused;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> judge(String address, String who) {
        Optional<InetAddress> ip = address == null ? Optional.empty() : AddressRange.literal(address);
        if (ip.isEmpty()) {
            return Optional.of(who + shown(address) + " is not an IP address");
        }
        if (settings.allow().stream().noneMatch(r -> r.contains(ip.get()))) {
            return Optional.of(who + ip.get().getHostAddress() + " is not in acme.status.allow"
                    + (settings.allow().equals(StatusSettings.LOOPBACK) ? " (default: loopback only)" : ""));
        }
        return Optional.empty();
    }

    /** The {@code for=} values of a {@code Forwarded} header (RFC 7239), unquoted. */
    static List<String> forwardedFor(String value) {
        List<String> clients = new ArrayList<>();
        for (String element : value.split(",")) {
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                    String v = pair.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    clients.add(v);
                }
            }
        }
        return clients;
    }

    private static String headerName(String lowerCase) {
        return switch (lowerCase) {
            case "forwarded" -> "Forwarded";
            case "x-forwarded-for" -> "X-Forwarded-For";
            default -> "X-Real-IP";
        };
    }

    /** An untrusted header value in a message: quoted, cut short, control characters removed. */
    private static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return "'" + (clean.length() > 60 ? clean.substring(0, 60) + "..." : clean) + "'";
    }
}
