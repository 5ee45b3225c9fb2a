package dev.acmefilter.reload;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.VerifySettings;

/**
 * Proves that the homeserver serves the certificate just written ({@code acme.verify}):
 * opens a TLS handshake to its listener with the configured SNI name, and compares the
 * leaf it presents with the expected one byte for byte. A written file that the
 * homeserver never loaded is the failure this catches; until the next restart, a renewed
 * certificate on disk protects nobody.
 *
 * <p>A reload takes a moment, so a mismatch or a refused connection is retried every
 * {@value #DEFAULT_RETRY_MILLIS} ms until {@code acme.verify.timeout}; the result tells
 * the last thing seen. The chain is deliberately not validated (see
 * {@link AcceptAnyServerCertificate}): only the identity of the served leaf matters here.
 */
public final class LiveVerifier {

    static final long DEFAULT_RETRY_MILLIS = 500;
    private static final long MIN_ATTEMPT_MILLIS = 1000;
    /** Handshakes in a row that must show the new certificate. */
    static final int CONFIRMATIONS = 3;
    private static final long CONFIRM_INTERVAL_MILLIS = 100;
    private static final long MAX_ATTEMPT_MILLIS = 5000;
    private static final System.Logger LOG = System.getLogger(LiveVerifier.class.getName());

    private final VerifySettings settings;
    private final Duration retryInterval;
    private final SSLSocketFactory sockets;

    public LiveVerifier(VerifySettings settings) {
        this(settings, Duration.ofMillis(DEFAULT_RETRY_MILLIS));
    }

    LiveVerifier(VerifySettings settings, Duration retryInterval) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AcceptAnyServerCertificate()}, null);
            this.sockets = context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no TLS client: " + e, e);
        }
    }

    /** A verifier for {@code acme.verify}, or empty when it is not configured. */
    public static Optional<LiveVerifier> forSettings(CertificateSettings settings) {
        return settings.verify().map(LiveVerifier::new);
    }

    /**
     * Waits (up to {@code acme.verify.timeout}) until the homeserver presents
     * {@code expected}. Never throws for what it finds; an interrupt ends the wait early
     * with the last result (the interrupt flag stays set).
     */
    public VerifyResult verify(X509Certificate expected) {
        Objects.requireNonNull(expected, "expected");
        byte[] wanted = encoded(expected);
        long start = System.nanoTime();
        long deadline = start + settings.timeout().toNanos();
        String where = settings.address() + " (SNI " + settings.serverName() + ")";
        VerifyResult last;
        int inARow = 0;
        while (true) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            // the last attempt may overrun the timeout a little rather than fail for want of time
            long attemptMillis = Math.min(Math.max(remainingMillis, MIN_ATTEMPT_MILLIS), MAX_ATTEMPT_MILLIS);
            last = attempt(expected, wanted, where, attemptMillis);
            // a reloading server (nginx, a multi-process homeserver) may still hand some connections
            // to old workers: one good handshake is not yet proof, a few in a row are
            inARow = last.verified() ? inARow + 1 : 0;
            long pause = last.verified() ? CONFIRM_INTERVAL_MILLIS : retryInterval.toMillis();
            if (inARow >= CONFIRMATIONS || System.nanoTime() + pause * 1_000_000 >= deadline) {
                break;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!last.verified()) {
            long seconds = Math.round((System.nanoTime() - start) / 1e9);
            last = new VerifyResult(last.outcome(), last.message() + ", still after " + seconds + " s");
        }
        LOG.log(last.verified() ? Level.INFO : Level.WARNING, last.message());
        return last;
    }

    private VerifyResult attempt(X509Certificate expected, byte[] wanted, String where, long timeoutMillis) {
        X509Certificate served;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(settings.host(), settings.port()), (int) timeoutMillis);
            plain.setSoTimeout((int) timeoutMillis);
            try (SSLSocket tls = (SSLSocket) sockets.createSocket(plain, settings.host(), settings.port(), true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(settings.serverName())));
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                Certificate[] chain = tls.getSession().getPeerCertificates();
                if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                    return new VerifyResult(VerifyResult.Outcome.MISMATCH, where + " presents no X.509 certificate"
                            + ", expected serial " + serial(expected));
                }
                served = leaf;
            }
        } catch (IOException | RuntimeException e) {
            return new VerifyResult(VerifyResult.Outcome.UNREACHABLE, "cannot get the certificate from " + where
                    + ": " + e);
        }
        if (Arrays.equals(encoded(served), wanted)) {
            return new VerifyResult(VerifyResult.Outcome.VERIFIED, where + " serves the new certificate, serial "
                    + serial(expected));
        }
        return new VerifyResult(VerifyResult.Outcome.MISMATCH, where + " serves serial " + serial(served)
                + " (valid until " + served.getNotAfter().toInstant() + "), expected " + serial(expected)
                + ": the homeserver has not loaded the new certificate");
    }

    /** Hexadecimal, as the provisioner logs it and {@code openssl x509 -serial} shows it. */
    private static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the certificate cannot be encoded: " + e, e);
        }
    }
}
