package dev.acmefilter.reload;

import java.net.Socket;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that accepts any server certificate. <b>Only for {@link LiveVerifier}</b>:
 * it opens a handshake to read which certificate the homeserver presents and compares it
 * byte for byte with the one just written; no data is sent or trusted over that
 * connection, so there is nothing for a forged certificate to gain. Validating the chain
 * would even be wrong there: a test CA, an expired old certificate or a name mismatch must
 * show up as "serves serial X, expected Y", not as a handshake error. Never use it for a
 * connection whose content matters (the ACME server's is verified by {@code AcmeTrust}).
 *
 * <p>Extends {@link X509ExtendedTrustManager} so the JDK does not wrap it with its own
 * host name checks.
 */
final class AcceptAnyServerCertificate extends X509ExtendedTrustManager {

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // compared afterwards, not trusted
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // compared afterwards, not trusted
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // compared afterwards, not trusted
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        throw new UnsupportedOperationException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        throw new UnsupportedOperationException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
