package dev.acmefilter.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the CA checks that we control a name ({@code acme.challenge}, RFC 8555, section 8):
 * http-01 fetches a token from port 80 of the name (answered by the challenge filter);
 * dns-01 reads a TXT record under the name (written by RFC 2136 or a hook), which needs no
 * open port and is the only way to a wildcard certificate.
 */
public enum ChallengeType {
    HTTP_01,
    DNS_01;

    /** The challenge when none is configured: Synapse's ACME v1 used http-01. */
    public static final ChallengeType DEFAULT = HTTP_01;

    /** The name in the configuration and in RFC 8555, e.g. {@code dns-01}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The type called {@code name} (case ignored), if it is one we answer. */
    public static Optional<ChallengeType> fromName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.configName().equals(wanted)).findFirst();
    }

    /** {@code http-01 or dns-01}: for "expected" messages. */
    static String names() {
        return Arrays.stream(values()).map(ChallengeType::configName).collect(Collectors.joining(" or "));
    }

    @Override
    public String toString() {
        return configName();
    }
}
