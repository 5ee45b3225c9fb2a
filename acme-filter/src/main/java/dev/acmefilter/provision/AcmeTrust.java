package dev.acmefilter.provision;

import dev.acmefilter.config.ConfigException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The TLS trust for talking to the CA: the JVM's default CAs plus those of
 * {@code acme.ca_certificates}. Verification is never switched off, and the JVM-wide
 * trust store is never changed: this context is used by our ACME client only.
 */
public final class AcmeTrust {

    private AcmeTrust() {
    }

    /** An SSL context for the CA connection, or empty when the JVM defaults suffice. */
    public static Optional<SSLContext> sslContext(Optional<Path> extraCertificates) {
        if (extraCertificates.isEmpty()) {
            return Optional.empty();
        }
        Path pem = extraCertificates.get();
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : defaultTrustManager().getAcceptedIssuers()) {
                trust.setCertificateEntry("jvm-" + i++, ca);
            }
            for (X509Certificate ca : readCertificates(pem)) {
                trust.setCertificateEntry("acme-ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("acme.ca_certificates: cannot use " + pem + ": " + e.getMessage()
                    + "; expected a readable PEM file of CA certificates", e);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JVM has no default X.509 trust manager");
    }

    static List<X509Certificate> readCertificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> result = new ArrayList<>();
            for (Certificate c : certs) {
                result.add((X509Certificate) c);
            }
            if (result.isEmpty()) {
                throw new GeneralSecurityException("no certificate found in " + pem);
            }
            return result;
        }
    }
}
