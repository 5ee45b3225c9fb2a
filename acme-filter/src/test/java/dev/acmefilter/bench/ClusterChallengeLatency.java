package dev.acmefilter.bench;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.cluster.Cluster;
import dev.acmefilter.config.ClusterSettings;
import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.testing.PostgresServer;
import org.eclipse.jetty.server.Server;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Benchmark, not a test: how fast a cluster node that did not place the order answers the
 * CA's http-01 request, next to a single node. Two cluster nodes (each a {@link Cluster} with
 * its own connections and notification listener, in this JVM) on a private PostgreSQL; node
 * B's challenge filter in a real Jetty; a single node's filter (in-memory store, as without a
 * cluster) in another Jetty. Each round node A publishes a new token (commit and
 * {@code NOTIFY}); the time until B answers it over HTTP is the propagation; then the same
 * Java client sends {@code requests} GETs for it, alternately to B and to the single node,
 * one at a time on kept-alive connections. Run with {@code bench/cluster.sh}.
 *
 * <p>Arguments: rounds (default 5), requests per node and round (default 2000). Result lines
 * (bench/lib.sh), one value per round: {@code CLUSTER_PROPAGATION_MS},
 * {@code CLUSTER_OTHER_NODE_P50_MS}, {@code CLUSTER_OTHER_NODE_P99_MS},
 * {@code CLUSTER_SINGLE_NODE_P50_MS}, {@code CLUSTER_SINGLE_NODE_P99_MS}, and
 * {@code CLUSTER_READ_THROUGHS} (lookups B had to make in the database: 0 when the
 * notification arrived first).
 */
public final class ClusterChallengeLatency {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterChallengeLatency() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Logger.getLogger("").setLevel(Level.WARNING);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        try (PostgresServer postgres = PostgresServer.start()) {
            postgres.createDatabase("bench", "acme", "bench pass");
            try (Cluster a = Cluster.start(settings(postgres, "a", secret), Clock.systemUTC());
                 Cluster b = Cluster.start(settings(postgres, "b", secret), Clock.systemUTC())) {
                InMemoryChallengeStore single = new InMemoryChallengeStore();
                int portB = freePort();
                int portSingle = freePort();
                Server jettyB = ChallengeJetty.start(b.challenges(), portB);
                Server jettySingle = ChallengeJetty.start(single, portSingle);
                try {
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (!b.listener().listening() && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    run(a, b, single, portB, portSingle, rounds, requests);
                } finally {
                    jettyB.stop();
                    jettySingle.stop();
                }
            }
        }
    }

    private static void run(Cluster a, Cluster b, InMemoryChallengeStore single, int portB, int portSingle, int rounds,
                            int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ResultLines results = new ResultLines("CLUSTER_PROPAGATION_MS", "CLUSTER_READ_THROUGHS",
                "CLUSTER_OTHER_NODE_P50_MS", "CLUSTER_OTHER_NODE_P99_MS", "CLUSTER_SINGLE_NODE_P50_MS",
                "CLUSTER_SINGLE_NODE_P99_MS");
        String warm = token();
        a.challenges().put(warm, warm + ".w");
        single.put(warm, warm + ".w");
        measure(http, portB, portSingle, warm, Math.max(requests, 2000)); // JIT, connections
        System.out.printf("# challenge answer latency: cluster node B (did not place the order, token by NOTIFY)"
                + " vs a single node's in-memory store, %d sequential GETs per node and round, one Java client"
                + " (HTTP/1.1 keep-alive), interleaved; %d rounds%n", requests, rounds);
        for (int r = 0; r < rounds; r++) {
            String token = token();
            String keyAuthorization = token + "." + token().substring(0, 43);
            long before = b.challenges().readThroughs();
            long start = System.nanoTime();
            a.challenges().put(token, keyAuthorization);
            while (status(http, portB, token) != 200) {
                Thread.onSpinWait();
            }
            long propagated = System.nanoTime() - start;
            results.add("CLUSTER_READ_THROUGHS", Long.toString(b.challenges().readThroughs() - before));
            single.put(token, keyAuthorization);
            long[][] latencies = measure(http, portB, portSingle, token, requests);
            results.add("CLUSTER_PROPAGATION_MS", millis(propagated));
            results.add("CLUSTER_OTHER_NODE_P50_MS", millis(percentile(latencies[0], 50)));
            results.add("CLUSTER_OTHER_NODE_P99_MS", millis(percentile(latencies[0], 99)));
            results.add("CLUSTER_SINGLE_NODE_P50_MS", millis(percentile(latencies[1], 50)));
            results.add("CLUSTER_SINGLE_NODE_P99_MS", millis(percentile(latencies[1], 99)));
            a.challenges().remove(token);
            single.remove(token);
            results.print();
        }
    }

    /** {@code requests} GETs of {@code token} on each port, alternately; the latencies in ns, per port. */
    private static long[][] measure(HttpClient http, int portB, int portSingle, String token, int requests)
            throws Exception {
        long[] other = new long[requests];
        long[] alone = new long[requests];
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            check(status(http, portB, token));
            long t1 = System.nanoTime();
            check(status(http, portSingle, token));
            long t2 = System.nanoTime();
            other[i] = t1 - t0;
            alone[i] = t2 - t1;
        }
        return new long[][] {other, alone};
    }

    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("a pending token was answered " + status);
        }
    }

    private static int status(HttpClient http, int port, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/.well-known/acme-challenge/" + token)).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1_000_000.0);
    }

    private static ClusterSettings settings(PostgresServer postgres, String node, byte[] secret) {
        return ClusterSettings.builder().url(postgres.jdbcUrl("bench")).user("acme").password("bench pass").node(node)
                .secret(secret).build();
    }

    private static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
