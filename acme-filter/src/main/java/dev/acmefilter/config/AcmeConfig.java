package dev.acmefilter.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the admin's Synapse configuration says about certificates, as a whole: the settings
 * that concern the process (listening, the account, status, alerts, how many orders at
 * once) and the {@link CertificateSettings} of each certificate to keep valid. Read by
 * {@link ConfigLoader}, or built by hand with {@link #builder()}. Immutable.
 *
 * @param files               the config files read, in order (empty when built by hand)
 * @param serverName          Synapse's {@code server_name} as written, null when absent
 * @param enabled             {@code acme.enabled}: when false only challenges are served
 * @param listen              {@code acme.port} and {@code acme.bind_addresses}
 * @param account             the ACME account and CA every certificate shares
 * @param stateDir            where renewal state and the admin command's challenges are kept
 * @param maxConcurrentOrders {@code acme.max_concurrent_orders}: how many certificates may be ordered at once
 * @param status              {@code acme.status}: who may read the status, metrics and health endpoints
 * @param alerts              {@code acme.alerts}: alert command, webhook and thresholds (also for health)
 * @param certificates        the certificates to keep valid, Synapse's own ({@code default}) first
 * @param cluster             {@code acme.cluster}: the database this node shares with the others; empty: alone
 * @param warnings            what the loader noticed but accepted (unknown keys, v01 URLs)
 */
public record AcmeConfig(List<Path> files, String serverName, boolean enabled, ListenSettings listen,
                         AccountSettings account, Path stateDir, int maxConcurrentOrders, StatusSettings status,
                         AlertSettings alerts, List<CertificateSettings> certificates,
                         Optional<ClusterSettings> cluster, List<String> warnings) {

    /**
     * Orders in flight at once: enough that 50 certificates do not queue behind a slow CA,
     * few enough that a CA's per-account limits (Let's Encrypt: 300 new orders per 3 hours)
     * and the http-01 listener are not flooded.
     */
    public static final int DEFAULT_MAX_CONCURRENT_ORDERS = 4;

    public AcmeConfig {
        files = List.copyOf(files);
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(alerts, "alerts");
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(cluster, "cluster");
        warnings = List.copyOf(warnings);
        if (maxConcurrentOrders < 1) {
            throw new IllegalArgumentException("maxConcurrentOrders must be 1 or more: " + maxConcurrentOrders);
        }
        if (stateDir == null && account.accountKeyFile() != null) {
            stateDir = account.accountKeyFile().toAbsolutePath().getParent();
        }
    }

    /** A config without a cluster: the node works alone. */
    public AcmeConfig(List<Path> files, String serverName, boolean enabled, ListenSettings listen,
                      AccountSettings account, Path stateDir, int maxConcurrentOrders, StatusSettings status,
                      AlertSettings alerts, List<CertificateSettings> certificates, List<String> warnings) {
        this(files, serverName, enabled, listen, account, stateDir, maxConcurrentOrders, status, alerts, certificates,
                Optional.empty(), warnings);
    }

    /** The certificate with this id ({@code default} for Synapse's own). */
    public Optional<CertificateSettings> certificate(String id) {
        return certificates.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The files read, for messages: {@code a.yaml, conf.d/b.yaml}, or "the settings built by hand". */
    public String describeFiles() {
        return files.isEmpty() ? "the settings built by hand"
                : String.join(", ", files.stream().map(Path::toString).toList());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a config by hand around certificates built with {@link CertificateSettings#builder()}; for tests. */
    public static final class Builder {
        private final List<Path> files = new ArrayList<>();
        private String serverName;
        private boolean enabled = true;
        private ListenSettings listen = ListenSettings.DEFAULTS;
        private AccountSettings account;
        private Path stateDir;
        private int maxConcurrentOrders = DEFAULT_MAX_CONCURRENT_ORDERS;
        private StatusSettings status = StatusSettings.DEFAULTS;
        private AlertSettings alerts = AlertSettings.DEFAULTS;
        private final List<CertificateSettings> certificates = new ArrayList<>();
        private ClusterSettings cluster;

        private Builder() {
        }

        public Builder file(Path file) { this.files.add(file); return this; }
        public Builder serverName(String name) { this.serverName = name; return this; }
        public Builder enabled(boolean on) { this.enabled = on; return this; }
        public Builder listen(ListenSettings value) { this.listen = value; return this; }
        public Builder account(AccountSettings value) { this.account = value; return this; }
        public Builder stateDir(Path dir) { this.stateDir = dir; return this; }
        public Builder maxConcurrentOrders(int n) { this.maxConcurrentOrders = n; return this; }
        public Builder status(StatusSettings value) { this.status = value; return this; }
        public Builder alerts(AlertSettings value) { this.alerts = value; return this; }
        public Builder cluster(ClusterSettings value) { this.cluster = value; return this; }
        /** Adds a certificate; the first one added also gives the account and state folder when not set. */
        public Builder certificate(CertificateSettings certificate) { this.certificates.add(certificate); return this; }

        public AcmeConfig build() {
            AccountSettings shared = account;
            Path state = stateDir;
            if (!certificates.isEmpty()) {
                shared = shared != null ? shared : certificates.get(0).account();
                state = state != null ? state : certificates.get(0).stateDir();
            }
            if (shared == null) {
                shared = CertificateSettings.builder().account();
            }
            return new AcmeConfig(files, serverName, enabled, listen, shared, state, maxConcurrentOrders, status,
                    alerts, certificates, Optional.ofNullable(cluster), List.of());
        }
    }
}
