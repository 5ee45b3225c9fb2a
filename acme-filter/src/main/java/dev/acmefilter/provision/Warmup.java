package dev.acmefilter.provision;

import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs, once and on a background thread, the code that makes a cold JVM's first order slow:
 * BouncyCastle's provider and EC key generation (as acme4j does it), an ECDSA signature (as
 * every signed ACME request), and the JDK's TLS trust set-up. Started while the container is
 * still deploying, it uses a core that the single-threaded deployment leaves idle, so the
 * first order finds these classes loaded and run (bench/run-all.sh, BENCHMARKS.md).
 *
 * <p>Nothing is registered or kept: the provider instance, the key and the context are thrown
 * away, so a webapp that never orders (acme.enabled false) loses only some CPU time once.
 */
public final class Warmup {

    private static final System.Logger LOG = System.getLogger(Warmup.class.getName());

    private Warmup() {
    }

    /** Starts the warm-up on a daemon thread named {@code acme-warmup} and returns it. */
    public static Thread start() {
        Thread thread = new Thread(Warmup::runQuietly, "acme-warmup");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void runQuietly() {
        long start = System.nanoTime();
        LOG.log(Level.DEBUG, "Warm-up for the first order started");
        try {
            run();
            LOG.log(Level.DEBUG, () -> "Warm-up for the first order done in " + (System.nanoTime() - start) / 1_000_000
                    + " ms");
        } catch (Exception | LinkageError e) {
            // only a head start: the real order does the same work and reports what fails
            LOG.log(Level.DEBUG, "Warm-up for the first order failed: {0}", e.toString());
        }
    }

    /** The work itself, on the calling thread. */
    static void run() throws Exception {
        Provider bc = new BouncyCastleProvider();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("ECDSA", bc);
        generator.initialize(ECNamedCurveTable.getParameterSpec("secp256r1"), new SecureRandom());
        KeyPair key = generator.generateKeyPair();
        // the JDK's EC provider does not take BouncyCastle's keys: with BC registered, JCA picks BC's
        Signature signature = Signature.getInstance("SHA256withECDSA", bc);
        signature.initSign(key.getPrivate());
        signature.update("warm-up".getBytes(StandardCharsets.US_ASCII));
        signature.sign();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
    }
}
