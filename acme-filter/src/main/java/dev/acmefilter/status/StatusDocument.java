package dev.acmefilter.status;

import dev.acmefilter.provision.Delivery;
import dev.acmefilter.provision.FailureKind;
import dev.acmefilter.state.RenewalState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static dev.acmefilter.status.Json.object;

/**
 * The three answers of the status endpoints, built from {@link CertificateStatus}
 * snapshots: the JSON status (an array of certificates, each with its {@code id}), the
 * Prometheus text metrics (each series labelled {@code certificate="<id>"}) and the health
 * text. Times are ISO-8601 UTC in JSON and Unix seconds in metrics; absent values are JSON
 * nulls and missing series. A cluster node adds its {@link ClusterStatus}: a {@code cluster}
 * object in JSON, {@code acme_cluster_*} metrics, and a line in the health text while the
 * database is unreachable (the certificates are judged as always: the files keep being served).
 */
public final class StatusDocument {

    private final List<CertificateStatus> certificates;
    private final List<Health> health;
    private final Instant at;
    private final Optional<ClusterStatus> cluster;

    public StatusDocument(List<CertificateStatus> certificates, HealthRule rule, Instant at) {
        this(certificates, rule, at, Optional.empty());
    }

    public StatusDocument(List<CertificateStatus> certificates, HealthRule rule, Instant at,
                          Optional<ClusterStatus> cluster) {
        this.certificates = List.copyOf(certificates);
        this.health = this.certificates.stream().map(rule::judge).toList();
        this.at = at;
        this.cluster = cluster;
    }

    /** Healthy when every certificate is (and when there is none: nothing is wrong). */
    public boolean healthy() {
        return health.stream().allMatch(Health::healthy);
    }

    // ---------------------------------------------------------------- JSON

    /** The JSON status document. */
    public String json() {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            list.add(certificate(certificates.get(i), health.get(i)));
        }
        Map<String, Object> root = object("generated_at", at, "healthy", healthy(), "certificates", list);
        cluster.ifPresent(c -> root.put("cluster", cluster(c)));
        return Json.write(root);
    }

    private static Map<String, Object> cluster(ClusterStatus c) {
        return object(
                "node", c.node(),
                "database", c.databaseState(),
                "database_unreachable_since", c.unreachableSince(),
                "database_problem", c.problem(),
                "listening", c.listening(),
                "members", c.members().stream().map(member -> object(
                        "node", member.node(),
                        "version", member.version(),
                        "started_at", member.startedAt(),
                        "last_seen", member.lastSeen())).toList(),
                "leases", c.leases().stream().map(lease -> object(
                        "certificate", lease.certificateId(),
                        "holder", lease.holder(),
                        "fencing_token", lease.fencingToken(),
                        "expires_at", lease.expiresAt(),
                        "held", lease.held())).toList());
    }

    private static Map<String, Object> certificate(CertificateStatus s, Health h) {
        RenewalState state = s.state();
        return object(
                "id", s.id(),
                "names", s.names(),
                "healthy", h.healthy(),
                "problems", h.problems(),
                "certificate_path", s.certificatePath() == null ? null : s.certificatePath().toString(),
                "challenge", s.challenge().type().configName(),
                "dns", s.challenge().dns01().map(d -> d.describe()),
                "certificate", s.onDisk().map(d -> object(
                        "serial", d.serial(),
                        "issuer", d.issuer(),
                        "subject", d.subject(),
                        "dns_names", d.dnsNames(),
                        "not_before", d.notBefore(),
                        "not_after", d.notAfter(),
                        "days_left", s.daysLeft())),
                "certificate_problem", s.diskProblem(),
                "next_renewal", s.nextRenewal(),
                "ari_window", s.ariWindow().map(w -> object(
                        "start", w.start(),
                        "end", w.end(),
                        "explanation", w.explanation().map(Object::toString))),
                "last_attempt", state.lastAttempt(),
                "last_success", state.lastSuccess(),
                "consecutive_failures", state.consecutiveFailures(),
                "next_attempt", state.nextAttempt(),
                "order_in_progress", state.pendingOrder() != null,
                "last_error", state.lastError() == null ? null : object(
                        "message", state.lastError(),
                        "kind", state.lastErrorKind(),
                        "acme_problem", s.lastProblem().map(p -> object(
                                "type", p.type(),
                                "detail", p.detail(),
                                "identifier", p.identifier()))),
                "last_delivery", s.lastDelivery().map(StatusDocument::delivery),
                "delivery_settings", deliverySettings(s),
                "alerted", state.alerted() == null ? List.of() : Arrays.asList(state.alerted().split(",")),
                "since_start", object(
                        "orders_started", s.ordersStarted(),
                        "certificates_issued", s.certificatesIssued(),
                        "failed_checks", s.failedChecks()));
    }

    /**
     * How a new certificate is delivered, as configured or derived from Synapse's own keys
     * (verify from its TLS listener): what the admin may not have written anywhere. A reload
     * command is shown only as present, as it may hold a token.
     */
    private static Map<String, Object> deliverySettings(CertificateStatus s) {
        return object(
                "reload", s.reload().map(r -> object(
                        "signal", r.signals() ? r.signal().get().killName() : null,
                        "pid_file", r.signals() ? r.pidFile().get().toString() : null,
                        "command", r.command().isPresent())),
                "verify", s.verify().map(v -> object(
                        "address", v.address(),
                        "server_name", v.serverName(),
                        "from", v.from())));
    }

    private static Map<String, Object> delivery(Delivery d) {
        return object(
                "at", d.at(),
                "ok", d.ok(),
                "keystore", d.keystore(),
                "reload", d.reload().map(r -> object(
                        "ok", r.ok(),
                        "message", r.message())),
                "verify", d.verify().map(v -> object(
                        "outcome", v.outcome().name().toLowerCase(Locale.ROOT),
                        "message", v.message())));
    }

    // ---------------------------------------------------------------- Prometheus

    /** The metrics in Prometheus' text exposition format 0.0.4. */
    public String metrics() {
        PrometheusText p = new PrometheusText();
        p.family("acme_certificate_expiry_timestamp_seconds", "gauge",
                "When the certificate on disk expires (its notAfter), in Unix seconds.");
        certificates.forEach(s -> s.onDisk().ifPresent(d -> p.sample(s.id(), d.notAfter().getEpochSecond())));
        p.family("acme_certificate_present", "gauge", "1 when a readable certificate is on disk, else 0.");
        certificates.forEach(s -> p.sample(s.id(), s.onDisk().isPresent() ? 1 : 0));
        p.family("acme_certificate_healthy", "gauge", "1 when /acme/health counts the certificate as healthy, else 0.");
        for (int i = 0; i < certificates.size(); i++) {
            p.sample(certificates.get(i).id(), health.get(i).healthy() ? 1 : 0);
        }
        p.family("acme_certificate_last_success_timestamp_seconds", "gauge",
                "When a check last ended well (certificate kept or issued), in Unix seconds.");
        certificates.forEach(s -> seconds(p, s.id(), s.state().lastSuccess()));
        p.family("acme_certificate_last_attempt_timestamp_seconds", "gauge",
                "When the last check started, in Unix seconds.");
        certificates.forEach(s -> seconds(p, s.id(), s.state().lastAttempt()));
        p.family("acme_certificate_next_attempt_timestamp_seconds", "gauge",
                "When the next check is due, in Unix seconds.");
        certificates.forEach(s -> seconds(p, s.id(), s.state().nextAttempt()));
        p.family("acme_certificate_consecutive_failures", "gauge", "Checks failed in a row since the last success.");
        certificates.forEach(s -> p.sample(s.id(), s.state().consecutiveFailures()));
        p.family("acme_certificate_last_delivery_ok", "gauge",
                "1 when keystore, reload and live verification after the last new certificate all worked, else 0.");
        certificates.forEach(s -> s.lastDelivery().ifPresent(d -> p.sample(s.id(), d.ok() ? 1 : 0)));
        p.family("acme_orders_started_total", "counter", "ACME orders placed or resumed since the start.");
        certificates.forEach(s -> p.sample(s.id(), s.ordersStarted()));
        p.family("acme_certificates_issued_total", "counter", "Certificates issued and written since the start.");
        certificates.forEach(s -> p.sample(s.id(), s.certificatesIssued()));
        p.family("acme_checks_failed_total", "counter", "Certificate checks that failed since the start.");
        certificates.forEach(s -> p.sample(s.id(), s.failedChecks()));
        p.family("acme_check_failures_total", "counter",
                "Certificate checks that failed since the start, by the kind of failure (see last_error.kind).");
        for (CertificateStatus s : certificates) {
            for (FailureKind kind : FailureKind.values()) {
                p.sample(s.id(), "kind", kind.label(), s.failedChecksByKind().getOrDefault(kind.label(), 0L));
            }
        }
        cluster.ifPresent(c -> clusterMetrics(p, c));
        return p.toString();
    }

    private static void clusterMetrics(PrometheusText p, ClusterStatus c) {
        p.family("acme_cluster_database_up", "gauge", "1 when the last use of the cluster database worked, else 0.");
        p.sample("node", c.node(), c.databaseReachable() ? 1 : 0);
        p.family("acme_cluster_members", "gauge", "Cluster nodes seen in the last minute (0 while the database is"
                + " unreachable).");
        p.sample("node", c.node(), c.members().size());
        p.family("acme_cluster_lease_held", "gauge", "1 while a node holds the certificate's lease, else 0.");
        c.leases().forEach(l -> p.sample(l.certificateId(), l.held() ? 1 : 0));
        p.family("acme_cluster_lease_fencing_token", "gauge", "The fencing token of the certificate's last lease grant.");
        c.leases().forEach(l -> p.sample(l.certificateId(), l.fencingToken()));
        p.family("acme_cluster_lease_expiry_timestamp_seconds", "gauge",
                "When the certificate's lease ends unless renewed, in Unix seconds.");
        c.leases().forEach(l -> p.sample(l.certificateId(), l.expiresAt().getEpochSecond()));
    }

    private static void seconds(PrometheusText p, String id, Instant t) {
        if (t != null) {
            p.sample(id, t.getEpochSecond());
        }
    }

    // ---------------------------------------------------------------- health

    /** One line for the whole, then one per problem (or {@code <id>: ok}). */
    public String healthText() {
        StringBuilder out = new StringBuilder(healthy() ? "healthy\n" : "unhealthy\n");
        if (health.isEmpty()) {
            out.append("no certificate is managed (acme.enabled is false)\n");
        }
        cluster.filter(c -> !c.databaseReachable()).ifPresent(c -> out.append("cluster: database unreachable")
                .append(c.unreachableSince().map(t -> " since " + t).orElse(""))
                .append(c.problem().map(p -> ": " + p.replaceAll("[\\r\\n]+", " ")).orElse(""))
                .append(" (certificates are served as they are; renewals wait for it)\n"));
        for (Health h : health) {
            if (h.healthy()) {
                out.append(h.id()).append(": ok\n");
            }
            for (String problem : h.problems()) {
                out.append(h.id()).append(": ").append(problem.replaceAll("[\\r\\n]+", " ")).append('\n');
            }
        }
        return out.toString();
    }
}
