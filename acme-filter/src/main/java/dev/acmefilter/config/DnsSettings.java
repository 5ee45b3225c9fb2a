package dev.acmefilter.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code acme.dns}: how dns-01 challenges are answered. Exactly one way to change DNS,
 * {@code rfc2136} or a hook {@code command}; the rest says how long records live and how
 * long we wait for every authoritative server to answer them. No secret is printed by
 * {@link #toString()} (the TSIG key hides its own).
 *
 * @param rfc2136            dynamic update with a TSIG key
 * @param hook               a command that adds and removes the records
 * @param ttl                the TTL of the records we add ({@code ttl}, seconds)
 * @param propagationTimeout how long to wait until every server answers ({@code propagation_timeout})
 * @param checkServers       ask these instead of the zone's NS servers ({@code check_servers}):
 *                           split horizon, tests
 */
public record DnsSettings(Optional<Rfc2136Settings> rfc2136, Optional<HookSettings> hook, Duration ttl,
        Duration propagationTimeout, List<DnsServer> checkServers) {

    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PROPAGATION_TIMEOUT = Duration.ofSeconds(120);
    /** RFC 2181: a TTL is an unsigned 31-bit number of seconds. */
    private static final long MAX_TTL = Integer.MAX_VALUE;

    public DnsSettings {
        Objects.requireNonNull(rfc2136, "rfc2136");
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(propagationTimeout, "propagationTimeout");
        checkServers = List.copyOf(checkServers);
        if (rfc2136.isPresent() == hook.isPresent()) {
            throw new IllegalArgumentException("dns-01 needs exactly one of rfc2136 and command, not "
                    + (hook.isPresent() ? "both" : "neither"));
        }
        if (ttl.isNegative() || ttl.toSeconds() > MAX_TTL || ttl.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("the TTL must be whole seconds from 0 to " + MAX_TTL + ": " + ttl);
        }
        if (propagationTimeout.isNegative() || propagationTimeout.isZero()) {
            throw new IllegalArgumentException("the propagation timeout must be positive: " + propagationTimeout);
        }
    }

    /** RFC 2136 with the default TTL and timeout, asking the zone's own servers. */
    public static DnsSettings rfc2136(Rfc2136Settings rfc2136) {
        return new DnsSettings(Optional.of(rfc2136), Optional.empty(), DEFAULT_TTL, DEFAULT_PROPAGATION_TIMEOUT,
                List.of());
    }

    /** A hook with the default TTL and timeout, asking the zone's own servers. */
    public static DnsSettings hook(HookSettings hook) {
        return new DnsSettings(Optional.empty(), Optional.of(hook), DEFAULT_TTL, DEFAULT_PROPAGATION_TIMEOUT,
                List.of());
    }

    /**
     * Where records go, for logs and status, e.g. {@code RFC 2136 at 192.0.2.53:53 with TSIG key
     * acme-update. (hmac-sha256)} or {@code the hook /usr/local/bin/acme-dns-hook}; never the secret.
     */
    public String describe() {
        if (hook.isPresent()) {
            return "the hook " + hook.get().command();
        }
        Rfc2136Settings update = rfc2136.orElseThrow();
        return "RFC 2136 at " + update.server() + " with TSIG key " + update.key().name() + " ("
                + update.key().algorithm() + ")" + update.zone().map(z -> " in the zone " + z).orElse("");
    }

    public DnsSettings withTtl(Duration newTtl) {
        return new DnsSettings(rfc2136, hook, newTtl, propagationTimeout, checkServers);
    }

    public DnsSettings withPropagationTimeout(Duration timeout) {
        return new DnsSettings(rfc2136, hook, ttl, timeout, checkServers);
    }

    public DnsSettings withCheckServers(List<DnsServer> servers) {
        return new DnsSettings(rfc2136, hook, ttl, propagationTimeout, servers);
    }
}
