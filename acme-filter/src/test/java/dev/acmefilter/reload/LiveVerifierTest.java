package dev.acmefilter.reload;

import java.util.List;
import javax.net.ssl.SSLContext;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.acmefilter.config.VerifySettings;
import dev.acmefilter.output.TestCerts;

class LiveVerifierTest {

    private static final String NAME = "matrix.example.org";

    KeyPair oldKeys;
    X509Certificate oldCertificate;
    KeyPair newKeys;
    X509Certificate newCertificate;
    TlsServer homeserver;

    @BeforeEach
    void makeCertificates() {
        Instant now = Instant.now();
        oldKeys = TestCerts.ecKey();
        oldCertificate = TestCerts.validFor(oldKeys, now, 5, NAME);
        newKeys = TestCerts.ecKey();
        newCertificate = TestCerts.validFor(newKeys, now, 90, NAME);
    }

    @AfterEach
    void stop() throws Exception {
        if (homeserver != null) {
            homeserver.close();
        }
    }

    private static LiveVerifier verifier(int port, Duration timeout) {
        return new LiveVerifier(new VerifySettings("127.0.0.1", port, NAME, timeout), Duration.ofMillis(100));
    }

    private static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    @Test
    void homeserverServingTheNewCertificateIsVerified() throws Exception {
        homeserver = new TlsServer(newKeys, newCertificate);

        VerifyResult result = verifier(homeserver.port(), Duration.ofSeconds(5)).verify(newCertificate);

        assertThat(result).isEqualTo(new VerifyResult(VerifyResult.Outcome.VERIFIED, "127.0.0.1:" + homeserver.port()
                + " (SNI " + NAME + ") serves the new certificate, serial " + serial(newCertificate)));
        assertThat(homeserver.sniNames).containsOnly(NAME);
    }

    @Test
    void homeserverStillServingTheOldCertificateIsAMismatchNamingBothSerials() throws Exception {
        homeserver = new TlsServer(oldKeys, oldCertificate);

        VerifyResult result = verifier(homeserver.port(), Duration.ofSeconds(1)).verify(newCertificate);

        assertThat(result.outcome()).as(result.message()).isEqualTo(VerifyResult.Outcome.MISMATCH);
        assertThat(result.message()).isEqualTo("127.0.0.1:" + homeserver.port() + " (SNI " + NAME + ") serves serial "
                + serial(oldCertificate) + " (valid until " + oldCertificate.getNotAfter().toInstant() + "), expected "
                + serial(newCertificate) + ": the homeserver has not loaded the new certificate, still after 1 s");
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        VerifyResult result = verifier(port, Duration.ofSeconds(1)).verify(newCertificate);

        assertThat(result.outcome()).isEqualTo(VerifyResult.Outcome.UNREACHABLE);
        assertThat(result.message()).startsWith("cannot get the certificate from 127.0.0.1:" + port + " (SNI " + NAME
                + "): java.net.ConnectException: Connection refused").endsWith(", still after 1 s");
    }

    @Test
    void oneGoodHandshakeWhileOldWorkersStillAnswerIsNotYetProof() throws Exception {
        homeserver = new TlsServer(oldKeys, oldCertificate);
        SSLContext fresh = TlsServer.contextFor(newKeys, newCertificate);
        SSLContext stale = TlsServer.contextFor(oldKeys, oldCertificate);
        homeserver.serveInTurn(List.of(fresh, stale, fresh, fresh, fresh));

        VerifyResult result = verifier(homeserver.port(), Duration.ofSeconds(10)).verify(newCertificate);

        assertThat(result.verified()).as(result.message()).isTrue();
        assertThat(homeserver.handshakes()).as("handshakes until the new certificate was seen 3 times in a row")
                .isEqualTo(2 + LiveVerifier.CONFIRMATIONS);
    }

    @Test
    void homeserverThatReloadsAfterASecondIsVerifiedWithinTheRetryWindow() throws Exception {
        homeserver = new TlsServer(oldKeys, oldCertificate);
        ScheduledExecutorService reload = Executors.newSingleThreadScheduledExecutor();
        try {
            reload.schedule(() -> {
                homeserver.serve(newKeys, newCertificate);
                return null;
            }, 1, TimeUnit.SECONDS);
            long start = System.nanoTime();

            VerifyResult result = verifier(homeserver.port(), Duration.ofSeconds(10)).verify(newCertificate);

            assertThat(result.verified()).as(result.message()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900),
                    Duration.ofSeconds(5));
        } finally {
            reload.shutdownNow();
        }
    }

    @Test
    void aListenerThatIsNotTlsIsUnreachable() throws Exception {
        try (ServerSocket plain = new ServerSocket(0)) {
            Thread closer = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (var socket = plain.accept()) {
                        socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();

            VerifyResult result = verifier(plain.getLocalPort(), Duration.ofSeconds(1)).verify(newCertificate);

            assertThat(result.outcome()).isEqualTo(VerifyResult.Outcome.UNREACHABLE);
            assertThat(result.message()).contains("javax.net.ssl.SSL");
        }
    }
}
