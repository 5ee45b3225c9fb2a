package dev.acmefilter.provision;

import dev.acmefilter.config.AlertSettings;
import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.config.ReloadSettings;
import dev.acmefilter.config.ReloadSignal;
import dev.acmefilter.config.VerifySettings;
import dev.acmefilter.output.CertificatePairWriter;
import dev.acmefilter.output.FileOptions;
import dev.acmefilter.output.TestCerts;
import dev.acmefilter.reload.VerifyResult;
import dev.acmefilter.renewal.RenewalScheduler;
import dev.acmefilter.status.CertificateStatus;
import dev.acmefilter.status.HealthRule;
import dev.acmefilter.status.StatusDocument;
import dev.acmefilter.testing.PebbleExtension;
import dev.acmefilter.testing.ProvisionerRuns;
import org.eclipse.jetty.server.Server;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The homeserver really serves the renewed certificate: a TLS server that behaves like
 * Synapse (reads the PEM pair from the two configured paths, writes a pid file, reloads
 * them on SIGHUP; here nginx, which does exactly that) serves a certificate about to
 * expire; the provisioner replaces it, signals the server and proves through a TLS
 * handshake that the new serial is served; the status JSON built from the same provisioner
 * then reports that reload and that verification.
 */
class DeliveryTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> { });

    @TempDir
    Path dir;

    private Process nginx;
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(5, TimeUnit.SECONDS);
            if (nginx.isAlive()) {
                nginx.destroyForcibly();
            }
            // the master's workers go with it; reap any left
            nginx.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        if (jetty != null) {
            jetty.stop();
        }
    }

    @Test
    void aCertificateAboutToExpireIsReplacedReloadedAndServed() throws Exception {
        Homeserver server = serveACertificateAboutToExpire();
        int tlsPort = server.tlsPort();
        Path pidFile = server.pidFile();
        assertThat(servedSerial(tlsPort)).as("serial served before the renewal")
                .isEqualTo(server.old().getSerialNumber());

        CertificateSettings settings = CertificateSettings.builder()
                .domain("localhost")
                .directoryUrl(PEBBLE.get().directoryUrl())
                .caCertificates(PEBBLE.get().caCertificatesPem())
                .accountKeyFile(dir.resolve("client.key"))
                .certificatePath(server.cert())
                .privateKeyPath(server.key())
                .reload(new ReloadSettings(Optional.of(ReloadSignal.HUP), Optional.of(pidFile), Optional.empty(),
                        Duration.ofSeconds(10), Optional.of("nginx"), List.of()))
                .verify(new VerifySettings("127.0.0.1", tlsPort, "localhost", Duration.ofSeconds(15)))
                .build();
        Provisioner provisioner = new Provisioner(settings, server.store());
        ProvisionResult result = ProvisionerRuns.checkAndClose(provisioner);

        assertThat(result.outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);
        BigInteger fresh = result.leaf().getSerialNumber();
        assertThat(fresh).isNotEqualTo(server.old().getSerialNumber());
        assertThat(servedSerial(tlsPort)).as("serial served after the renewal").isEqualTo(fresh);
        Delivery delivery = provisioner.lastDelivery().orElseThrow();
        assertThat(delivery.reload()).get().satisfies(r -> assertThat(r.ok()).as(r.message()).isTrue());
        assertThat(delivery.verify()).get().satisfies(v -> {
            assertThat(v.outcome()).as(v.message()).isEqualTo(VerifyResult.Outcome.VERIFIED);
        });
        assertThat(delivery.ok()).isTrue();

        Map<String, Object> status = statusOf(provisioner);
        assertThat(status.get("healthy")).isEqualTo(true);
        assertThat(((Map<?, ?>) status.get("certificate")).get("serial")).isEqualTo(fresh.toString(16));
        Map<?, ?> reported = (Map<?, ?>) status.get("last_delivery");
        assertThat(reported.get("ok")).isEqualTo(true);
        assertThat(reported.get("reload")).isEqualTo(Map.of("ok", true, "message", delivery.reload().get().message()));
        assertThat((String) ((Map<?, ?>) reported.get("reload")).get("message")).startsWith("sent HUP to process ")
                .endsWith(" from " + pidFile);
        assertThat(reported.get("verify")).isEqualTo(Map.of("outcome", "verified",
                "message", delivery.verify().get().message()));
        assertThat((String) ((Map<?, ?>) reported.get("verify")).get("message")).contains(fresh.toString(16));
        assertThat(status.get("since_start")).isEqualTo(Map.of("orders_started", 1L, "certificates_issued", 1L,
                "failed_checks", 0L));
    }

    @Test
    void withoutAcmeVerifySynapsesTlsListenerIsWhereTheNewCertificateIsChecked() throws Exception {
        Homeserver server = serveACertificateAboutToExpire();
        int tlsPort = server.tlsPort();
        Path pidFile = server.pidFile();
        Path yaml = Files.writeString(dir.resolve("homeserver.yaml"), """
                server_name: localhost
                pid_file: %s
                tls_certificate_path: tls/localhost.crt
                tls_private_key_path: tls/localhost.key
                listeners:
                  - port: 8008
                    type: http
                  - port: %d
                    type: http
                    tls: true
                    bind_addresses: ['0.0.0.0']
                acme:
                  enabled: true
                  url: %s
                  ca_certificates: %s
                  reload: {process_match: nginx}
                  preflight: {mode: 'off'}
                """.formatted(pidFile, tlsPort, PEBBLE.get().directoryUrl(), PEBBLE.get().caCertificatesPem()));
        CertificateSettings settings = ConfigLoader.load(yaml).certificates().get(0);
        Provisioner provisioner = new Provisioner(settings, server.store());
        ProvisionResult result = ProvisionerRuns.checkAndClose(provisioner);

        BigInteger fresh = result.leaf().getSerialNumber();
        assertThat(servedSerial(tlsPort)).isEqualTo(fresh);
        VerifyResult verified = provisioner.lastDelivery().orElseThrow().verify().orElseThrow();
        assertThat(verified.outcome()).as(verified.message()).isEqualTo(VerifyResult.Outcome.VERIFIED);
        assertThat(verified.message()).startsWith("127.0.0.1:" + tlsPort + " (SNI localhost) serves");
        Map<?, ?> shown = (Map<?, ?>) statusOf(provisioner).get("delivery_settings");
        assertThat(shown.get("verify")).isEqualTo(Map.of("address", "127.0.0.1:" + tlsPort,
                "server_name", "localhost", "from", "listeners[1]"));
        assertThat(shown.get("reload")).isEqualTo(Map.of("signal", "HUP", "pid_file", pidFile.toString(),
                "command", false));
    }

    /** What {@link #serveACertificateAboutToExpire()} started: nginx serving {@code old} on {@code tlsPort}. */
    private record Homeserver(InMemoryChallengeStore store, Path cert, Path key, X509Certificate old, int tlsPort,
            Path pidFile) { }

    /**
     * Starts the challenge server (answering from a fresh store) and nginx serving, from
     * {@code tls/localhost.crt} and {@code .key}, a self-signed certificate that expires in a day.
     */
    private Homeserver serveACertificateAboutToExpire() throws Exception {
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        startChallengeServer(store, PEBBLE.get().httpPort());
        Path cert = dir.resolve("tls/localhost.crt");
        Path key = dir.resolve("tls/localhost.key");
        KeyPair oldKey = TestCerts.ecKey();
        X509Certificate old = TestCerts.selfSigned(oldKey, Instant.now().minus(Duration.ofDays(89)),
                Instant.now().plus(Duration.ofDays(1)), "localhost");
        new CertificatePairWriter(cert, key, FileOptions.defaults(), Clock.systemUTC())
                .write(List.of(old), oldKey.getPrivate());
        int tlsPort = freePort();
        Path pidFile = dir.resolve("nginx/nginx.pid");
        startNginx(tlsPort, cert, key, pidFile);
        return new Homeserver(store, cert, key, old, tlsPort, pidFile);
    }

    /** The one certificate's entry of the status JSON, as /acme/status would answer it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> statusOf(Provisioner provisioner) throws Exception {
        try (RenewalScheduler scheduler = new RenewalScheduler(provisioner, provisioner.stateFile(), Clock.systemUTC())) {
            ManagedCertificate certificate = new ManagedCertificate("default", provisioner, scheduler);
            StatusDocument document = new StatusDocument(List.of(CertificateStatus.of(certificate, Clock.systemUTC())),
                    HealthRule.forSettings(AlertSettings.DEFAULTS), Instant.now());
            List<Object> certificates = (List<Object>) JsonUtil.parseJson(document.json()).get("certificates");
            assertThat(certificates).hasSize(1);
            return (Map<String, Object>) certificates.get(0);
        }
    }

    private void startChallengeServer(InMemoryChallengeStore store, int port) throws Exception {
        jetty = ChallengeJetty.start(store, port);
    }

    private void startNginx(int port, Path cert, Path key, Path pidFile) throws Exception {
        Path nginxBin = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginxBin)) {
            throw new IllegalStateException("nginx is not installed: run 'apt-get install -y nginx'");
        }
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, """
                daemon off;
                master_process on;
                worker_processes 1;
                pid %s;
                error_log %s info;
                events { worker_connections 16; }
                http {
                    access_log off;
                    client_body_temp_path %s/tmp;
                    server {
                        listen 127.0.0.1:%d ssl;
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        location / { return 200 "homeserver\\n"; }
                    }
                }
                """.formatted(pidFile, prefix.resolve("logs/error.log"), prefix, port, cert, key));
        nginx = new ProcessBuilder(nginxBin.toString(), "-p", prefix.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(pidFile) && accepts(port))) {
            if (System.nanoTime() > deadline || !nginx.isAlive()) {
                throw new AssertionError("nginx did not start: " + Files.readString(prefix.resolve("logs/error.log")));
            }
            Thread.sleep(50);
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The serial of the leaf the server presents; the chain is not validated: only compared. */
    private static BigInteger servedSerial(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
