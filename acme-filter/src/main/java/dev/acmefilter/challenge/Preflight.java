package dev.acmefilter.challenge;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import dev.acmefilter.net.DetachedHttpClient;

import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.PreflightSettings;

/**
 * The self-test before an order ({@code acme.preflight}): puts a random probe into the
 * {@link ChallengeStore}, fetches {@code http://<name>/.well-known/acme-challenge/<probe>}
 * the way the CA will, and says precisely what is wrong when the probe does not come back:
 * the name does not resolve, nothing listens, the proxy does not forward the path, another
 * instance answers, or it times out. A failed order only says "unauthorized" after the fact
 * and counts against the CA's rate limits; this says why, before.
 *
 * <p>It fetches from this host, so it can be wrong in both directions (split DNS, a
 * firewall that lets the CA through but not this host): that is why the default mode only
 * advises. Redirects are followed like the CA does (except from https to http). The probe
 * is removed from the store again in every case.
 */
public final class Preflight implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Preflight.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_BODY_BYTES = 4096;
    private static final int EXCERPT_CHARS = 80;
    private static final int PARALLEL_PROBES = 8;
    private static final String PROXY_ADVICE = "the proxy does not forward /.well-known/acme-challenge to this "
            + "server (see the README's nginx snippet)";

    private final ChallengeStore store;
    private final PreflightSettings settings;
    private final DetachedHttpClient detached;
    private final HttpClient http;

    public Preflight(ChallengeStore store, PreflightSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.detached = new DetachedHttpClient("acme-preflight", builder -> builder
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(settings.timeout()));
        this.http = detached.client();
    }

    /** Stops the HTTP client's threads. */
    @Override
    public void close() {
        detached.close();
    }

    /** The self-test for {@code acme.preflight}, with the store the filter answers from. */
    public static Preflight forSettings(CertificateSettings settings, ChallengeStore store) {
        return new Preflight(store, settings.preflight());
    }

    /**
     * Probes every name, one after the other; logs each problem at WARNING. With
     * {@code mode: off} nothing is probed and the report is empty.
     */
    public PreflightReport check(List<String> names) throws InterruptedException {
        if (settings.mode() == PreflightSettings.Mode.OFF) {
            return new PreflightReport(settings.mode(), List.of());
        }
        // names are probed side by side: a certificate may have up to 100, each probe may wait its timeout
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(PARALLEL_PROBES, names.size())), r -> {
                    Thread t = new Thread(r, "acme-preflight-probe");
                    t.setDaemon(true);
                    return t;
                });
        List<PreflightResult> results = new java.util.ArrayList<>();
        try {
            List<java.util.concurrent.Future<PreflightResult>> probes = new java.util.ArrayList<>();
            for (String name : names) {
                probes.add(pool.submit(() -> check(name)));
            }
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                PreflightResult result;
                try {
                    result = probes.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    result = new PreflightResult(name, java.util.Optional.of("the probe failed: " + e.getCause()));
                }
                result.problem().ifPresentOrElse(
                        p -> LOG.log(Level.WARNING, "Pre-flight check of {0} ({1}): {2}", name,
                                settings.mode().configName(), p),
                        () -> LOG.log(Level.INFO, "Pre-flight check of {0}: the challenge path answers", name));
                results.add(result);
            }
        } finally {
            pool.shutdownNow();
        }
        return new PreflightReport(settings.mode(), results);
    }

    /** Probes one name, whatever the mode. */
    public PreflightResult check(String name) throws InterruptedException {
        String hostPort = name + ":" + settings.port();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            return PreflightResult.problem(name, name + " does not resolve: check its DNS A/AAAA records");
        }
        String resolved = Arrays.stream(addresses).map(InetAddress::getHostAddress).distinct()
                .collect(Collectors.joining(", "));
        String token = random();
        String value = token + "." + random();
        URI uri = URI.create("http://" + (settings.port() == 80 ? name : hostPort) + ChallengeFilter.PATH_PREFIX
                + token);
        String seconds = settings.timeout().toSeconds() + " s";
        store.put(token, value);
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).GET()
                    .timeout(settings.timeout()).build(), HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
            }
            return judge(name, uri, response.statusCode(), body, value);
        } catch (HttpConnectTimeoutException e) {
            return PreflightResult.problem(name, "connecting to " + hostPort + " (" + resolved + ") timed out after "
                    + seconds + ": a firewall drops the connection, or the DNS records point at the wrong host");
        } catch (HttpTimeoutException e) {
            return PreflightResult.problem(name, uri + " did not answer within " + seconds + ": the proxy or the "
                    + "server behind it hangs");
        } catch (ConnectException e) {
            return PreflightResult.problem(name, "nothing listens on " + hostPort + " (" + resolved + "): is the "
                    + "proxy / port forwarding in place, and do the DNS records point at this host?");
        } catch (SSLException e) {
            return PreflightResult.problem(name, uri + " redirects to https, and the TLS connection failed (" + e
                    + "); the CA does not check that certificate, so this may still work");
        } catch (IOException e) {
            return PreflightResult.problem(name, uri + " cannot be fetched: " + e);
        } finally {
            store.remove(token);
        }
    }

    private static PreflightResult judge(String name, URI uri, int status, String body, String value) {
        if (status == 200 && body.strip().equals(value)) {
            return PreflightResult.ok(name);
        }
        if (body.equals(ChallengeFilter.NOT_FOUND_TEXT)) {
            return PreflightResult.problem(name, uri + " answered " + status + " from an ACME challenge filter that "
                    + "does not know the probe: the request reached another instance of this provisioner (another "
                    + "node of a cluster, an old deployment), not this one; they need a shared challenge store, or "
                    + "the proxy must send /.well-known/acme-challenge to this one");
        }
        return PreflightResult.problem(name, uri + " answered " + status + " with a body that is not this "
                + "provisioner's (" + excerpt(body) + "): " + PROXY_ADVICE);
    }

    /** The start of a foreign body on one line, so the admin can recognize who answered. */
    private static String excerpt(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        if (line.isEmpty()) {
            return "empty";
        }
        return "'" + (line.length() > EXCERPT_CHARS ? line.substring(0, EXCERPT_CHARS) + "..." : line) + "'";
    }

    /** 32 random bytes in base64url, like a CA's token. */
    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
