package dev.acmefilter.config;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code dns.rfc2136}: where and how TXT records are changed by RFC 2136 dynamic update.
 *
 * @param server the primary that accepts updates ({@code server}, address[:port], port 53 by default)
 * @param key    the TSIG key ({@code tsig_key}, {@code tsig_algorithm}, {@code tsig_secret[_file]})
 * @param zone   the zone to update ({@code zone}), kept absolute ({@code example.org.}); empty:
 *               found from the SOA the server returns for each {@code _acme-challenge} name
 */
public record Rfc2136Settings(DnsServer server, TsigKey key, Optional<String> zone) {

    public Rfc2136Settings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(zone, "zone");
        zone = zone.map(z -> z.strip().endsWith(".") ? z.strip() : z.strip() + ".");
        zone.ifPresent(z -> {
            if (!DnsNames.isOwnerName(z.substring(0, z.length() - 1))) {
                throw new IllegalArgumentException("'" + z.substring(0, z.length() - 1) + "' is not a domain name");
            }
        });
    }

    /** Settings without a fixed zone. */
    public static Rfc2136Settings of(DnsServer server, TsigKey key) {
        return new Rfc2136Settings(server, key, Optional.empty());
    }
}
