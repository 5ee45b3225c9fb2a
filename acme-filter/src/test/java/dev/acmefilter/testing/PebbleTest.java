package dev.acmefilter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import com.sun.net.httpserver.HttpServer;

class PebbleTest {

    /** Shared instance for the read-only checks; lifecycle tests start their own. */
    @RegisterExtension
    static final PebbleExtension SHARED = PebbleExtension.withDefaults();

    @Test
    void directoryAnswersWhenTrustingOnlyTheGeneratedCa(Pebble pebble) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(Pebble.sslContextTrusting(Pebble.parseCertificates(
                        java.nio.file.Files.readAllBytes(pebble.caCertificatesPem()))))
                .build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(pebble.directoryUrl()).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(pebble.directoryUrl().toString()).isEqualTo("https://localhost:" + pebble.listenPort() + "/dir");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.body()).contains("\"newOrder\"", "\"newAccount\"", "\"newNonce\"");
        assertThat(pebble.caCertificatesPem()).isAbsolute().exists();
        assertThat(pebble.log()).contains("ACME directory available");
        assertThat(pebble.startupDuration()).isLessThan(Duration.ofSeconds(15));
        System.out.println("shared pebble started in " + pebble.startupDuration().toMillis() + " ms");
    }

    @Test
    void defaultJvmTrustStoreIsRejected(Pebble pebble) {
        HttpClient jvmDefault = HttpClient.newHttpClient();

        assertThatThrownBy(() -> jvmDefault.send(HttpRequest.newBuilder(pebble.directoryUrl()).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        // the management listener is HTTPS with the same certificate
        assertThatThrownBy(() -> jvmDefault.send(HttpRequest.newBuilder(pebble.managementUrl().resolve("roots/0")).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void managementServesRootAndIntermediate(Pebble pebble) throws Exception {
        List<X509Certificate> roots = pebble.roots();
        List<X509Certificate> intermediates = pebble.intermediates();

        assertThat(pebble.managementUrl().getScheme()).isEqualTo("https");
        assertThat(roots).hasSize(1);
        assertThat(roots.get(0).getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(roots.get(0).getSubjectX500Principal()).isEqualTo(roots.get(0).getIssuerX500Principal());
        assertThat(intermediates).isNotEmpty();
        // the intermediate chains up to the root
        Pebble.verifyChain(intermediates, roots);
        // and not to our HTTPS CA
        assertThatThrownBy(() -> Pebble.verifyChain(intermediates, List.of(pebble.caCertificate())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not verify");
    }

    @Test
    void closeStopsTheProcessAndIsIdempotent(@TempDir Path dir) {
        Pebble pebble = Pebble.builder().workDir(dir).start();
        ProcessHandle handle = ProcessHandle.of(pebble.pid()).orElseThrow();
        assertThat(handle.isAlive()).isTrue();
        assertThat(pebble.logFile()).isEqualTo(dir.toAbsolutePath().resolve("pebble.log"));

        long t0 = System.nanoTime();
        pebble.close();
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        pebble.close();
        System.out.println("pebble started in " + pebble.startupDuration().toMillis() + " ms, stopped in " + stopMillis + " ms");

        assertThat(handle.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pebble.pid())).isNotPresent();
        assertThat(pebble.isRunning()).isFalse();
    }

    @Test
    void twoPebblesRunSideBySide(Pebble shared) throws Exception {
        try (Pebble second = Pebble.builder().start()) {
            assertThat(second.listenPort()).isNotEqualTo(shared.listenPort());
            assertThat(second.managementPort()).isNotEqualTo(shared.managementPort());
            assertThat(second.httpPort()).isNotEqualTo(shared.httpPort());
            assertThat(second.pid()).isNotEqualTo(shared.pid());
            assertThat(second.roots()).isNotEqualTo(shared.roots());
            // each trusts only its own CA
            assertThatThrownBy(() -> second.httpClient().send(HttpRequest.newBuilder(shared.directoryUrl()).build(),
                    HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(second.httpClient().send(HttpRequest.newBuilder(second.directoryUrl()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        assertThat(shared.isRunning()).isTrue();
    }

    @Test
    void resolveAllNamesToLoopbackStartsAndStopsChalltestsrv() {
        List<ProcessHandle> handles;
        try (Pebble pebble = Pebble.builder().resolveAllNamesToLoopback(true).start()) {
            handles = pebble.processes();
            assertThat(handles).hasSize(2).allMatch(ProcessHandle::isAlive);
            assertThat(handles.get(1).info().command()).hasValueSatisfying(
                    c -> assertThat(c).endsWith("pebble-challtestsrv"));
            assertThat(pebble.dnsPort()).isPresent();
            assertThat(pebble.log()).contains("-dnsserver 127.0.0.1:" + pebble.dnsPort().get());
        }
        assertThat(handles).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void missingPebbleHasAnInstallHint(@TempDir Path dir) {
        assertThatThrownBy(() -> Pebble.builder().executable(dir.resolve("no-such-pebble")).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("pebble is not installed: run 'apt-get install -y pebble' (Debian package pebble)");
    }

    @Test
    void startFailureShowsTheLogTail(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("fake-pebble");
        java.nio.file.Files.writeString(fake,
                "#!/bin/sh\necho 'fake pebble: listen tcp: address already in use' >&2\nexit 3\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();

        assertThatThrownBy(() -> Pebble.builder().executable(fake).workDir(dir.resolve("work")).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("fake pebble: listen tcp: address already in use");
    }

    @Test
    void verifyChainRejectsUnrelatedRoots(Pebble pebble) {
        assertThatThrownBy(() -> Pebble.verifyChain(List.of(), pebble.roots()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Pebble.verifyChain(pebble.intermediates(), List.of()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no trust anchors");
    }

    // ------------------------------------------------------------------ real issuance

    @Test
    void issuesACertificateForLocalhostThatVerifiesToPebblesRoot(Pebble pebble) throws Exception {
        List<X509Certificate> chain = issue(pebble, "localhost", Optional.empty());

        assertThat(dnsNames(chain.get(0))).containsExactly("localhost");
        Pebble.verifyChain(chain, pebble.roots());
        assertThatThrownBy(() -> Pebble.verifyChain(chain, List.of(pebble.caCertificate())))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void issuesForAnyNameWithResolveAllNamesToLoopback() throws Exception {
        Pebble pebble = Pebble.builder()
                .resolveAllNamesToLoopback(true)
                .nonceRejectPercent(0)
                .certificateValidityPeriod(Duration.ofHours(1))
                .start();
        try (pebble) {
            List<X509Certificate> chain = issue(pebble, "matrix.example.org", Optional.empty());

            X509Certificate leaf = chain.get(0);
            assertThat(dnsNames(leaf)).containsExactly("matrix.example.org");
            assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                    .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
            Pebble.verifyChain(chain, pebble.roots());
            assertThat(pebble.log()).contains("Configured to reject 0% of good nonces");
        }
        // the default temp work dir is removed, the log text survives
        assertThat(pebble.workDir()).doesNotExist();
        assertThat(pebble.log()).contains("Starting Pebble ACME server");
    }

    @Test
    void externalAccountBindingIsRequiredWhenConfigured() throws Exception {
        String kid = "kid-1";
        String hmac = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("a-32-byte-long-hmac-key-for-test".getBytes(StandardCharsets.US_ASCII));
        try (Pebble pebble = Pebble.builder().externalAccountBinding(Map.of(kid, hmac)).start()) {
            Session session = new Session(pebble.directoryUrl(), provider(pebble));
            assertThat(session.getMetadata().isExternalAccountRequired()).isTrue();

            assertThatThrownBy(() -> new AccountBuilder().agreeToTermsOfService()
                    .useKeyPair(ecKey()).create(session))
                    .isInstanceOf(AcmeException.class)
                    .hasMessageContaining("externalAccountBinding");

            List<X509Certificate> chain = issue(pebble, "localhost", Optional.of(new String[] {kid, hmac}));
            Pebble.verifyChain(chain, pebble.roots());
        }
    }

    private static List<String> dnsNames(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream()
                .filter(san -> Integer.valueOf(2).equals(san.get(0)))
                .map(san -> (String) san.get(1))
                .collect(java.util.stream.Collectors.toList());
    }

    private static GenericAcmeProvider provider(Pebble pebble) {
        return new GenericAcmeProvider() {
            @Override
            public HttpClient createHttpClient(NetworkSettings settings) {
                return HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(settings.getTimeout())
                        .sslContext(pebble.sslContext())
                        .build();
            }
        };
    }

    /** Plain acme4j issuance with http-01 answered on 127.0.0.1:httpPort. */
    private static List<X509Certificate> issue(Pebble pebble, String domain, Optional<String[]> eab) throws Exception {
        Map<String, String> answers = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), pebble.httpPort()), 0);
        server.createContext("/.well-known/acme-challenge/", exchange -> {
            String token = exchange.getRequestURI().getPath().substring("/.well-known/acme-challenge/".length());
            String answer = answers.get(token);
            byte[] body = (answer != null ? answer : "unknown token").getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(answer != null ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Session session = new Session(pebble.directoryUrl(), provider(pebble));
            AccountBuilder accountBuilder = new AccountBuilder().agreeToTermsOfService()
                    .useKeyPair(ecKey());
            eab.ifPresent(e -> accountBuilder.withKeyIdentifier(e[0], e[1]));
            Account account = accountBuilder.create(session);

            Order order = account.newOrder().domains(domain).create();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    continue;
                }
                Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow();
                answers.put(challenge.getToken(), challenge.getAuthorization());
                challenge.trigger();
                Status status = poll(() -> {
                    challenge.fetch();
                    return challenge.getStatus();
                });
                assertThat(status).as("challenge %s: %s\n%s", domain, challenge.getError(), pebble.log())
                        .isEqualTo(Status.VALID);
            }
            poll(() -> {
                order.fetch();
                return order.getStatus() == Status.PENDING ? Status.PROCESSING : order.getStatus();
            });
            order.execute(ecKey());
            Status status = poll(() -> {
                order.fetch();
                return order.getStatus();
            });
            assertThat(status).as("order: %s", order.getError()).isEqualTo(Status.VALID);
            return order.getCertificate().getCertificateChain();
        } finally {
            server.stop(0);
        }
    }

    private interface StatusSource {
        Status get() throws AcmeException;
    }

    /** Polls every 100 ms until the status is no longer pending/processing/ready-for-nothing, max 30 s. */
    private static Status poll(StatusSource source) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            Status status = source.get();
            if (status != Status.PENDING && status != Status.PROCESSING) {
                return status;
            }
            if (Instant.now().isAfter(deadline)) {
                return status;
            }
            Thread.sleep(100);
        }
    }

    /** An EC P-384 key from the JDK's provider (acme4j's KeyPairUtils would need BouncyCastle's registered). */
    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        return generator.generateKeyPair();
    }
}
