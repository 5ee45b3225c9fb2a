package dev.acmefilter.status;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.config.StatusSettings;
import dev.acmefilter.net.AddressRange;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.testing.CertificateFixture;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoints over real HTTP, in a real Jetty on 127.0.0.1, mapped at /acme/* as the WAR maps them. */
class StatusServletTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Server jetty;
    private URI base;

    /** The servlet as the WAR subclasses it, on a fixture's certificate and clock. */
    static final class TestStatusServlet extends StatusServlet {
        private static final long serialVersionUID = 1L;
        final transient CertificateFixture fixture;
        final transient StatusSettings settings;

        TestStatusServlet(CertificateFixture fixture, StatusSettings settings) {
            this.fixture = fixture;
            this.settings = settings;
        }

        @Override
        protected List<ManagedCertificate> certificates() {
            return List.of(fixture.certificate);
        }

        @Override
        protected StatusSettings statusSettings() {
            return settings;
        }

        @Override
        protected AlertSettings alertSettings() {
            return AlertSettings.DEFAULTS;
        }

        @Override
        protected Clock clock() {
            return fixture.clock;
        }
    }

    private void start(CertificateFixture fixture, StatusSettings settings) throws Exception {
        jetty = new Server();
        ServerConnector http = new ServerConnector(jetty);
        http.setHost("127.0.0.1");
        http.setPort(0);
        jetty.addConnector(http);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new TestStatusServlet(fixture, settings)), "/acme/*");
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + http.getLocalPort() + "/acme/");
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void loopbackGetsStatusMetricsAndHealth() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        X509Certificate leaf = f.writeCertificate(90);
        start(f, StatusSettings.DEFAULTS);

        HttpResponse<String> status = get("status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type").map(v -> v.replace(" ", "")))
                .hasValue("application/json;charset=utf-8");
        assertThat(status.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> json = JsonUtil.parseJson(status.body());
        Map<String, Object> c = (Map<String, Object>) ((List<Object>) json.get("certificates")).get(0);
        assertThat(((Map<String, Object>) c.get("certificate")).get("serial"))
                .isEqualTo(leaf.getSerialNumber().toString(16));

        HttpResponse<String> metrics = get("metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").map(v -> v.replace(" ", "")))
                .hasValue("text/plain;version=0.0.4;charset=utf-8");
        assertThat(metrics.body()).contains("acme_certificate_present{certificate=\"default\"} 1\n");

        HttpResponse<String> health = get("health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("healthy\ndefault: ok\n");
    }

    @Test
    void healthAnswers503InsideTheWarningWindow() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.writeCertificate(90);
        f.clock.advance(Duration.ofDays(80));
        start(f, StatusSettings.DEFAULTS);

        HttpResponse<String> health = get("health");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).startsWith("unhealthy\ndefault: the certificate expires at 2026-08-30T00:00:00Z,"
                + " in 10 days");
    }

    @Test
    void aClientOutsideTheAllowListGets403WithTheReason() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        // this test can only connect from loopback: an allow list without it makes this client a stranger
        start(f, new StatusSettings(true, List.of(AddressRange.parse("10.0.0.0/8").orElseThrow())));

        for (String path : List.of("status", "metrics", "health", "anything")) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(403);
            assertThat(answer.body()).as(path)
                    .isEqualTo("forbidden: the client 127.0.0.1 is not in acme.status.allow\n");
        }
    }

    @Test
    void aRequestThroughAProxyIsJudgedByTheClientItWasForwardedFor() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.writeCertificate(90);
        start(f, new StatusSettings(true, List.of(AddressRange.IPV4_LOOPBACK,
                AddressRange.parse("192.0.2.0/24").orElseThrow())));

        HttpResponse<String> stranger = get("status", "X-Forwarded-For", "203.0.113.5");
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(stranger.body()).isEqualTo("forbidden: the client forwarded by X-Forwarded-For 203.0.113.5 is not"
                + " in acme.status.allow\n");
        assertThat(get("status", "X-Forwarded-For", "192.0.2.9, 203.0.113.5").statusCode()).isEqualTo(403);
        assertThat(get("status", "Forwarded", "for=192.0.2.9;proto=https").statusCode()).isEqualTo(200);
        assertThat(get("health", "X-Forwarded-For", "192.0.2.9").statusCode()).isEqualTo(200);
    }

    @Test
    void turnedOffEveryPathIsNotFound() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        start(f, new StatusSettings(false, StatusSettings.LOOPBACK));

        for (String path : List.of("status", "metrics", "health")) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.body()).as(path).isEqualTo("not found\n");
        }
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        start(f, StatusSettings.DEFAULTS);

        HttpResponse<String> unknown = get("keys");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("not found; try /acme/status, /metrics or /health\n");
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(base.resolve("status"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
