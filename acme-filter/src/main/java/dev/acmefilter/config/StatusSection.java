package dev.acmefilter.config;

import dev.acmefilter.net.AddressRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code acme.status} for {@link HomeserverConfig}: {@code enabled} (default true)
 * and {@code allow}, a list of IP addresses or CIDR ranges that replaces the default
 * loopback-only list. Host names are refused: access must not depend on DNS.
 */
final class StatusSection {

    static final String KNOWN = "enabled, allow";
    static final String ALLOW_EXPECTED = "a list of IP addresses or CIDR ranges, such as ['127.0.0.1', '::1',"
            + " '192.168.1.0/24']";

    private StatusSection() {
    }

    static StatusSettings parse(HomeserverConfig config, Object value) {
        if (value == null) {
            return StatusSettings.DEFAULTS;
        }
        if (Boolean.FALSE.equals(value)) {
            return new StatusSettings(false, StatusSettings.LOOPBACK); // "status: off" is YAML 1.1's false
        }
        Map<?, ?> status = config.section("acme.status", value, "a mapping with " + KNOWN);
        config.warnAboutUnknownKeys("acme.status", status, Set.of("enabled", "allow"), KNOWN);
        boolean enabled = config.bool("acme.status.enabled", status.get("enabled"), true);
        List<AddressRange> allow = StatusSettings.LOOPBACK;
        Object allowValue = status.get("allow");
        if (allowValue != null) {
            // a single address written without brackets is a plain string
            List<String> entries = allowValue instanceof String s ? List.of(s)
                    : config.stringList("acme.status.allow", allowValue, ALLOW_EXPECTED);
            if (entries.isEmpty()) {
                throw config.valueError("acme.status.allow", "the list is empty",
                        ALLOW_EXPECTED + " (to turn the endpoints off, set acme.status.enabled: false)");
            }
            List<AddressRange> ranges = new ArrayList<>();
            for (String entry : entries) {
                Optional<AddressRange> range = AddressRange.parse(entry);
                if (range.isEmpty()) {
                    throw config.valueError("acme.status.allow", HomeserverConfig.quote(entry)
                            + " is not an IP address or CIDR range", ALLOW_EXPECTED + "; host names are not looked up");
                }
                ranges.add(range.get());
            }
            allow = ranges;
        }
        return new StatusSettings(enabled, allow);
    }
}
