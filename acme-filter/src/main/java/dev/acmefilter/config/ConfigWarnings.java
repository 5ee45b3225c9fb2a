package dev.acmefilter.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What a load noticed but accepted (unknown keys, the retired ACME v1 URLs), in the order
 * it noticed them. Each one is logged at WARNING as it is found, unless the load is quiet
 * (a read-ahead whose warnings the real load reports).
 */
final class ConfigWarnings {
    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());

    private final List<String> messages = new ArrayList<>();
    private final boolean logged;

    ConfigWarnings(boolean logged) {
        this.logged = logged;
    }

    void add(String message) {
        messages.add(message);
        if (logged) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }

    /** Logs an informational line about the config, unless the load is quiet. */
    void info(String message) {
        if (logged) {
            LOG.log(System.Logger.Level.INFO, message);
        }
    }

    List<String> messages() {
        return List.copyOf(messages);
    }
}
