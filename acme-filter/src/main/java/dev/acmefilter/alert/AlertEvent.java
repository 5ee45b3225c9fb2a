package dev.acmefilter.alert;

import java.util.Locale;

/** What an alert announces. */
public enum AlertEvent {
    /** {@code acme.alerts.after_failures} checks in a row failed. */
    FAILING,
    /** The certificate entered the warning window before expiry (or expired), renewed or not. */
    EXPIRING,
    /** All is well again after a {@code failing} or {@code expiring} alert. */
    RECOVERED,
    /**
     * In a cluster: this node renews the certificate on its own, without the lease, because
     * the cluster database has been unreachable for {@code acme.cluster.standalone_after}.
     */
    STANDALONE;

    /** The lower-case name used in the environment, the JSON and the state file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
