package dev.acmefilter.dns;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * One TXT record of a dns-01 challenge: {@code _acme-challenge.<domain>.} with the
 * authorization's digest (RFC 8555, section 8.4). A wildcard name and its base name
 * ({@code *.example.org}, {@code example.org}) share the owner name: they are two values at
 * one name, added side by side and removed one by one.
 *
 * @param domain the name in the order, as the CA has it ({@code example.org} or {@code *.example.org})
 * @param name   the owner name, absolute and lower case, e.g. {@code _acme-challenge.example.org.}
 * @param value  the TXT value (the base64url digest)
 */
public record ChallengeRecord(String domain, String name, String value) {

    /** The label dns-01 puts in front of the name (RFC 8555, section 8.4). */
    public static final String LABEL = "_acme-challenge";

    private static final Pattern LABEL_PATTERN = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern VALUE_PATTERN = Pattern.compile("[A-Za-z0-9_=+/-]{1,255}");

    public ChallengeRecord {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!VALUE_PATTERN.matcher(value).matches()) {
            throw new IllegalArgumentException("not a dns-01 TXT value (base64url, 1 to 255 characters): '"
                    + printable(value) + "'");
        }
        if (!name.endsWith(".") || !name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not an absolute lower-case name: '" + printable(name) + "'");
        }
        checkDomainName(name.substring(0, name.length() - 1));
    }

    /**
     * The record for {@code domain} (a wildcard is stripped of its {@code *.}) with {@code value}.
     *
     * @throws IllegalArgumentException when the domain is not a host name or the value not a digest
     */
    public static ChallengeRecord of(String domain, String value) {
        Objects.requireNonNull(domain, "domain");
        String base = domain.strip().toLowerCase(Locale.ROOT);
        if (base.startsWith("*.")) {
            base = base.substring(2);
        }
        if (base.endsWith(".")) {
            base = base.substring(0, base.length() - 1);
        }
        checkDomainName(base);
        return new ChallengeRecord(domain.strip(), LABEL + "." + base + ".", value);
    }

    /** The owner name as dnsjava has it. */
    Name ownerName() {
        try {
            return Name.fromString(name);
        } catch (TextParseException e) {
            throw new IllegalStateException("checked in the constructor: " + name, e);
        }
    }

    /**
     * Checks that {@code domain} (without trailing dot) is a host name: labels of letters,
     * digits, hyphens and underscores, at most 63 characters each, 253 in all.
     *
     * @throws IllegalArgumentException naming the text when it is not
     */
    static void checkDomainName(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        boolean ok = !lower.isEmpty() && lower.length() <= 253;
        if (ok) {
            for (String label : lower.split("\\.", -1)) {
                if (!LABEL_PATTERN.matcher(label).matches()) {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("'" + printable(domain) + "' is not a domain name");
        }
    }

    /** {@code text} with control characters replaced and cut at 100 characters, for messages. */
    static String printable(String text) {
        String cut = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return cut.replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}]", "?");
    }
}
