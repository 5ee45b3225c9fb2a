package dev.acmefilter.bench;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.testing.Pebble;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Benchmark helper for {@code bench/run-all.sh}, not a test. Starts the one Pebble every
 * client of the run shares (nonce reject 0 %, no VA sleep, pebble-challtestsrv resolving every
 * name to 127.0.0.1), writes its coordinates as shell assignments to the file given as first
 * argument, and then acts as client (a): the provisioner in a running Jetty with the
 * challenge filter. Commands on stdin, one answer line on stdout each:
 * <pre>
 * order DIR NAME[,NAME...]   new account key, order, verify -> "ok MS" | "fail MESSAGE"
 * quit
 * </pre>
 * The Jetty connector listens on Pebble's http-01 port only during an order (the other
 * clients take that port in turn). MS runs from the call of {@code provisionIfNeeded()} to
 * the files on disk verified: chain against Pebble's root, key against the certificate.
 * One warm-up order (not reported beyond its own line) precedes "ready": a running container.
 */
public final class RunningContainerClient {

    public static void main(String[] args) throws Exception {
        Path envFile = Path.of(args[0]);
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.WARNING);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path work = Files.createTempDirectory("bench-running");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work)));
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        try (Pebble pebble = Pebble.builder().nonceRejectPercent(0).vaNoSleep(true)
                .resolveAllNamesToLoopback(true).start()) {
            List<X509Certificate> roots = pebble.roots();
            Path rootPem = work.resolve("pebble-root.pem");
            Files.writeString(rootPem, toPem(roots.get(0)));
            Files.writeString(envFile, String.join("\n",
                    "PEBBLE_DIR_URL=" + pebble.directoryUrl(),
                    "PEBBLE_CA=" + pebble.caCertificatesPem(),
                    "PEBBLE_ROOT=" + rootPem,
                    "PEBBLE_HTTP_PORT=" + pebble.httpPort(),
                    "PEBBLE_LOG=" + pebble.logFile(),
                    "PEBBLE_PID=" + pebble.pid(), ""));

            Server jetty = ChallengeJetty.start(store, pebble.httpPort());
            ServerConnector http = (ServerConnector) jetty.getConnectors()[0];
            http.stop();
            try {
                long warm = order(pebble, roots, store, http, work.resolve("warmup"),
                        List.of("matrix.example.org", "example.org"));
                out.println("warmup " + warm);
                out.println("ready");
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    String[] cmd = line.trim().split("\\s+");
                    if (cmd[0].equals("quit")) {
                        break;
                    }
                    if (!cmd[0].equals("order") || cmd.length != 3) {
                        out.println("fail unknown command: " + line);
                        continue;
                    }
                    try {
                        out.println("ok " + order(pebble, roots, store, http, Path.of(cmd[1]),
                                Arrays.asList(cmd[2].split(","))));
                    } catch (Exception | AssertionError e) {
                        out.println("fail " + e.toString().replace('\n', ' '));
                    }
                }
            } finally {
                jetty.stop();
            }
        }
    }

    private static long order(Pebble pebble, List<X509Certificate> roots, InMemoryChallengeStore store,
                              ServerConnector http, Path dir, List<String> names) throws Exception {
        CertificateSettings.Builder b = CertificateSettings.builder();
        for (String name : names) {
            b.domain(name);
        }
        CertificateSettings settings = b.directoryUrl(pebble.directoryUrl())
                .caCertificates(pebble.caCertificatesPem())
                .accountKeyFile(dir.resolve("account.key")) // fresh account every order
                .certificatePath(dir.resolve("cert.pem"))
                .privateKeyPath(dir.resolve("key.pem"))
                .build();
        http.start();
        try {
            return TimedIssuance.millisToFiles(settings, store, issued -> verify(issued, roots));
        } finally {
            http.stop();
        }
    }

    /** The chain on disk verifies against Pebble's root and the key on disk belongs to its leaf. */
    static void verify(CertificateSettings settings, List<X509Certificate> roots) throws Exception {
        List<X509Certificate> chain = Pebble.parseCertificates(Files.readAllBytes(settings.certificatePath()));
        Pebble.verifyChain(chain, roots);
        PrivateKey key;
        try (var reader = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(settings.privateKeyPath()))) {
            Object o = reader.readObject();
            var conv = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            key = o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info ? conv.getPrivateKey(info)
                    : conv.getKeyPair((org.bouncycastle.openssl.PEMKeyPair) o).getPrivate();
        }
        var sig = java.security.Signature.getInstance("SHA256withECDSA");
        sig.initSign(key);
        byte[] data = "bench".getBytes(StandardCharsets.US_ASCII);
        sig.update(data);
        byte[] signature = sig.sign();
        sig.initVerify(chain.get(0).getPublicKey());
        sig.update(data);
        if (!sig.verify(signature)) {
            throw new AssertionError("the key on disk does not belong to the certificate");
        }
    }

    /** The work folder (Pebble's root, the warm-up order's files) goes when the client ends. */
    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }

    private static String toPem(X509Certificate cert) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
