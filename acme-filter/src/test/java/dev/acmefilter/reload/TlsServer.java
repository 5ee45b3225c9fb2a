package dev.acmefilter.reload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on a free loopback port that presents one certificate, switchable at any
 * time (as a homeserver does on SIGHUP), and remembers the SNI names clients sent.
 */
final class TlsServer implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicReference<SSLContext> context = new AtomicReference<>();
    private final AtomicReference<List<SSLContext>> sequence = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger handshakes = new java.util.concurrent.atomic.AtomicInteger();
    final List<String> sniNames = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    TlsServer(KeyPair keys, X509Certificate certificate) throws Exception {
        serve(keys, certificate);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "tls-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, handshakes present this certificate. */
    void serve(KeyPair keys, X509Certificate certificate) throws Exception {
        sequence.set(null);
        context.set(contextFor(keys, certificate));
    }

    /**
     * From now on, the n-th connection gets the n-th context (the last one for all after it):
     * a server whose old workers still answer some connections while it reloads.
     */
    void serveInTurn(List<SSLContext> contexts) {
        handshakes.set(0);
        sequence.set(List.copyOf(contexts));
    }

    /** Connections accepted since the last {@link #serveInTurn}. */
    int handshakes() {
        return handshakes.get();
    }

    static SSLContext contextFor(KeyPair keys, X509Certificate certificate) throws Exception {
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keys.getPrivate(), password, new X509Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        return tls;
    }

    private SSLContext next() {
        List<SSLContext> turns = sequence.get();
        if (turns == null) {
            return context.get();
        }
        int n = handshakes.getAndIncrement();
        return turns.get(Math.min(n, turns.size() - 1));
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket plain = server.accept();
                 SSLSocket tls = (SSLSocket) next().getSocketFactory().createSocket(plain, null, true)) {
                tls.setUseClientMode(false);
                tls.setSoTimeout(5000);
                tls.startHandshake();
                if (tls.getSession() instanceof ExtendedSSLSession session) {
                    for (SNIServerName name : session.getRequestedServerNames()) {
                        if (name instanceof SNIHostName host) {
                            sniNames.add(host.getAsciiName());
                        }
                    }
                }
                tls.getInputStream().read(); // until the client closes
            } catch (IOException e) {
                // a client that went away, or the server closing: next one
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(5000);
    }
}
