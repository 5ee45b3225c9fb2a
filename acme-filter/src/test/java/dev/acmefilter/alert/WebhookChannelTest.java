package dev.acmefilter.alert;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.output.Pem;
import dev.acmefilter.output.TestCerts;
import dev.acmefilter.testing.CertificateFixture;
import dev.acmefilter.testing.LogRecords;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static dev.acmefilter.alert.AlertSteps.failChecks;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts through a real webhook: a local HTTP(S) receiver counts the POSTs while the
 * renewal loop of a certificate fails again and again, then recovers.
 */
class WebhookChannelTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final String TOKEN = "T000/B000/very-secret-token";

    @TempDir
    Path dir;

    private HttpServer receiver;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private volatile int answer = 200;
    private AlertChannels channels;

    private URI startReceiver(HttpServer server, String scheme) {
        receiver = server;
        receiver.createContext("/hooks/", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        receiver.start();
        String host = scheme.equals("https") ? "localhost" : "127.0.0.1";
        return URI.create(scheme + "://" + host + ":" + receiver.getAddress().getPort() + "/hooks/" + TOKEN);
    }

    @AfterEach
    void stop() {
        if (channels != null) {
            channels.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private CertificateFixture watched(URI webhook, Consumer<CertificateSettings.Builder> more) throws Exception {
        CertificateFixture f = CertificateFixture.create("default", dir, T0, more);
        channels = AlertSteps.watchThroughConfiguredChannels(f, new AlertSettings(Optional.empty(),
                Optional.of(webhook), 3, Duration.ofDays(14), Duration.ofSeconds(5)));
        return f;
    }

    @Test
    void oneJsonPostPerStateChangeAcrossManyFailingChecks() throws Exception {
        URI webhook = startReceiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
        CertificateFixture f = watched(webhook, b -> { });

        failChecks(f, 12);
        assertThat(bodies).as("POSTs after 12 failed checks").hasSize(1);
        f.nextCheck(CertificateFixture.Next.RENEW);
        f.check();
        f.check();
        f.check();

        assertThat(bodies).as("POSTs after the recovery and two quiet checks").hasSize(2);
        assertThat(contentTypes).containsOnly("application/json; charset=utf-8");
        Map<String, Object> failing = JsonUtil.parseJson(bodies.get(0));
        assertThat(failing.get("event")).isEqualTo("failing");
        assertThat(failing.get("certificate")).isEqualTo("default");
        assertThat(failing.get("names")).isEqualTo(List.of("localhost", "matrix.example.org"));
        assertThat(failing.get("consecutive_failures")).isEqualTo(3L);
        assertThat((String) failing.get("last_error")).contains(CertificateFixture.PROBLEM_TYPE);
        assertThat(failing.get("last_error_kind")).isEqualTo("validation");
        assertThat((String) failing.get("message")).startsWith("certificate default");
        assertThat(failing.get("days_left")).isInstanceOf(Long.class);
        Map<String, Object> recovered = JsonUtil.parseJson(bodies.get(1));
        assertThat(recovered.get("event")).isEqualTo("recovered");
        assertThat(recovered.get("consecutive_failures")).isEqualTo(0L);
        assertThat(recovered.get("last_error")).isNull();
        assertThat(recovered.get("last_error_kind")).isNull();
    }

    @Test
    void aFailingWebhookIsLoggedWithoutItsTokenAndRenewalGoesOn() throws Exception {
        URI webhook = startReceiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http");
        answer = 500;
        CertificateFixture f = watched(webhook, b -> { });

        try (LogRecords log = new LogRecords(AlertChannels.class)) {
            failChecks(f, 3);
            f.nextCheck(CertificateFixture.Next.RENEW);
            f.check();

            assertThat(bodies).as("one attempt per alert, no retries").hasSize(2);
            assertThat(f.scheduler.state().consecutiveFailures()).as("the renewal went on").isZero();
            String port = Integer.toString(receiver.getAddress().getPort());
            assertThat(log.lines()).contains("WARNING The webhook http://127.0.0.1:" + port + "/... could not deliver"
                    + " the failing alert for certificate default (not retried): answered HTTP 500");
            assertThat(String.join("\n", log.lines())).doesNotContain("very-secret-token");
        }
    }

    @Test
    void httpsIsVerifiedWithTheConfiguredCaCertificates() throws Exception {
        KeyPair key = TestCerts.ecKey();
        X509Certificate cert = TestCerts.validFor(key, Instant.now(), 30, "localhost");
        Path pem = dir.resolve("receiver-ca.pem");
        StringWriter text = new StringWriter();
        Pem.writeCertificates(text, List.of(cert));
        Files.writeString(pem, text.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("receiver", key.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "pw".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        URI webhook = startReceiver(server, "https");

        CertificateFixture trusting = watched(webhook, b -> b.caCertificates(pem));
        failChecks(trusting, 3);
        assertThat(bodies).as("delivered over HTTPS trusted through acme.ca_certificates").hasSize(1);
        channels.close();

        Path other = Files.createDirectories(dir.resolve("other"));
        dir = other;
        try (LogRecords log = new LogRecords(AlertChannels.class)) {
            CertificateFixture untrusting = watched(webhook, b -> { });
            failChecks(untrusting, 3);
            assertThat(bodies).as("never delivered to a server the JVM does not trust").hasSize(1);
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARNING The webhook https://localhost:"
                    + receiver.getAddress().getPort() + "/... could not deliver the failing alert for certificate"
                    + " default (not retried): cannot be reached: javax.net.ssl.SSLHandshakeException"));
        }
    }
}
