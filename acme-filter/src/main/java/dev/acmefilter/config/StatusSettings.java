package dev.acmefilter.config;

import dev.acmefilter.net.AddressRange;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.ArrayList;
import java.util.Optional;

/**
 * {@code acme.status}: the status, metrics and health endpoints that the WAR serves under
 * {@code /acme/}. They say which names are certified, when they expire and what failed,
 * which is nobody else's business: by default only the host itself may ask. The address
 * alone is weak behind a reverse proxy on the same host (it connects from loopback), so a
 * bearer token can be required too.
 *
 * @param enabled whether the endpoints answer at all ({@code false}: 404)
 * @param allow   the client addresses that may ask; a request that came through a proxy
 *                ({@code Forwarded}, {@code X-Forwarded-For}, {@code X-Real-IP}) is answered
 *                only when every address it names is in the list too
 * @param token   {@code acme.status.token_file}: when present, a request must also carry
 *                {@code Authorization: Bearer <token>}; read once at start, never shown
 */
public record StatusSettings(boolean enabled, List<AddressRange> allow, Optional<StatusToken> token) {

    /** Loopback only: 127.0.0.0/8 and ::1. */
    public static final List<AddressRange> LOOPBACK = List.of(AddressRange.IPV4_LOOPBACK, AddressRange.IPV6_LOOPBACK);
    public static final StatusSettings DEFAULTS = new StatusSettings(true, LOOPBACK);

    public StatusSettings {
        allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
        Objects.requireNonNull(token, "token");
    }

    /** Settings without a token. */
    public StatusSettings(boolean enabled, List<AddressRange> allow) {
        this(enabled, allow, Optional.empty());
    }


    static final List<String> KEYS = List.of("enabled", "allow", "token_file");
    static final String TOKEN_EXPECTED = "a file that only this process's user (and group) can read, holding one"
            + " token of at least " + StatusToken.MIN_LENGTH + " characters, such as one made by"
            + " 'openssl rand -hex 32'";
    static final String ALLOW_EXPECTED = "a list of IP addresses or CIDR ranges, such as ['127.0.0.1', '::1',"
            + " '192.168.1.0/24']";

    /**
     * {@code acme.status}: {@code enabled} (default true), {@code allow}, a list of IP
     * addresses or CIDR ranges that replaces the default loopback-only list (host names are
     * refused: access must not depend on DNS), and {@code token_file}, read here, at start.
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
        return new StatusSettings(enabled, allow, token(status));
    }

    private static Optional<StatusToken> token(Section status) {
        Path file = status.path("token_file");
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StatusToken.read(file));
        } catch (IOException e) {
            throw status.valueError("token_file", file + " " + e.getMessage(), TOKEN_EXPECTED);
        }
    }
}
