package dev.acmefilter.status;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.challenge.ChallengeFilter;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.StatusToken;
import jakarta.servlet.DispatcherType;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
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
    private Tomcat tomcat;
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
        start(Container.JETTY, fixture, settings);
    }

    /** The two containers the WAR is tested in; they decode and normalise request paths differently. */
    enum Container { JETTY, TOMCAT }

    /** The servlet at /acme/* and the challenge filter at its path, as the WAR's web.xml maps them. */
    private void start(Container container, CertificateFixture fixture, StatusSettings settings) throws Exception {
        StatusServlet servlet = new TestStatusServlet(fixture, settings);
        ChallengeFilter challenges = new ChallengeFilter(new InMemoryChallengeStore());
        int port;
        if (container == Container.JETTY) {
            jetty = new Server();
            ServerConnector http = new ServerConnector(jetty);
            http.setHost("127.0.0.1");
            http.setPort(0);
            jetty.addConnector(http);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder(servlet), "/acme/*");
            context.addFilter(new FilterHolder(challenges), "/.well-known/acme-challenge/*",
                    EnumSet.of(DispatcherType.REQUEST));
            jetty.setHandler(context);
            jetty.start();
            port = http.getLocalPort();
        } else {
            tomcat = new Tomcat();
            tomcat.setBaseDir(dir.resolve("tomcat").toString());
            Connector http = new Connector();
            http.setPort(0);
            http.setProperty("address", "127.0.0.1");
            tomcat.getService().addConnector(http);
            tomcat.setConnector(http);
            Context context = tomcat.addContext("", null);
            Tomcat.addServlet(context, "acme-status", servlet);
            context.addServletMappingDecoded("/acme/*", "acme-status");
            FilterDef filter = new FilterDef();
            filter.setFilterName("acme-challenge");
            filter.setFilter(challenges);
            context.addFilterDef(filter);
            FilterMap mapping = new FilterMap();
            mapping.setFilterName("acme-challenge");
            mapping.addURLPatternDecoded("/.well-known/acme-challenge/*");
            context.addFilterMap(mapping);
            tomcat.start();
            port = http.getLocalPort();
        }
        base = URI.create("http://127.0.0.1:" + port + "/acme/");
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /** Status code and body of a request sent exactly as written: no client normalises its path. */
    private record Raw(int status, String body) {
    }

    private Raw raw(String path, String... headerLines) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readNBytes(1 << 20), StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyStart = response.indexOf("\r\n\r\n");
            return new Raw(status, bodyStart < 0 ? "" : response.substring(bodyStart + 4));
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

    // ------------------------------------------------------------ only the exact path, behind a proxy too

    /**
     * Paths a reverse proxy that forwards {@code /.well-known/acme-challenge} passes on as they
     * are, and that a container may decode or normalise into {@code /acme/status} (Tomcat turns
     * {@code ..;} into {@code ..}), plus other spellings of the same path.
     */
    static final List<String> DISGUISED_STATUS_PATHS = List.of(
            "/.well-known/acme-challenge/..;/..;/acme/status",
            "/.well-known/acme-challenge/..;/..;/acme/metrics",
            "/.well-known/acme-challenge/%2e%2e/%2e%2e/acme/status",
            "/.well-known/acme-challenge/%2E%2E/%2E%2E/acme/health",
            "/.well-known/acme-challenge/../../acme/status",
            "/.well-known/acme-challenge/.%2e/.%2e/acme/status",
            "/x/../acme/status",
            "/acme/./status",
            "/acme//status",
            "/acme/%73tatus",
            "/acme/status;x=1",
            "/acme;x=1/status",
            "/acme/status%3bx",
            "/acme/status/");

    @ParameterizedTest
    @EnumSource(Container.class)
    void theStatusIsServedOnlyAtItsExactPathInBothContainers(Container container) throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.writeCertificate(90);
        start(container, f, StatusSettings.DEFAULTS);

        Raw plain = raw("/acme/status");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.body()).contains("\"certificates\"");
        for (String path : DISGUISED_STATUS_PATHS) {
            Raw answer = raw(path);
            assertThat(answer.status()).as(container + " " + path + ": " + answer.body()).isIn(400, 404);
            assertThat(answer.body()).as(container + " " + path).doesNotContain("certificates")
                    .doesNotContain("acme_certificate").doesNotContain("healthy");
        }
    }

    // ------------------------------------------------------------ bearer token

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @ParameterizedTest
    @EnumSource(Container.class)
    void withATokenFileEveryEndpointWantsTheBearerToken(Container container) throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        f.writeCertificate(90);
        start(container, f, new StatusSettings(true, StatusSettings.LOOPBACK, Optional.of(StatusToken.of(TOKEN))));

        for (String path : List.of("/acme/status", "/acme/metrics", "/acme/health")) {
            Raw none = raw(path);
            assertThat(none.status()).as(path).isEqualTo(401);
            assertThat(none.body()).isEqualTo("unauthorized: no bearer token (acme.status.token_file)\n");
            Raw wrong = raw(path, "Authorization: Bearer " + TOKEN.replace('f', 'e'));
            assertThat(wrong.status()).as(path).isEqualTo(401);
            assertThat(wrong.body()).isEqualTo("unauthorized: wrong bearer token (acme.status.token_file)\n");
            assertThat(raw(path, "Authorization: Basic " + TOKEN).status()).as(path).isEqualTo(401);
            assertThat(raw(path, "Authorization: Bearer " + TOKEN + "0").status()).as(path).isEqualTo(401);
            Raw right = raw(path, "Authorization: Bearer " + TOKEN);
            assertThat(right.status()).as(path).isEqualTo(200);
            assertThat(right.body()).doesNotContain(TOKEN);
            assertThat(raw(path, "Authorization: bearer  " + TOKEN).status()).as("scheme in any case")
                    .isEqualTo(200);
        }
        HttpResponse<String> challenge = get("status");
        assertThat(challenge.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"acme-status\"");
    }

    @Test
    void theTokenDoesNotLetAClientOutsideTheAllowListIn() throws Exception {
        CertificateFixture f = CertificateFixture.create(dir, T0);
        start(f, new StatusSettings(true, List.of(AddressRange.parse("10.0.0.0/8").orElseThrow()),
                Optional.of(StatusToken.of(TOKEN))));

        assertThat(raw("/acme/status", "Authorization: Bearer " + TOKEN).status()).isEqualTo(403);
    }
}
