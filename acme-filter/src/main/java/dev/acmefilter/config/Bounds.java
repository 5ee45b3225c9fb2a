package dev.acmefilter.config;

import java.time.Duration;

/**
 * The range checks the settings records share, so that "a port" and "a timeout" mean the
 * same in every section. The section parsers report a value out of range with the key that
 * set it; these checks guard the records built in code (tests, the webapp's defaults).
 */
final class Bounds {

    /** The highest TCP or UDP port. */
    static final int MAX_PORT = 65535;

    private Bounds() {
    }

    /** Whether {@code port} is a TCP or UDP port, 1 to {@value #MAX_PORT}. */
    static boolean isPort(int port) {
        return port >= 1 && port <= MAX_PORT;
    }

    /**
     * @throws IllegalArgumentException when {@code port} is not 1 to {@value #MAX_PORT}
     */
    static void requirePort(int port) {
        if (!isPort(port)) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    static void requirePositiveTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }
}
