package dev.acmefilter.bench;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.PreflightSettings;
import dev.acmefilter.provision.CertificateFleet;
import dev.acmefilter.provision.ManagedCertificate;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.testing.Pebble;
import org.eclipse.jetty.server.Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Benchmark, not a test: the time to issue one certificate with 100 names, and 50
 * single-name certificates in one pass of a {@link CertificateFleet} at several
 * {@code max_concurrent_orders}, against a local Pebble ({@code PEBBLE_VA_NOSLEEP=1}, no
 * rejected nonces) with the challenges answered by the filter in a running Jetty. The
 * account exists already (the steady state); pre-flight is off, since the names resolve
 * only in Pebble's test DNS. Run with {@code bench/scale.sh}.
 *
 * <p>Arguments: runs (default 3), concurrency levels (default {@code 1,4,8}). Prints result lines
 * (bench/lib.sh): {@code SCALE_100_NAMES_MS} and {@code SCALE_50_CERTS_C<level>_MS}, one time a run.
 */
public final class Scale {

    private static final PreflightSettings NO_PREFLIGHT = new PreflightSettings(PreflightSettings.Mode.OFF,
            PreflightSettings.DEFAULT_PORT, PreflightSettings.DEFAULT_TIMEOUT);

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int[] levels = (args.length > 1 ? List.of(args[1].split(",")) : List.of("1", "4", "8")).stream()
                .mapToInt(Integer::parseInt).toArray();
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.WARNING);
        }
        Path dir = Files.createTempDirectory("scale");
        InMemoryChallengeStore store = new InMemoryChallengeStore();
        try (Pebble pebble = Pebble.builder().nonceRejectPercent(0).resolveAllNamesToLoopback(true).start()) {
            Server jetty = ChallengeJetty.start(store, pebble.httpPort());
            try {
                Path accountKey = dir.resolve("client.key");
                hundredNames(pebble, store, dir.resolve("warmup"), accountKey); // JIT, BouncyCastle, the account
                List<Long> hundred = new ArrayList<>();
                List<List<Long>> fifty = new ArrayList<>();
                for (int level : levels) {
                    fifty.add(new ArrayList<>());
                }
                for (int r = 0; r < runs; r++) {
                    hundred.add(hundredNames(pebble, store, dir.resolve("h" + r), accountKey));
                    for (int l = 0; l < levels.length; l++) {
                        fifty.get(l).add(fiftyCertificates(pebble, store, dir.resolve("f" + r + "-" + levels[l]),
                                accountKey, levels[l]));
                    }
                }
                System.out.println(result("SCALE_100_NAMES_MS", hundred));
                for (int l = 0; l < levels.length; l++) {
                    System.out.println(result("SCALE_50_CERTS_C" + levels[l] + "_MS", fifty.get(l)));
                }
            } finally {
                jetty.stop();
            }
        }
    }

    private static CertificateSettings.Builder base(Pebble pebble, Path dir, Path accountKey) {
        return CertificateSettings.builder()
                .directoryUrl(pebble.directoryUrl())
                .caCertificates(pebble.caCertificatesPem())
                .accountKeyFile(accountKey)
                .stateDir(dir)
                .preflight(NO_PREFLIGHT);
    }

    private static long hundredNames(Pebble pebble, InMemoryChallengeStore store, Path dir, Path accountKey)
            throws Exception {
        CertificateSettings.Builder builder = base(pebble, dir, accountKey)
                .certificatePath(dir.resolve("many.crt"))
                .privateKeyPath(dir.resolve("many.key"));
        IntStream.range(0, 100).forEach(i -> builder.domain("n" + i + "." + dir.getFileName() + ".example.org"));
        Provisioner provisioner = new Provisioner(builder.build(), store);
        try {
            Instant start = Instant.now();
            provisioner.provisionIfNeeded();
            return Duration.between(start, Instant.now()).toMillis();
        } finally {
            provisioner.close();
        }
    }

    private static long fiftyCertificates(Pebble pebble, InMemoryChallengeStore store, Path dir, Path accountKey,
                                          int concurrency) throws Exception {
        AcmeConfig.Builder builder = AcmeConfig.builder().maxConcurrentOrders(concurrency);
        for (int i = 0; i < 50; i++) {
            builder.certificate(base(pebble, dir, accountKey).id("c" + i)
                    .domain("c" + i + "." + dir.getFileName() + ".example.org")
                    .certificatePath(dir.resolve("c" + i + ".crt")).privateKeyPath(dir.resolve("c" + i + ".key"))
                    .build());
        }
        Instant start = Instant.now();
        try (CertificateFleet fleet = new CertificateFleet(builder.build(), store)) {
            fleet.start();
            Instant deadline = start.plus(Duration.ofMinutes(5));
            while (true) {
                // done when the check recorded its success, not when the files appear: closing the
                // fleet then would interrupt the check's last bookkeeping
                long done = fleet.certificates().stream()
                        .filter(c -> c.scheduler().state().lastSuccess() != null).count();
                long failed = fleet.certificates().stream()
                        .filter(c -> c.scheduler().state().consecutiveFailures() > 0).count();
                if (done + failed == 50) {
                    if (failed > 0) {
                        System.err.println(failed + " of 50 certificates failed: " + fleet.certificates().stream()
                                .map(ManagedCertificate::scheduler).map(s -> s.state().lastError())
                                .filter(java.util.Objects::nonNull).findFirst().orElse(null));
                    }
                    break;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("50 certificates not issued within 5 minutes: " + done + " done");
                }
                Thread.sleep(10);
            }
            return Duration.between(start, Instant.now()).toMillis();
        }
    }

    /** A result line of bench/lib.sh: the key, then the time of every run in milliseconds. */
    private static String result(String key, List<Long> millis) {
        return key + millis.stream().map(ms -> " " + ms).collect(Collectors.joining());
    }
}
