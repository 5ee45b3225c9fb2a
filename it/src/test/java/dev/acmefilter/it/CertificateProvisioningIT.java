package dev.acmefilter.it;

import dev.acmefilter.testing.Pebble;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAR, deployed at the context root with acme.enabled true, orders a certificate from a
 * real Pebble by itself (Pebble validates http-01 against the container's port, through the
 * challenge filter) and writes it where homeserver.yaml says. Deployed by hand so that the
 * time from deployment to files is measured, and so that undeploying can be checked. After
 * issuance the WAR's status endpoints report the certificate (in this class, not one of
 * their own, to spare a container start per container).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CertificateProvisioningIT {

    private static final String DEPLOYMENT = "provisioning";
    private static final Duration FILES_TIMEOUT = Duration.ofSeconds(60);

    private static final ItWebapp webapp = new ItWebapp();

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        return webapp.war(true);
    }

    /** A request line sent as written, which HttpClient would normalise; the whole answer. */
    private static String rawGet(String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", ItEnvironment.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void certificateIsProvisionedAndVerifiedOnDiskAfterDeployment() throws Exception {
        Pebble pebble = ItEnvironment.pebble();
        long start = System.nanoTime();
        try (ManualDeployment deployment = ManualDeployment.deploy(deployer, DEPLOYMENT)) {
            long deployed = System.nanoTime();
            AssertionError last = awaitVerifiedFiles(pebble);
            long verified = System.nanoTime();
            if (last != null) {
                throw new AssertionError("no verified certificate at " + webapp.homeserver().certificate()
                        + " within " + FILES_TIMEOUT.toSeconds() + " s; last problem: " + last.getMessage()
                        + "\n--- Pebble log tail ---\n" + tail(pebble.log(), 30), last);
            }
            ItEnvironment.recordTiming("TIMING container=" + ItEnvironment.container()
                    + " deploy_ms=" + (deployed - start) / 1_000_000
                    + " deploy_to_files_ms=" + (verified - start) / 1_000_000);
            verify(pebble); // once more, for the assertion messages
        }
    }

    @Test
    void afterIssuanceTheStatusNamesTheSerialAndHealthIsOk() throws Exception {
        try (ManualDeployment deployment = ManualDeployment.deploy(deployer, DEPLOYMENT)) {
            ItEnvironment.awaitFiles(webapp.homeserver(), FILES_TIMEOUT);
            X509Certificate leaf = AcmeFilterOutput.readCertificates(webapp.homeserver().certificate()).get(0);
            String serial = leaf.getSerialNumber().toString(16);
            URI base = ItEnvironment.base();

            // the check that wrote the files is recorded (last_success) a moment after them
            HttpResponse<String> status = ItEnvironment.get(base.resolve("/acme/status"));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!(status.body().contains("\"serial\": \"" + serial + "\"")
                    && !status.body().contains("\"last_success\": null")) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                status = ItEnvironment.get(base.resolve("/acme/status"));
            }
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(status.body()).contains("\"id\": \"default\"", "\"serial\": \"" + serial + "\"",
                    "\"healthy\": true", "\"consecutive_failures\": 0", "\"last_error\": null")
                    .doesNotContain("\"last_success\": null", "PRIVATE KEY");
            // a proxy that forwards only the challenge path passes these on as sent: they must not reach status
            for (String disguised : List.of("/.well-known/acme-challenge/..;/..;/acme/status",
                    "/.well-known/acme-challenge/%2e%2e/%2e%2e/acme/status", "/acme//status", "/acme/%73tatus")) {
                String answer = rawGet(disguised);
                assertThat(answer).as(disguised).matches("(?s)HTTP/1\\.1 40[04] .*")
                        .doesNotContain("\"certificates\"");
            }

            HttpResponse<String> health = ItEnvironment.get(base.resolve("/acme/health"));
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("healthy\ndefault: ok\n");

            HttpResponse<String> metrics = ItEnvironment.get(base.resolve("/acme/metrics"));
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("acme_certificate_expiry_timestamp_seconds{certificate=\"default\"} "
                    + leaf.getNotAfter().toInstant().getEpochSecond() + "\n");

            // loopback by default: the same request, forwarded by a proxy for someone else, is refused
            HttpResponse<String> forwarded = ItEnvironment.send(HttpRequest.newBuilder(base.resolve("/acme/status"))
                    .header("X-Forwarded-For", "203.0.113.5").timeout(Duration.ofSeconds(10)).GET().build());
            assertThat(forwarded.statusCode()).isEqualTo(403);
            assertThat(forwarded.body()).isEqualTo("forbidden: the client forwarded by X-Forwarded-For 203.0.113.5 is"
                    + " not in acme.status.allow (default: loopback only)\n");
        }
    }

    @Test
    void noRenewalThreadIsLeftRunningAfterUndeploy() throws Exception {
        try (ManualDeployment deployment = ManualDeployment.deploy(deployer, DEPLOYMENT)) {
            // the renewal loop starts with the webapp: without it this test would prove nothing
            assertThat(awaitThreads(true, Duration.ofSeconds(10)))
                    .as("a thread named acme-renewal while deployed").isNotEmpty();
            deployment.undeploy();
            Set<Thread> left = awaitThreads(false, Duration.ofSeconds(5));
            assertThat(left.stream().map(t -> t.getName() + " " + t.getState()).toList())
                    .as("threads named acme-renewal after undeploy").isEmpty();
        }
    }

    private static Set<Thread> awaitThreads(boolean present, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Thread> threads = ItEnvironment.renewalThreads();
        while (threads.isEmpty() == present && System.nanoTime() < deadline) {
            Thread.sleep(20);
            threads = ItEnvironment.renewalThreads();
        }
        return threads;
    }

    /** Polls until the files on disk pass {@link #verify}; null then, else the last failure. */
    private static AssertionError awaitVerifiedFiles(Pebble pebble) throws InterruptedException {
        ItEnvironment.Homeserver homeserver = webapp.homeserver();
        long deadline = System.nanoTime() + FILES_TIMEOUT.toNanos();
        List<X509Certificate> roots = null;
        AssertionError last = new AssertionError("not polled yet");
        while (System.nanoTime() < deadline) {
            if (Files.exists(homeserver.certificate()) && Files.exists(homeserver.privateKey())) {
                try {
                    verify(pebble);
                    return null;
                } catch (AssertionError e) {
                    last = e;
                } catch (Exception e) {
                    last = new AssertionError(e.toString(), e);
                }
            } else {
                last = new AssertionError(homeserver.certificate() + " or " + homeserver.privateKey()
                        + " does not exist yet");
            }
            Thread.sleep(100);
        }
        return last;
    }

    private static void verify(Pebble pebble) throws Exception {
        ItEnvironment.Homeserver homeserver = webapp.homeserver();
        List<X509Certificate> chain = AcmeFilterOutput.readCertificates(homeserver.certificate());
        PrivateKey key = AcmeFilterOutput.readPrivateKey(homeserver.privateKey());
        assertThat(chain).as("certificates in " + homeserver.certificate()).isNotEmpty();
        Pebble.verifyChain(chain, pebble.roots());
        X509Certificate leaf = chain.get(0);
        assertThat(AcmeFilterOutput.keyMatches(leaf, key)).as("the private key matches the certificate").isTrue();
        assertThat(Files.getPosixFilePermissions(homeserver.privateKey()))
                .as("permissions of " + homeserver.privateKey())
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(dnsNames(leaf)).as("SAN of the issued certificate")
                .containsExactlyInAnyOrder("localhost", ItEnvironment.EXTRA_DOMAIN);
    }

    private static Set<String> dnsNames(X509Certificate certificate) throws Exception {
        Collection<List<?>> san = certificate.getSubjectAlternativeNames();
        if (san == null) {
            return Set.of();
        }
        return san.stream().filter(entry -> Integer.valueOf(2).equals(entry.get(0)))
                .map(entry -> (String) entry.get(1)).collect(Collectors.toSet());
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
