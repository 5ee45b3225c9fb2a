package dev.acmefilter.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the names an admin writes into {@code homeserver.yaml}: DNS names for the
 * certificate and IP address literals for {@code acme.bind_addresses}.
 *
 * <p>Everything here is pure text checking. {@link java.net.InetAddress#getByName} is
 * deliberately not used: for anything that is not a literal it does a DNS lookup, which
 * would make loading the config slow or hang when the resolver is down, and the answer
 * would say nothing about whether the text is a literal address.
 */
final class DnsNames {
    /** A DNS label: letters, digits, inner hyphens, 1 to 63 characters (RFC 1123). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    /** A label of a name that is not a host name (a zone, a TSIG key): underscores allowed, any case. */
    private static final Pattern OWNER_LABEL = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern ALL_DIGITS = Pattern.compile("[0-9]+");
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

    /** What a valid name looks like, for the "expected ..." part of error messages. */
    static final String EXPECTED = "a DNS name such as matrix.example.org, made of dot-separated labels of "
            + "1 to 63 letters, digits and inner hyphens (internationalised names in their xn-- form)";

    private DnsNames() {
    }

    /**
     * The form names are compared and stored in: trimmed, lower case, without the one
     * trailing dot of a fully qualified name. DNS names are case-insensitive, and CAs
     * reject the trailing dot.
     */
    static String normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
    }

    /**
     * Why a {@linkplain #normalize normalized} name cannot be put into a certificate that
     * is validated with http-01, as {@code "<problem>; expected <what>"}, or empty when it
     * can. A single label is only allowed for {@code localhost} (useful for tests; public
     * CAs refuse it anyway).
     */
    static Optional<String> problem(String name) {
        return problem(name, false, "acme.challenge");
    }

    /**
     * {@link #problem(String)}, but a wildcard name ({@code *.example.org}: {@code *} as the
     * whole first label) passes when {@code wildcards} is true (the dns-01 challenge);
     * otherwise the message says that {@code challengeKey} must be dns-01 for it.
     */
    static Optional<String> problem(String name, boolean wildcards, String challengeKey) {
        String quoted = "'" + name + "'";
        if (name.isEmpty()) {
            return Optional.of("the name is empty; expected " + EXPECTED);
        }
        if (isIpAddress(name)) {
            return Optional.of(quoted + " is an IP address; expected " + EXPECTED);
        }
        if (wildcards && name.startsWith("*.") && name.indexOf('*', 1) < 0) {
            return problem(name.substring(2)).map(p -> quoted + " is not a valid wildcard name: " + p);
        }
        if (name.contains("*")) {
            return Optional.of(quoted + " is a wildcard name, which the http-01 challenge cannot validate; expected "
                    + "each name spelled out, such as matrix.example.org, or " + challengeKey
                    + ": dns-01 (the only challenge that can validate a wildcard)");
        }
        if (name.length() > 253) {
            return Optional.of(quoted + " is longer than 253 characters; expected " + EXPECTED);
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.of(quoted + " is not a valid DNS name; expected " + EXPECTED);
            }
        }
        if (ALL_DIGITS.matcher(labels[labels.length - 1]).matches()) {
            // a numeric top-level label is never a real name, and usually a mistyped IP address
            return Optional.of(quoted + " is not a valid DNS name; expected " + EXPECTED);
        }
        if (labels.length == 1 && !name.equals("localhost")) {
            return Optional.of(quoted + " is a single label, not a full DNS name; expected " + EXPECTED);
        }
        return Optional.empty();
    }

    /**
     * Whether {@code name} (without trailing dot) is a domain name as DNS owner names go: a
     * zone or a TSIG key name, whose labels may hold underscores, unlike a host name's.
     */
    static boolean isOwnerName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!OWNER_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} is an IPv4 or IPv6 address literal (brackets around IPv6 allowed). */
    static boolean isIpAddress(String text) {
        String t = text;
        if (t.length() > 2 && t.startsWith("[") && t.endsWith("]")) {
            return isIpv6(t.substring(1, t.length() - 1));
        }
        return isIpv4(t) || isIpv6(t);
    }

    /** Dotted-quad IPv4, no leading zeros (they would mean octal to some parsers). */
    static boolean isIpv4(String text) {
        return IPV4.matcher(text).matches();
    }

    /**
     * IPv6 in the RFC 4291 text forms: eight hex groups, or fewer with one {@code ::},
     * optionally ending in a dotted IPv4 address. Zone ids ({@code %eth0}) are not accepted.
     */
    static boolean isIpv6(String text) {
        if (text.indexOf(':') < 0) {
            return false;
        }
        String t = text;
        int lastColon = t.lastIndexOf(':');
        String tail = t.substring(lastColon + 1);
        if (tail.contains(".")) {
            if (!isIpv4(tail)) {
                return false;
            }
            t = t.substring(0, lastColon + 1) + "0:0"; // the IPv4 part counts as two groups
        }
        int doubleColon = t.indexOf("::");
        if (doubleColon < 0) {
            String[] groups = t.split(":", -1);
            return groups.length == 8 && allHexGroups(groups);
        }
        if (t.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String left = t.substring(0, doubleColon);
        String right = t.substring(doubleColon + 2);
        String[] l = left.isEmpty() ? new String[0] : left.split(":", -1);
        String[] r = right.isEmpty() ? new String[0] : right.split(":", -1);
        return l.length + r.length <= 7 && allHexGroups(l) && allHexGroups(r);
    }

    private static boolean allHexGroups(String[] groups) {
        for (String g : groups) {
            if (!HEX_GROUP.matcher(g).matches()) {
                return false;
            }
        }
        return true;
    }
}
