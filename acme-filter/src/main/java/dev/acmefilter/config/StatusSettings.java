package dev.acmefilter.config;

import dev.acmefilter.net.AddressRange;

import java.util.List;
import java.util.Objects;
import java.util.ArrayList;
import java.util.Optional;

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


    static final List<String> KEYS = List.of("enabled", "allow");
    static final String ALLOW_EXPECTED = "a list of IP addresses or CIDR ranges, such as ['127.0.0.1', '::1',"
            + " '192.168.1.0/24']";

    /**
     * {@code acme.status}: {@code enabled} (default true) and {@code allow}, a list of IP
     * addresses or CIDR ranges that replaces the default loopback-only list. Host names are
     * refused: access must not depend on DNS.
     */
    static StatusSettings parse(Section acme) {
        Object value = acme.get("status");
        if (value == null) {
            return DEFAULTS;
        }
        if (Boolean.FALSE.equals(value)) {
            return new StatusSettings(false, LOOPBACK); // "status: off" is YAML 1.1's false
        }
        Section status = acme.section("status", "a mapping with " + String.join(", ", KEYS), KEYS);
        boolean enabled = status.bool("enabled", true);
        List<AddressRange> allow = LOOPBACK;
        if (status.get("allow") != null) {
            // a single address written without brackets is a plain string
            List<String> entries = status.strings("allow", ALLOW_EXPECTED, true);
            if (entries.isEmpty()) {
                throw status.valueError("allow", "the list is empty",
                        ALLOW_EXPECTED + " (to turn the endpoints off, set acme.status.enabled: false)");
            }
            List<AddressRange> ranges = new ArrayList<>();
            for (String entry : entries) {
                Optional<AddressRange> range = AddressRange.parse(entry);
                if (range.isEmpty()) {
                    throw status.valueError("allow", Shown.quote(entry) + " is not an IP address or CIDR range",
                            ALLOW_EXPECTED + "; host names are not looked up");
                }
                ranges.add(range.get());
            }
            allow = ranges;
        }
        return new StatusSettings(enabled, allow);
    }
}
