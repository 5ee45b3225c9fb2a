package dev.acmefilter.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of an address allow list: a single IP address ({@code 127.0.0.1}, {@code ::1})
 * or a CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}). Only literals are accepted and
 * nothing is ever looked up in DNS: an allow list that depends on a resolver can be
 * changed by whoever controls the resolver. IPv4-mapped IPv6 addresses
 * ({@code ::ffff:127.0.0.1}) count as their IPv4 address, as the JDK parses them.
 */
public final class AddressRange {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern WITH_PREFIX = Pattern.compile("(.+)/([0-9]{1,3})");

    /** 127.0.0.0/8: the IPv4 loopback network. */
    public static final AddressRange IPV4_LOOPBACK = parse("127.0.0.0/8").orElseThrow();
    /** ::1: the IPv6 loopback address. */
    public static final AddressRange IPV6_LOOPBACK = parse("::1").orElseThrow();

    private final byte[] network;
    private final int prefix;
    private final String text;

    private AddressRange(byte[] address, int prefix, String text) {
        this.network = mask(address, prefix);
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Reads {@code 1.2.3.4}, {@code 1.2.3.0/24}, {@code ::1}, {@code [::1]} or {@code fd00::/8}.
     *
     * @return empty when the text is not such a literal, or the prefix is too long for it
     */
    public static Optional<AddressRange> parse(String text) {
        String t = text.trim();
        int prefix = -1;
        Matcher m = WITH_PREFIX.matcher(t);
        if (m.matches()) {
            t = m.group(1);
            prefix = Integer.parseInt(m.group(2));
        }
        Optional<InetAddress> address = literal(t);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().getAddress().length * 8;
        if (prefix > bits) {
            return Optional.empty();
        }
        return Optional.of(new AddressRange(address.get().getAddress(), prefix < 0 ? bits : prefix, text.trim()));
    }

    /**
     * An IP literal as a container reports a client's address, or as a proxy names it in
     * {@code X-Forwarded-For}: brackets, a zone id ({@code %eth0}) and, for the bracketed or
     * IPv4 forms, a {@code :port} are dropped. Never does a DNS lookup.
     */
    public static Optional<InetAddress> literal(String text) {
        String t = text.trim();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            t = t.substring(1, close);
        } else if (t.indexOf(':') == t.lastIndexOf(':') && t.indexOf(':') > 0) {
            t = t.substring(0, t.indexOf(':')); // 1.2.3.4:5678
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (IPV4.matcher(t).matches()
                || (t.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(t).matches())) {
            try {
                // a literal with a colon is parsed as IPv6 and never resolved; the IPv4 form is checked above
                return Optional.of(InetAddress.getByName(t));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether {@code address} lies in this range (an IPv4 address never lies in an IPv6 range). */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && java.util.Arrays.equals(mask(candidate, prefix), network);
    }

    /** Whether the range is IPv4. */
    public boolean isIpv4() {
        return network.length == 4;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            masked[i] &= (byte) (0xFF << (8 - keep));
        }
        return masked;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.prefix == prefix && java.util.Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix, java.util.Arrays.hashCode(network));
    }

    /** As written in the configuration. */
    @Override
    public String toString() {
        return text;
    }
}
