package dev.acmefilter.bench;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.provision.ProvisionResult;
import dev.acmefilter.provision.Provisioner;
import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.ProvisionOnce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Benchmark, not a test: time to a certificate for {@code example.test} and
 * {@code *.example.test} with dns-01 against one real BIND (127.0.0.1:53, as
 * {@code ns1.example.test} the zone's only name server, so every client's propagation check
 * asks it on port 53 as in production) and a Pebble whose VA asks that BIND, a fresh account
 * each run, runs interleaved:
 * <ol>
 * <li>ours in a running JVM (the webapp's case): the config loaded, the provisioner's check,
 *     files verified (one untimed warm-up order first);</li>
 * <li>ours cold: a JVM launched for one check ({@link ProvisionOnce}), launch to exit;</li>
 * <li>lego 4.9 {@code --dns rfc2136} at its quickest: RFC2136_POLLING_INTERVAL=1 and
 *     RFC2136_SEQUENCE_INTERVAL=1 (it replaces the TXT RRset when it adds, so it solves a name
 *     and its wildcard one after the other, by default 60 s apart);</li>
 * <li>certbot {@code --dns-rfc2136-propagation-seconds 0}: the smallest wait it accepts;</li>
 * <li>in the first {@code defaultRuns} rounds only: lego and certbot with their defaults
 *     (polling 2 s, sequence interval 60 s; a fixed 60 s wait).</li>
 * </ol>
 * lego resolves the name servers' host names through the system's resolver only, so it runs
 * in a mount namespace of its own ({@code unshare -m}) whose /etc/hosts names
 * {@code ns1.example.test}; the host's /etc/hosts is not touched.
 * Each time ends when the chain on disk verifies against Pebble's root, the key matches and
 * both names are in the certificate. Run with {@code bench/dns01.sh}.
 *
 * <p>Arguments: runs, runs with the peers' defaults, work folder. Prints result lines (bench/lib.sh):
 * {@code DNS01_OURS_MS}, {@code DNS01_OURS_COLD_MS}, {@code DNS01_LEGO_MS}, {@code DNS01_LEGO_DEFAULT_MS},
 * {@code DNS01_CERTBOT_MIN_MS}, {@code DNS01_CERTBOT_MS}, {@code DNS01_WARMUP_MS},
 * {@code DNS01_RECORDS_LEFT} (TXT values still in the zone after the runs, all clients).
 */
public final class Dns01TimeToCertificate {

    static final String ADDRESS = "127.0.0.1";
    private static final String RECORD = "_acme-challenge.example.test.";
    private static final List<String> NAMES = List.of("example.test", "*.example.test");

    private final BindServer bind;
    private final Pebble pebble;
    private final Path work;
    private int leftovers;

    private Dns01TimeToCertificate(BindServer bind, Pebble pebble, Path work) {
        this.bind = bind;
        this.pebble = pebble;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int defaultRuns = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.WARNING);
        }
        try (BindServer bind = BindServer.builder().listen(ADDRESS, 53).start();
             Pebble pebble = Pebble.builder().dnsServer(bind.primaryAddress()).nonceRejectPercent(0).vaNoSleep(true)
                     .start()) {
            new Dns01TimeToCertificate(bind, pebble, work).measure(runs, defaultRuns);
        }
    }

    private void measure(int runs, int defaultRuns) throws Exception {
        System.out.printf("# dns-01 time to certificate for %s, BIND %s (the zone's only name server), Pebble with"
                + " -dnsserver there, a fresh account each run, %d runs interleaved (lego's and certbot's defaults:"
                + " %d)%n", String.join(" + ", NAMES), bind.primaryAddress(), runs, defaultRuns);
        System.out.println("DNS01_WARMUP_MS " + ours(work.resolve("warmup")));
        ResultLines results = new ResultLines("DNS01_OURS_MS", "DNS01_OURS_COLD_MS", "DNS01_LEGO_MS",
                "DNS01_LEGO_DEFAULT_MS", "DNS01_CERTBOT_MIN_MS", "DNS01_CERTBOT_MS");
        for (int r = 1; r <= runs; r++) {
            final int i = r;
            timed(results.series("DNS01_OURS_MS"), () -> ours(work.resolve("ours" + i)));
            timed(results.series("DNS01_OURS_COLD_MS"), () -> cold(work.resolve("cold" + i)));
            timed(results.series("DNS01_LEGO_MS"), () -> lego(work.resolve("lego" + i), true));
            timed(results.series("DNS01_CERTBOT_MIN_MS"), () -> certbot(work.resolve("certbot-min" + i), 0));
            if (r <= defaultRuns) {
                timed(results.series("DNS01_LEGO_DEFAULT_MS"), () -> lego(work.resolve("lego-default" + i), false));
                timed(results.series("DNS01_CERTBOT_MS"), () -> certbot(work.resolve("certbot" + i), -1));
            }
            results.print();
            System.out.println("DNS01_RECORDS_LEFT " + leftovers);
            System.out.flush();
        }
    }

    // ------------------------------------------------------------------ the clients

    private long ours(Path home) throws Exception {
        Path yaml = config(home);
        long start = System.nanoTime();
        AcmeConfig config = ConfigLoader.loadQuietly(List.of(yaml));
        Provisioner provisioner = new Provisioner(config.certificates().get(0), new InMemoryChallengeStore());
        try {
            ProvisionResult result = provisioner.provisionIfNeeded();
            if (result.outcome() != ProvisionResult.Outcome.ISSUED) {
                throw new IllegalStateException("ours: not issued: " + result);
            }
        } finally {
            provisioner.close();
        }
        verify("ours", home.resolve("tls/example.test.crt"), home.resolve("tls/example.test.key"));
        return done(start);
    }

    private long cold(Path home) throws Exception {
        Path yaml = config(home);
        long start = System.nanoTime();
        run("ours cold", home, Map.of(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProvisionOnce.class.getName(), yaml.toString(), "0",
                "check");
        verify("ours cold", home.resolve("tls/example.test.crt"), home.resolve("tls/example.test.key"));
        return done(start);
    }

    /** lego at its quickest ({@code quick}: polling and sequence interval 1 s) or with its defaults. */
    private long lego(Path home, boolean quick) throws Exception {
        Files.createDirectories(home);
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "LEGO_CA_CERTIFICATES", pebble.caCertificatesPem().toString(),
                "RFC2136_NAMESERVER", bind.primaryAddress(),
                "RFC2136_TSIG_KEY", BindServer.KEY_NAME,
                "RFC2136_TSIG_SECRET", bind.keySecret(),
                "RFC2136_TSIG_ALGORITHM", bind.keyAlgorithm() + "."));
        if (quick) {
            env.putAll(Map.of("RFC2136_PROPAGATION_TIMEOUT", "60", "RFC2136_POLLING_INTERVAL", "1",
                    "RFC2136_SEQUENCE_INTERVAL", "1"));
        }
        // its own /etc/hosts (a private mount namespace): lego finds ns1.example.test through it
        Path hosts = work.resolve("hosts");
        if (!Files.exists(hosts)) {
            Files.writeString(hosts, "127.0.0.1 localhost\n" + ADDRESS + " ns1.example.test\n");
        }
        long start = System.nanoTime();
        run("lego", home, env, "unshare", "-m", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
                hosts.toString(), "lego", "--server", pebble.directoryUrl().toString(), "--path", home.toString(),
                "--accept-tos", "--email", "bench@example.org", "--dns", "rfc2136", "--dns.resolvers",
                bind.primaryAddress(), "-d", NAMES.get(0), "-d", NAMES.get(1), "run");
        verify("lego", home.resolve("certificates/example.test.crt"), home.resolve("certificates/example.test.key"));
        return done(start);
    }

    /** certbot with {@code seconds} of propagation wait; a negative number: its default. */
    private long certbot(Path home, int seconds) throws Exception {
        Files.createDirectories(home);
        Path ini = home.resolve("rfc2136.ini");
        Files.writeString(ini, String.join("\n", "dns_rfc2136_server = " + ADDRESS, "dns_rfc2136_port = 53",
                "dns_rfc2136_name = " + BindServer.KEY_NAME, "dns_rfc2136_secret = " + bind.keySecret(),
                "dns_rfc2136_algorithm = " + bind.keyAlgorithm().toUpperCase(java.util.Locale.ROOT), ""));
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-------"));
        List<String> command = new ArrayList<>(List.of("certbot", "certonly", "--authenticator", "dns-rfc2136",
                "--dns-rfc2136-credentials", ini.toString()));
        if (seconds >= 0) {
            command.addAll(List.of("--dns-rfc2136-propagation-seconds", Integer.toString(seconds)));
        }
        command.addAll(List.of("--server", pebble.directoryUrl().toString(), "--config-dir",
                home.resolve("config").toString(), "--work-dir", home.resolve("work").toString(), "--logs-dir",
                home.resolve("logs").toString(), "--agree-tos", "--register-unsafely-without-email",
                "--non-interactive", "-d", NAMES.get(0), "-d", NAMES.get(1)));
        long start = System.nanoTime();
        run("certbot", home, Map.of("REQUESTS_CA_BUNDLE", pebble.caCertificatesPem().toString()),
                command.toArray(String[]::new));
        Path live = home.resolve("config/live/example.test");
        verify("certbot", live.resolve("fullchain.pem"), live.resolve("privkey.pem"));
        return done(start);
    }

    // ------------------------------------------------------------------ helpers

    private interface Run {
        long run() throws Exception;
    }

    /** One run on a quiet machine; a failed one is "?" (and its reason on stderr). */
    private static void timed(List<String> into, Run run) throws Exception {
        settle();
        try {
            into.add(Long.toString(run.run()));
        } catch (Exception e) {
            into.add("?");
            System.err.println("failed: " + e.getMessage());
        }
    }

    /** The admin's homeserver.yaml for dns-01 through this BIND, with the defaults (pre-flight advisory). */
    private Path config(Path home) throws IOException {
        Files.createDirectories(home);
        Path key = home.resolve("acme-tsig.key");
        Files.copy(bind.keyFile(), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path yaml = home.resolve("homeserver.yaml");
        Files.writeString(yaml, String.join("\n", "server_name: example.test",
                "tls_certificate_path: tls/example.test.crt", "tls_private_key_path: tls/example.test.key", "acme:",
                "  enabled: true", "  url: '" + pebble.directoryUrl() + "'",
                "  ca_certificates: '" + pebble.caCertificatesPem() + "'", "  account_key_file: account.key",
                "  challenge: dns-01", "  domains: ['*.example.test']", "  dns:",
                "    rfc2136: {server: '" + bind.primaryAddress() + "', tsig_secret_file: acme-tsig.key}", ""));
        return yaml;
    }

    private static void run(String who, Path home, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("output.txt").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(who + " did not finish within 180 s");
        }
        if (process.exitValue() != 0) {
            List<String> out = Files.readAllLines(home.resolve("output.txt"), StandardCharsets.UTF_8);
            throw new IllegalStateException(who + " exited with " + process.exitValue() + ": "
                    + String.join("\n", out.subList(Math.max(0, out.size() - 10), out.size())));
        }
    }

    /** The chain verifies against Pebble's root, the key matches, both names are in it. */
    private void verify(String who, Path chainFile, Path keyFile) throws Exception {
        List<X509Certificate> chain = Pem.readCertificates(chainFile);
        Pebble.verifyChain(chain, pebble.roots());
        if (!KeyMatch.matches(chain.get(0), Pem.readPrivateKey(keyFile))) {
            throw new IllegalStateException(who + ": the key does not match the certificate");
        }
        Set<String> names = new HashSet<>();
        for (List<?> san : chain.get(0).getSubjectAlternativeNames()) {
            names.add(String.valueOf(san.get(1)));
        }
        if (!names.containsAll(NAMES)) {
            throw new IllegalStateException(who + ": the certificate is for " + names);
        }
    }

    /** The time since {@code start}; counts the TXT values a client left in the zone. */
    private long done(long start) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        leftovers += bind.txt(RECORD).size();
        return ms;
    }

    /** Waits (at most 3 s) until the CPUs were 90 % idle over 0.2 s, as bench/lib.sh's settle. */
    private static void settle() throws Exception {
        for (int i = 0; i < 15; i++) {
            long[] a = ticks();
            Thread.sleep(200);
            long[] b = ticks();
            long busy = b[0] - a[0];
            long idle = b[1] - a[1];
            if (busy + idle > 0 && idle * 10 >= (busy + idle) * 9) {
                return;
            }
        }
    }

    private static long[] ticks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        return new long[] {busy, Long.parseLong(f[4])};
    }
}
