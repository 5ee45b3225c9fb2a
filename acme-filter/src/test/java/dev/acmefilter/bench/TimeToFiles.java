package dev.acmefilter.bench;

import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.testing.Pebble;
import org.eclipse.jetty.server.Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Benchmark, not a test: time from the start of {@link dev.acmefilter.provision.Provisioner#provisionIfNeeded()} to
 * the certificate and key on disk, against a local Pebble, with the challenge answered by
 * the filter in a running Jetty. Run with {@code bench/time-to-files.sh}.
 *
 * <p>Arguments: runs (default 5), nonce reject percent (default 5, Pebble's default). Prints
 * result lines (bench/lib.sh): {@code TTF_EXISTING_ACCOUNT_MS}, {@code TTF_NEW_ACCOUNT_MS} (one
 * time a successful run) and {@code TTF_FAILED_ORDERS}; a failed order's message on stderr.
 */
public final class TimeToFiles {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int nonceReject = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.WARNING);
        }
        Path dir = Files.createTempDirectory("time-to-files");
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        try (Pebble pebble = Pebble.builder().nonceRejectPercent(nonceReject).resolveAllNamesToLoopback(true).start()) {
            Server jetty = ChallengeJetty.start(store, pebble.httpPort());
            try {
                List<Long> warm = new ArrayList<>();
                List<Long> cold = new ArrayList<>();
                int[] failures = {0};
                // one warm-up order: JIT, BouncyCastle, TLS session
                run(pebble, store, dir.resolve("warmup"), dir.resolve("warmup.key"));
                for (int r = 0; r < runs; r++) {
                    final int i = r;
                    // same account key: the steady state of a renewal
                    timed(warm, failures, () -> run(pebble, store, dir.resolve("warm" + i), dir.resolve("warmup.key")));
                    // fresh account: what the first start of a new install sees
                    timed(cold, failures, () -> run(pebble, store, dir.resolve("new" + i),
                            dir.resolve("new" + i + ".key")));
                }
                System.out.printf("# time from order start to files on disk, 2 names, Pebble nonce reject %d%%, %d runs%n",
                        nonceReject, runs);
                System.out.println(result("TTF_EXISTING_ACCOUNT_MS", warm));
                System.out.println(result("TTF_NEW_ACCOUNT_MS", cold));
                System.out.printf("# orders: %d, succeeded: %d, failed: %d (%.1f%% success)%n", 2 * runs,
                        2 * runs - failures[0], failures[0], 100.0 * (2 * runs - failures[0]) / (2 * runs));
                System.out.println("TTF_FAILED_ORDERS " + failures[0]);
            } finally {
                jetty.stop();
            }
        }
    }

    interface Run {
        long run() throws Exception;
    }

    private static void timed(List<Long> into, int[] failures, Run run) {
        try {
            into.add(run.run());
        } catch (Exception e) {
            failures[0]++;
            System.err.println("failed: " + e.getMessage());
        }
    }

    private static long run(Pebble pebble, InMemoryChallengeStore store, Path base, Path accountKey) throws Exception {
        CertificateSettings settings = CertificateSettings.builder()
                .domain("matrix.example.org").domain("example.org")
                .directoryUrl(pebble.directoryUrl())
                .caCertificates(pebble.caCertificatesPem())
                .accountKeyFile(accountKey)
                .certificatePath(base.resolve("cert.pem"))
                .privateKeyPath(base.resolve("key.pem"))
                .build();
        long ms = TimedIssuance.millisToFiles(settings, store, issued -> { });
        if (!Files.exists(settings.privateKeyPath())) {
            throw new IllegalStateException("issued, but no key file at " + settings.privateKeyPath());
        }
        return ms;
    }

    /** A result line of bench/lib.sh: the key, then the time of every successful run in milliseconds. */
    private static String result(String key, List<Long> millis) {
        return key + millis.stream().map(ms -> " " + ms).collect(Collectors.joining());
    }
}
