package dev.acmefilter.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Arrays;
import java.util.List;

/**
 * {@code acme.preflight}: the self-test that fetches a probe through the public
 * {@code http://<name>/.well-known/acme-challenge/} path before each order, so that a
 * broken proxy or DNS record is reported in plain words instead of as a failed order
 * (which also counts against the CA's rate limits).
 *
 * @param mode    what a failed self-test does
 * @param port    the port the CA uses, 80 unless a test or a port mapping says otherwise
 * @param timeout connect and answer timeout per name
 */
public record PreflightSettings(Mode mode, int port, Duration timeout) {

    /** What a failed self-test does. */
    public enum Mode {
        /** Log the problems, order anyway (the default: the CA may see what this host cannot). */
        ADVISORY,
        /** Do not order while a name fails. */
        STRICT,
        /** No self-test. */
        OFF;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final int DEFAULT_PORT = 80;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final PreflightSettings DEFAULTS =
            new PreflightSettings(Mode.ADVISORY, DEFAULT_PORT, DEFAULT_TIMEOUT);

    public PreflightSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        Bounds.requirePort(port);
        Bounds.requirePositiveTimeout(timeout);
    }


    static final List<String> KEYS = List.of("mode", "port", "timeout");

    /** {@code acme.preflight}; absent, the defaults. */
    static PreflightSettings parse(Section acme) {
        if (acme.get("preflight") == null) {
            return DEFAULTS;
        }
        Section preflight = acme.section("preflight", "a mapping with " + String.join(", ", KEYS), KEYS);
        String modeExpected = "advisory, strict or off";
        Object modeValue = preflight.get("mode");
        Mode mode = Mode.ADVISORY;
        if (Boolean.FALSE.equals(modeValue)) {
            mode = Mode.OFF; // YAML 1.1 reads an unquoted off as false
        } else if (modeValue != null) {
            String name = preflight.string("mode", modeExpected);
            mode = Arrays.stream(Mode.values())
                    .filter(m -> m.configName().equals(name.trim().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> preflight.valueError("mode", Shown.quote(name) + " is not a mode",
                            modeExpected));
        }
        return new PreflightSettings(mode, preflight.port("port", DEFAULT_PORT),
                preflight.seconds("timeout", DEFAULT_TIMEOUT));
    }
}
