package dev.acmefilter.provision;

import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.KeyType;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.CSRBuilder;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Signature;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs, once and on a background thread, the code that makes a cold JVM's first order slow:
 * EC key generation and an ECDSA signature with the JDK's providers (as every signed ACME
 * request), a CSR built with BouncyCastle's PKCS#10 classes (as the order's finalization) and
 * the JDK's TLS trust set-up; then, given the settings, one fetch of the CA's directory as the
 * provisioner makes it (trust, TLS handshake, acme4j's JSON). Started while the container is
 * still deploying, it uses a core that the single-threaded deployment leaves idle, so the first
 * order finds this code loaded and run (bench/run-all.sh, BENCHMARKS.md).
 *
 * <p>Nothing is registered or kept: the key, the CSR, the HTTP client and the directory are
 * thrown away, so a webapp that never orders (acme.enabled false: no fetch either) loses only
 * some CPU time once. Its errors are logged at DEBUG only: the real order reports its own.
 */
public final class Warmup {

    private static final System.Logger LOG = System.getLogger(Warmup.class.getName());

    private Warmup() {
    }

    /** Starts the warm-up, without a directory fetch, on a daemon thread named {@code acme-warmup}. */
    public static Thread start() {
        return start(Optional::empty);
    }

    /**
     * Starts the warm-up on a daemon thread named {@code acme-warmup} and returns it; the
     * thread then calls {@code settings} (e.g. to read the config ahead of the webapp) and,
     * when ACME is enabled there, fetches that CA's directory once.
     */
    public static Thread start(Supplier<Optional<AcmeConfig>> settings) {
        Thread thread = new Thread(() -> runQuietly(settings), "acme-warmup");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void runQuietly(Supplier<Optional<AcmeConfig>> settings) {
        long start = System.nanoTime();
        LOG.log(Level.DEBUG, "Warm-up for the first order started");
        try {
            run();
            Optional<AcmeConfig> enabled = settings.get().filter(AcmeConfig::enabled);
            if (enabled.isPresent()) {
                fetchDirectory(enabled.get().account());
            }
            LOG.log(Level.DEBUG, () -> "Warm-up for the first order done in " + (System.nanoTime() - start) / 1_000_000
                    + " ms");
        } catch (Exception | LinkageError e) {
            // only a head start: the real order does the same work and reports what fails
            LOG.log(Level.DEBUG, "Warm-up for the first order failed: {0}", e.toString());
        }
    }

    /** One GET of the CA's directory through a client of its own, trusting what the provisioner trusts. */
    static void fetchDirectory(AccountSettings account) throws AcmeException {
        try (TrustingAcmeProvider provider = new TrustingAcmeProvider(AcmeTrust.sslContext(account.caCertificates()))) {
            new Session(account.directoryUrl(), provider).getMetadata();
        }
    }

    /** The work itself, on the calling thread. */
    static void run() throws Exception {
        KeyPair key = KeyPairs.create(KeyType.EC256);
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(key.getPrivate());
        signature.update("warm-up".getBytes(StandardCharsets.US_ASCII));
        signature.sign();
        CSRBuilder csr = new CSRBuilder();
        csr.addDomain("warm-up.invalid");
        csr.sign(key);
        csr.getEncoded();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
    }
}
