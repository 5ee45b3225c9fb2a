package dev.acmefilter.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the CA's challenges of one certificate are answered: {@code challenge} and
 * {@code dns}, set under {@code acme:} for every certificate and per entry of
 * {@code acme.certificates}, where what an entry leaves out comes from {@code acme:}.
 *
 * @param type {@code challenge}: http-01 (the default) or dns-01
 * @param dns  {@code dns}: how TXT records are changed and checked; always there with
 *             dns-01, and kept with http-01 when set (an entry may choose dns-01 with it)
 */
public record ChallengeSettings(ChallengeType type, Optional<DnsSettings> dns) {

    /** http-01, nothing about DNS. */
    public static final ChallengeSettings DEFAULTS = new ChallengeSettings(ChallengeType.DEFAULT, Optional.empty());

    static final List<String> KEYS = List.of("challenge", "dns");

    public ChallengeSettings {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(dns, "dns");
        if (type == ChallengeType.DNS_01 && dns.isEmpty()) {
            throw new IllegalArgumentException("dns-01 needs the DNS settings (acme.dns)");
        }
    }

    /** dns-01 with {@code dns}. */
    public static ChallengeSettings dns01(DnsSettings dns) {
        return new ChallengeSettings(ChallengeType.DNS_01, Optional.of(dns));
    }

    /** The DNS settings when the challenge is dns-01; empty with http-01. */
    public Optional<DnsSettings> dns01() {
        return type == ChallengeType.DNS_01 ? dns : Optional.empty();
    }

    /** Wildcard names ({@code *.example.org}) can be validated only with dns-01. */
    public boolean allowsWildcards() {
        return type == ChallengeType.DNS_01;
    }

    /** {@code dns-01 (RFC 2136 at ...)} or {@code http-01}: for status and logs; never a secret. */
    public String describe() {
        return dns01().map(d -> type + " (" + d.describe() + ")").orElse(type.configName());
    }

    /** Reads {@code challenge} and {@code dns} of {@code section}; what it leaves out is {@code inherited}. */
    static ChallengeSettings parse(Section section, ChallengeSettings inherited) {
        ChallengeType type = inherited.type();
        String expected = ChallengeType.names();
        String name = section.text("challenge", "the challenge type is empty", expected);
        if (name != null) {
            type = ChallengeType.fromName(name).orElseThrow(() -> section.valueError("challenge",
                    Shown.quote(name) + " is not a challenge this provisioner answers", expected));
        }
        Optional<DnsSettings> dns = section.has("dns")
                ? Optional.of(DnsSection.parse(section, inherited.dns())) : inherited.dns();
        if (type == ChallengeType.DNS_01 && dns.isEmpty()) {
            throw section.valueError("dns", "missing, but " + section.key("challenge") + " is dns-01",
                    DnsSection.EXPECTED);
        }
        return new ChallengeSettings(type, dns);
    }
}
