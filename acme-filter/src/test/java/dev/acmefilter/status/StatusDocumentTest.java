package dev.acmefilter.status;

import dev.acmefilter.config.ExternalAccountBinding;
import dev.acmefilter.config.KeystoreSettings;
import dev.acmefilter.provision.FailureKind;
import dev.acmefilter.testing.CertificateFixture;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusDocumentTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final HealthRule RULE = new HealthRule(3, Duration.ofDays(14));

    @TempDir
    Path dir;

    private static StatusDocument document(CertificateFixture... fixtures) {
        List<CertificateStatus> snapshots = java.util.Arrays.stream(fixtures)
                .map(f -> CertificateStatus.of(f.certificate, f.clock)).toList();
        return new StatusDocument(snapshots, RULE, fixtures[0].clock.instant());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> only(Map<String, Object> json) {
        List<Object> list = (List<Object>) json.get("certificates");
        assertThat(list).hasSize(1);
        return (Map<String, Object>) list.get(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theJsonDescribesTheCertificateAndItsLastFailure() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        X509Certificate leaf = f.writeCertificate(90);
        f.nextCheck(CertificateFixture.Next.FAIL);
        Instant next = f.check();
        f.clock.advance(Duration.ofDays(2));

        Map<String, Object> root = JsonUtil.parseJson(document(f).json());

        assertThat(root.get("generated_at")).isEqualTo("2026-06-03T00:00:00Z");
        assertThat(root.get("healthy")).isEqualTo(true);
        Map<String, Object> c = only(root);
        assertThat(c.get("id")).isEqualTo("default");
        assertThat((List<Object>) c.get("names")).containsExactly("localhost", "matrix.example.org");
        assertThat(c.get("healthy")).isEqualTo(true);
        assertThat((List<Object>) c.get("problems")).isEmpty();
        assertThat(c.get("certificate_path")).isEqualTo(f.settings.certificatePath().toString());
        assertThat(c.get("challenge")).isEqualTo("http-01");
        assertThat(c).containsEntry("dns", null);
        Map<String, Object> cert = (Map<String, Object>) c.get("certificate");
        assertThat(cert.get("serial")).isEqualTo(leaf.getSerialNumber().toString(16));
        assertThat(cert.get("issuer")).isEqualTo("CN=localhost");
        assertThat(cert.get("not_before")).isEqualTo("2026-06-01T00:00:00Z");
        assertThat(cert.get("not_after")).isEqualTo("2026-08-30T00:00:00Z");
        assertThat(cert.get("days_left")).isEqualTo(88L);
        assertThat(c.get("certificate_problem")).isNull();
        assertThat(c.get("next_renewal")).isEqualTo("2026-07-31T00:00:00Z");
        assertThat(c.get("ari_window")).as("Pebble-like CA without ARI").isNull();
        assertThat(c.get("last_attempt")).isEqualTo("2026-06-01T00:00:00Z");
        assertThat(c.get("last_success")).isNull();
        assertThat(c.get("consecutive_failures")).isEqualTo(1L);
        assertThat(c.get("next_attempt")).isEqualTo(next.toString());
        Map<String, Object> error = (Map<String, Object>) c.get("last_error");
        assertThat((String) error.get("message")).startsWith("http-01 validation of matrix.example.org failed");
        assertThat(error.get("kind")).isEqualTo("validation");
        assertThat(error.get("acme_problem")).isEqualTo(Map.of("type", CertificateFixture.PROBLEM_TYPE,
                "detail", "Connection refused", "identifier", "matrix.example.org"));
        assertThat(c.get("last_delivery")).as("nothing delivered by this process").isNull();
        assertThat((List<Object>) c.get("alerted")).isEmpty();
        assertThat(c.get("since_start")).isEqualTo(Map.of("orders_started", 0L, "certificates_issued", 0L,
                "failed_checks", 1L));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLastErrorKindSurvivesARestartWithTheLastError() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.writeCertificate(90);
        f.nextCheck(CertificateFixture.Next.FAIL);
        f.check();

        CertificateFixture restarted = f.restarted();
        Map<String, Object> c = only(JsonUtil.parseJson(document(restarted).json()));

        Map<String, Object> error = (Map<String, Object>) c.get("last_error");
        assertThat((String) error.get("message")).startsWith("http-01 validation of matrix.example.org failed");
        assertThat(error.get("kind")).isEqualTo("validation");
        assertThat(error.get("acme_problem")).as("only what this process saw").isNull();
        assertThat(document(restarted).metrics().lines()).as("counters start over with the process")
                .contains("acme_check_failures_total{certificate=\"default\",kind=\"validation\"} 0");
    }

    @Test
    void theMetricsCarryOneLabelledSeriesPerCertificate() throws Exception {
        CertificateFixture a = CertificateFixture.create(dir.resolve("a"), T0);
        a.writeCertificate(90);
        a.nextCheck(CertificateFixture.Next.FAIL);
        a.check();
        Instant next = a.scheduler.state().nextAttempt();
        CertificateFixture b = CertificateFixture.create("chat \"2\"", dir.resolve("b"), T0, x -> { });

        String metrics = document(a, b).metrics();

        long expiry = T0.plus(Duration.ofDays(90)).getEpochSecond();
        assertThat(metrics.lines()).contains("""
                # TYPE acme_certificate_expiry_timestamp_seconds gauge
                acme_certificate_expiry_timestamp_seconds{certificate="default"} %d
                acme_certificate_present{certificate="default"} 1
                acme_certificate_present{certificate="chat \\"2\\""} 0
                acme_certificate_healthy{certificate="default"} 1
                acme_certificate_healthy{certificate="chat \\"2\\""} 0
                acme_certificate_last_attempt_timestamp_seconds{certificate="default"} %d
                acme_certificate_next_attempt_timestamp_seconds{certificate="default"} %d
                acme_certificate_consecutive_failures{certificate="default"} 1
                # TYPE acme_checks_failed_total counter
                acme_checks_failed_total{certificate="default"} 1
                acme_checks_failed_total{certificate="chat \\"2\\""} 0
                # TYPE acme_check_failures_total counter
                acme_check_failures_total{certificate="default",kind="validation"} 1
                acme_check_failures_total{certificate="default",kind="network"} 0
                acme_check_failures_total{certificate="chat \\"2\\"",kind="validation"} 0
                acme_orders_started_total{certificate="default"} 0
                acme_certificates_issued_total{certificate="default"} 0
                """.formatted(expiry, T0.getEpochSecond(), next.getEpochSecond()).lines().toArray(String[]::new));
        // base units only, as promtool check metrics wants them (time left: expiry minus time() in PromQL)
        assertThat(metrics).doesNotContain("_days");
        assertThat(metrics).as("no series for what the second certificate does not have")
                .doesNotContain("acme_certificate_expiry_timestamp_seconds{certificate=\"chat")
                .doesNotContain("acme_certificate_last_success_timestamp_seconds{");
        // every line is a comment or "name{labels} integer"
        assertThat(metrics.lines()).allMatch(l -> l.startsWith("# HELP ") || l.startsWith("# TYPE ")
                || l.matches("acme_[a-z_]+\\{certificate=\"([^\"\\\\]|\\\\.)*\"(,kind=\"[a-z_]+\")?} -?[0-9]+"));
        assertThat(metrics.lines().filter(l -> l.startsWith("acme_check_failures_total{certificate=\"default\"")))
                .as("every kind of failure has a series, at 0 until it happens").hasSize(FailureKind.values().length);
    }

    @Test
    void healthIsUnhealthyWhenAnyCertificateIs() throws Exception {
        CertificateFixture good = CertificateFixture.create(dir.resolve("good"), T0);
        good.writeCertificate(90);
        CertificateFixture bad = CertificateFixture.create("old", dir.resolve("bad"), T0, x -> { });
        bad.writeCertificate(T0.minus(Duration.ofDays(87)), T0.plus(Duration.ofDays(3)));

        StatusDocument doc = document(good, bad);

        assertThat(doc.healthy()).isFalse();
        assertThat(doc.healthText()).isEqualTo("""
                unhealthy
                default: ok
                old: the certificate expires at 2026-06-04T00:00:00Z, in 3 days (inside the warning window of 14 days)
                """);
        assertThat(document(good).healthText()).isEqualTo("healthy\ndefault: ok\n");
    }

    @Test
    void noKeyMaterialNorSecretEverShows() throws Exception {
        String password = "keystore-pass-Xyz";
        String mac = "c2VjcmV0LW1hYy1rZXktdmFsdWU";
        CertificateFixture f = CertificateFixture.create("default", dir, T0, b -> b
                .keystore(new KeystoreSettings(dir.resolve("acme.p12"), password, "acme"))
                .eab(new ExternalAccountBinding("kid-1", mac)));
        f.writeCertificate(90);
        String key = Files.readString(f.settings.privateKeyPath());
        String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

        StatusDocument doc = document(f);
        String all = doc.json() + doc.metrics() + doc.healthText();

        assertThat(all).doesNotContain(password, mac, "PRIVATE KEY", keyBody, "kid-1");
    }

    @Test
    void aClusterNodeAddsItsNodeTheDatabaseStateTheMembersAndTheLeases() throws Exception {
        CertificateFixture a = CertificateFixture.create(dir.resolve("a"), T0);
        a.writeCertificate(90);
        ClusterStatus up = new ClusterStatus("fe1", true, java.util.Optional.empty(), java.util.Optional.empty(), true,
                List.of(new ClusterStatus.Member("fe1", "0.1.0", T0, T0.plusSeconds(5)),
                        new ClusterStatus.Member("fe2", "0.1.0", T0, T0.plusSeconds(9))),
                List.of(new ClusterStatus.LeaseHolder("default", java.util.Optional.of("fe2"), 7, T0.plusSeconds(30),
                        true)));
        StatusDocument document = new StatusDocument(List.of(CertificateStatus.of(a.certificate, a.clock)), RULE,
                a.clock.instant(), java.util.Optional.of(up));

        assertThat(document.json()).contains("\"cluster\": {").contains("\"node\": \"fe1\"")
                .contains("\"database\": \"reachable\"").contains("\"holder\": \"fe2\"")
                .contains("\"fencing_token\": 7").contains("\"expires_at\": \"" + T0.plusSeconds(30) + "\"");
        assertThat(document.metrics().lines()).contains(
                "acme_cluster_database_up{node=\"fe1\"} 1",
                "acme_cluster_members{node=\"fe1\"} 2",
                "acme_cluster_lease_held{certificate=\"default\"} 1",
                "acme_cluster_lease_fencing_token{certificate=\"default\"} 7",
                "acme_cluster_lease_expiry_timestamp_seconds{certificate=\"default\"} " + T0.plusSeconds(30)
                        .getEpochSecond());
        assertThat(document.metrics().lines()).allMatch(l -> l.startsWith("# HELP ") || l.startsWith("# TYPE ")
                || l.matches("acme_[a-z_]+\\{(certificate|node)=\"([^\"\\\\]|\\\\.)*\"(,kind=\"[a-z_]+\")?} -?[0-9]+"));
        assertThat(document.healthText()).as("the database answers: nothing to say").doesNotContain("cluster");
        assertThat(document.healthy()).isTrue();

        ClusterStatus down = new ClusterStatus("fe1", false, java.util.Optional.of(T0),
                java.util.Optional.of("Connection refused (SQLSTATE 08001)"), false, List.of(), List.of());
        StatusDocument outage = new StatusDocument(List.of(CertificateStatus.of(a.certificate, a.clock)), RULE,
                a.clock.instant(), java.util.Optional.of(down));

        assertThat(outage.json()).contains("\"database\": \"unreachable\"")
                .contains("\"database_unreachable_since\": \"" + T0 + "\"")
                .contains("\"database_problem\": \"Connection refused (SQLSTATE 08001)\"");
        assertThat(outage.metrics().lines()).contains("acme_cluster_database_up{node=\"fe1\"} 0",
                "acme_cluster_members{node=\"fe1\"} 0");
        assertThat(outage.healthText()).contains("cluster: database unreachable since " + T0
                + ": Connection refused (SQLSTATE 08001) (certificates are served as they are; renewals wait for it)");
        assertThat(outage.healthy()).as("the certificate is valid and served").isTrue();
    }
}
