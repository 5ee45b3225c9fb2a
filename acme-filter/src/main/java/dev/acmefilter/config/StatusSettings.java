package dev.acmefilter.config;

import dev.acmefilter.net.AddressRange;

import java.util.List;
import java.util.Objects;

/**
 * {@code acme.status}: the status, metrics and health endpoints that the WAR serves under
 * {@code /acme/}. They say which names are certified, when they expire and what failed,
 * which is nobody else's business: by default only the host itself may ask.
 *
 * @param enabled whether the endpoints answer at all ({@code false}: 404)
 * @param allow   the client addresses that may ask; a request that came through a proxy
 *                ({@code Forwarded}, {@code X-Forwarded-For}, {@code X-Real-IP}) is answered
 *                only when every address it names is in the list too
 */
public record StatusSettings(boolean enabled, List<AddressRange> allow) {

    /** Loopback only: 127.0.0.0/8 and ::1. */
    public static final List<AddressRange> LOOPBACK = List.of(AddressRange.IPV4_LOOPBACK, AddressRange.IPV6_LOOPBACK);
    public static final StatusSettings DEFAULTS = new StatusSettings(true, LOOPBACK);

    public StatusSettings {
        allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
    }
}
