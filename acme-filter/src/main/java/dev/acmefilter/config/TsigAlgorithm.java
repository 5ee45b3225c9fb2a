package dev.acmefilter.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The TSIG algorithms an update may be signed with ({@code tsig_algorithm}), by the names
 * {@code tsig-keygen}, {@code nsupdate} and {@code knotc} use; the dns package maps them to
 * dnsjava's. HMAC-MD5 is left out on purpose: it is broken, and every server that speaks
 * RFC 2136 offers SHA-256.
 */
public enum TsigAlgorithm {
    HMAC_SHA256,
    HMAC_SHA384,
    HMAC_SHA512,
    HMAC_SHA1;

    /** The algorithm when none is configured. */
    public static final TsigAlgorithm DEFAULT = HMAC_SHA256;

    /** The name in the configuration and in BIND's key files, e.g. {@code hmac-sha256}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The algorithm called {@code name} (case ignored), if it is one of ours. */
    public static Optional<TsigAlgorithm> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.configName().equals(wanted)).findFirst();
    }

    /** {@code hmac-sha256, hmac-sha384, ...}: for "expected one of" messages. */
    public static String names() {
        return Arrays.stream(values()).map(TsigAlgorithm::configName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return configName();
    }
}
