package dev.acmefilter.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import static dev.acmefilter.testing.FixtureProcesses.deleteRecursively;
import static dev.acmefilter.testing.FixtureProcesses.findExecutable;
import static dev.acmefilter.testing.FixtureProcesses.readQuietly;

/**
 * A real <a href="https://github.com/letsencrypt/pebble">Pebble</a> ACME server (Debian package
 * {@code pebble}, 2.4.0) started as a child process for tests.
 *
 * <p>Every instance gets its own throwaway CA for Pebble's HTTPS listeners (written as PEM, see
 * {@link #caCertificatesPem()}), its own free loopback ports and its own work directory. Nothing
 * here ever trusts all certificates: {@link #sslContext()} trusts only the generated CA.
 *
 * <pre>{@code
 * try (Pebble pebble = Pebble.builder().start()) {
 *     URI dir = pebble.directoryUrl();          // https://localhost:<port>/dir
 *     int port = pebble.httpPort();             // serve http-01 answers on 127.0.0.1:<port>
 *     ...
 *     Pebble.verifyChain(chain, pebble.roots());
 * }
 * }</pre>
 *
 * <p>Not thread-safe for concurrent {@link #close()} and accessor calls, but several instances
 * may run side by side.
 */
public final class Pebble implements AutoCloseable {

    /** Exact message of the exception {@link Builder#start()} throws when Pebble is missing. */
    public static final String NOT_INSTALLED_MESSAGE =
            "pebble is not installed: run 'apt-get install -y pebble' (Debian package pebble)";

    private static final Path DEFAULT_PEBBLE = Path.of("/usr/bin/pebble");
    private static final Path DEFAULT_CHALLTESTSRV = Path.of("/usr/bin/pebble-challtestsrv");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    private static final int LOG_TAIL_LINES = 40;

    private final Path workDir;
    private final Path caPem;
    private final X509Certificate caCertificate;
    private final SSLContext sslContext;
    private final HttpClient httpClient;
    private final int listenPort;
    private final int managementPort;
    private final int httpPort;
    private final int tlsPort;
    private final Integer dnsPort;
    private final Path logFile;
    private final Path dnsLogFile;
    private final List<Process> processes = new ArrayList<>();
    private Integer dnsManagementPort;
    private ProcessBuilder serverBuilder;
    private final Thread shutdownHook;
    private Duration startupDuration;
    private volatile boolean closed;
    private boolean deleteWorkDirOnClose;
    private String finalLog;

    private Pebble(Path workDir, Path caPem, X509Certificate caCertificate, SSLContext sslContext,
                   int listenPort, int managementPort, int httpPort, int tlsPort, Integer dnsPort,
                   Path logFile, Path dnsLogFile) {
        this.workDir = workDir;
        this.caPem = caPem;
        this.caCertificate = caCertificate;
        this.sslContext = sslContext;
        this.httpClient = HttpClient.newBuilder()
                .sslContext(sslContext)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.listenPort = listenPort;
        this.managementPort = managementPort;
        this.httpPort = httpPort;
        this.tlsPort = tlsPort;
        this.dnsPort = dnsPort;
        this.logFile = logFile;
        this.dnsLogFile = dnsLogFile;
        this.shutdownHook = new Thread(this::onJvmShutdown, "pebble-shutdown-" + listenPort);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ accessors

    /** The ACME directory, {@code https://localhost:<port>/dir}. */
    public URI directoryUrl() {
        return URI.create("https://localhost:" + listenPort + "/dir");
    }

    /** Base URL of Pebble's management interface (HTTPS, same certificate), e.g. for {@code /roots/0}. */
    public URI managementUrl() {
        return URI.create("https://localhost:" + managementPort + "/");
    }

    /**
     * PEM file of the CA that signed Pebble's HTTPS certificate. This is what a client (e.g. the
     * product's {@code acme.ca_certificates}) must trust to talk to this Pebble.
     */
    public Path caCertificatesPem() {
        return caPem;
    }

    /** The CA certificate in {@link #caCertificatesPem()}. */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** An SSLContext that trusts only {@link #caCertificate()} (never the JVM default store). */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** An HttpClient using {@link #sslContext()}; no redirects followed. */
    public HttpClient httpClient() {
        return httpClient;
    }

    /** The port Pebble's VA connects to for http-01; the test's HTTP server must listen there on 127.0.0.1. */
    public int httpPort() {
        return httpPort;
    }

    /** The port Pebble's VA connects to for tls-alpn-01. */
    public int tlsPort() {
        return tlsPort;
    }

    /** Port of the ACME (WFE) HTTPS listener. */
    public int listenPort() {
        return listenPort;
    }

    public int managementPort() {
        return managementPort;
    }

    /** UDP port of the pebble-challtestsrv DNS server, present with {@code resolveAllNamesToLoopback(true)}. */
    public Optional<Integer> dnsPort() {
        return Optional.ofNullable(dnsPort);
    }

    public Path workDir() {
        return workDir;
    }

    /** Pebble's stdout+stderr. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Makes the test DNS answer {@code host} with {@code ipv4} instead of 127.0.0.1. Needs
     * {@code resolveAllNamesToLoopback(true)}.
     */
    public void resolve(String host, String ipv4) {
        manageDns("/add-a", "{\"host\":\"" + host + "\",\"addresses\":[\"" + ipv4 + "\"]}");
    }

    /**
     * Makes the test DNS answer SERVFAIL for {@code host}, so that the CA cannot validate it
     * (whatever listens where) while other names validate. Needs
     * {@code resolveAllNamesToLoopback(true)}.
     */
    public void failLookups(String host) {
        manageDns("/set-servfail", "{\"host\":\"" + host + "\"}");
    }

    private void manageDns(String path, String body) {
        if (dnsManagementPort == null) {
            throw new IllegalStateException("start Pebble with resolveAllNamesToLoopback(true) to change DNS answers");
        }
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + dnsManagementPort + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("pebble-challtestsrv " + path + " answered " + answer.statusCode()
                        + ": " + answer.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** pebble-challtestsrv's stdout+stderr, present with {@code resolveAllNamesToLoopback(true)}. */
    public Optional<Path> dnsLogFile() {
        return Optional.ofNullable(dnsLogFile);
    }

    /** Pebble's log text so far (still available after {@link #close()} removed the work dir). */
    public String log() {
        String saved = finalLog;
        return saved != null ? saved : readQuietly(logFile);
    }

    /** How long {@code start()} took from launching the process to {@code /dir} answering. */
    public Duration startupDuration() {
        return startupDuration;
    }

    /** The processes this instance started (pebble first, then challtestsrv if any). */
    public List<ProcessHandle> processes() {
        return processes.stream().map(Process::toHandle).collect(Collectors.toUnmodifiableList());
    }

    /** Pid of the pebble process. */
    public long pid() {
        return processes.get(0).pid();
    }

    public boolean isRunning() {
        return !closed && processes.stream().allMatch(Process::isAlive);
    }

    /**
     * Pebble's issuing root for the default chain ({@code /roots/0}); it changes at every start.
     * Use it as trust anchor for {@link #verifyChain(List, List)}.
     */
    public List<X509Certificate> roots() {
        return roots(0);
    }

    /** The root of chain {@code index} ({@code /roots/<index>}; more than 0 only with PEBBLE_ALTERNATE_ROOTS). */
    public List<X509Certificate> roots(int index) {
        return fetchCertificates("roots/" + index);
    }

    /** Intermediates of the default chain ({@code /intermediates/0}). */
    public List<X509Certificate> intermediates() {
        return intermediates(0);
    }

    public List<X509Certificate> intermediates(int index) {
        return fetchCertificates("intermediates/" + index);
    }

    private List<X509Certificate> fetchCertificates(String path) {
        HttpResponse<byte[]> response;
        try {
            response = httpClient.send(
                    HttpRequest.newBuilder(managementUrl().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch " + managementUrl().resolve(path), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + response.uri() + " answered " + response.statusCode()
                    + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
        return parseCertificates(response.body());
    }

    /** How many requests Pebble has handled in all, from its log. */
    public long requests() {
        return log().lines().filter(line -> line.contains("-> calling handler()")).count();
    }

    /**
     * How many requests Pebble has handled whose method and path start with {@code request},
     * e.g. {@code "POST /order-plz"} (new orders), from its log ("POST /order-plz -> calling handler()").
     */
    public long requests(String request) {
        String prefix = request + " ";
        return log().lines().filter(line -> line.contains("-> calling handler()"))
                .map(line -> line.substring(line.indexOf(' ', line.indexOf(' ', 7) + 1) + 1))
                .filter(rest -> rest.startsWith(prefix) || rest.startsWith(request + "/"))
                .count();
    }

    /**
     * How many orders Pebble created, from its log ("Added order ... to the db"): unlike
     * {@code requests("POST /order-plz")}, a request refused for a bad nonce and sent again
     * counts once.
     */
    public long ordersCreated() {
        return log().lines().filter(line -> line.contains("Added order ")).count();
    }

    /** How many certificates Pebble issued, from its log ("Issued certificate serial ... for order ..."). */
    public long certificatesIssued() {
        return log().lines().filter(line -> line.contains("Issued certificate serial ")).count();
    }

    // ------------------------------------------------------------------ outages

    /**
     * Stops the Pebble server only (pebble-challtestsrv stays up): the CA is down, as in an
     * outage. {@link #startServer()} brings it back on the same ports with the same HTTPS
     * certificate, so clients configured for it reach it again.
     */
    public synchronized void stopServer() {
        stop(processes.get(0));
    }

    /** Starts the Pebble server again after {@link #stopServer()}; waits until it answers. */
    public synchronized void startServer() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        try {
            processes.set(0, serverBuilder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart pebble", e);
        }
        awaitReady(Instant.now().plus(STARTUP_TIMEOUT));
    }

    // ------------------------------------------------------------------ stopping

    /** Stops exactly the processes this instance started (and their descendants). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcesses();
        FixtureProcesses.removeShutdownHook(shutdownHook);
        if (deleteWorkDirOnClose) {
            finalLog = readQuietly(logFile);
            deleteRecursively(workDir);
        }
    }

    private void onJvmShutdown() {
        stopProcesses();
        if (deleteWorkDirOnClose) {
            deleteRecursively(workDir);
        }
    }

    private synchronized void stopProcesses() {
        // pebble first (it is the DNS server's client), then pebble-challtestsrv
        for (Process process : processes) {
            stop(process);
        }
    }

    private static void stop(Process process) {
        FixtureProcesses.stop(process, STOP_GRACE);
    }

    // ------------------------------------------------------------------ chain verification

    /**
     * PKIX-validates {@code chain} (leaf first, as acme4j's {@code getCertificateChain()} returns it)
     * against {@code roots} as the only trust anchors, revocation checking off.
     *
     * @throws AssertionError with the reason when the chain does not verify
     */
    public static void verifyChain(List<X509Certificate> chain, List<X509Certificate> roots) {
        if (chain == null || chain.isEmpty()) {
            throw new AssertionError("certificate chain is empty");
        }
        if (roots == null || roots.isEmpty()) {
            throw new AssertionError("no trust anchors given");
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate root : roots) {
            anchors.add(new TrustAnchor(root, null));
        }
        // a chain may include the root itself: a PKIX path must not contain the trust anchor
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && roots.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPath certPath = cf.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (CertPathValidatorException e) {
            throw new AssertionError("certificate chain does not verify: " + e.getMessage()
                    + (e.getIndex() >= 0 ? " (at chain index " + e.getIndex() + ")" : "")
                    + "\nchain: " + describe(chain) + "\nroots: " + describe(roots), e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("cannot validate certificate chain: " + e, e);
        }
    }

    private static String describe(List<X509Certificate> certs) {
        return certs.stream()
                .map(c -> "[subject=" + c.getSubjectX500Principal().getName()
                        + ", issuer=" + c.getIssuerX500Principal().getName() + "]")
                .collect(Collectors.joining(", "));
    }

    // ------------------------------------------------------------------ PEM helpers

    /** Parses all certificates in PEM (or DER) bytes. */
    public static List<X509Certificate> parseCertificates(byte[] pemOrDer) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pemOrDer));
            List<X509Certificate> result = new ArrayList<>();
            for (Certificate c : certs) {
                result.add((X509Certificate) c);
            }
            return List.copyOf(result);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot parse certificates", e);
        }
    }

    /** Builds an SSLContext that trusts exactly the given certificates. */
    public static SSLContext sslContextTrusting(Collection<X509Certificate> trusted) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate cert : trusted) {
                ks.setCertificateEntry("trusted-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build SSLContext", e);
        }
    }

    private static String tail(Path file) {
        List<String> lines = readQuietly(file).lines().collect(Collectors.toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    // ------------------------------------------------------------------ builder

    public static final class Builder {
        private Integer httpPort;
        private Integer nonceRejectPercent;
        private boolean vaNoSleep = true;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Map<String, String> eab;
        private boolean resolveAllNamesToLoopback;
        private String dnsServer;
        private Path workDir;
        private boolean keepWorkDir = Boolean.getBoolean("pebble.keepWorkDir");
        private Long certificateValiditySeconds;
        private Path executable;

        private Builder() {
        }

        /** Port Pebble's VA connects to for http-01 (default: a free loopback port, see {@link Pebble#httpPort()}). */
        public Builder httpPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.httpPort = port;
            return this;
        }

        /** PEBBLE_WFE_NONCEREJECT: percentage of valid nonces rejected as bad (Pebble's default: 5). */
        public Builder nonceRejectPercent(int percent) {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("percent out of range: " + percent);
            }
            this.nonceRejectPercent = percent;
            return this;
        }

        /** PEBBLE_VA_NOSLEEP=1 (default true): no random 0-15 s sleep before each validation. */
        public Builder vaNoSleep(boolean noSleep) {
            this.vaNoSleep = noSleep;
            return this;
        }

        /** Any other environment variable, e.g. PEBBLE_ALTERNATE_ROOTS, PEBBLE_CHAIN_LENGTH, PEBBLE_AUTHZREUSE. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Requires external account binding; {@code kidToHmac} maps key ids to base64url-encoded
         * HMAC keys ({@code externalAccountMACKeys}).
         */
        public Builder externalAccountBinding(Map<String, String> kidToHmac) {
            this.eab = new LinkedHashMap<>(Objects.requireNonNull(kidToHmac, "kidToHmac"));
            return this;
        }

        /**
         * Also runs pebble-challtestsrv as DNS server answering 127.0.0.1 for every A query (no AAAA),
         * so any name (e.g. {@code matrix.example.org}) validates against the local HTTP server.
         */
        public Builder resolveAllNamesToLoopback(boolean resolve) {
            this.resolveAllNamesToLoopback = resolve;
            return this;
        }

        /**
         * Makes Pebble's VA ask {@code hostPort} (e.g. a {@link BindServer}'s {@code 127.0.0.1:<port>})
         * for every name: TXT records of dns-01 and A/AAAA of http-01 ({@code -dnsserver}). Not
         * together with {@link #resolveAllNamesToLoopback(boolean)}, which brings its own DNS server.
         */
        public Builder dnsServer(String hostPort) {
            this.dnsServer = Objects.requireNonNull(hostPort, "hostPort");
            return this;
        }

        /** Work directory for certificates, config and logs (default: a new temp directory). */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Keep the default temp work dir (certificates, config, logs) after {@link Pebble#close()};
         * default false, or true with {@code -Dpebble.keepWorkDir=true}. A dir given with
         * {@link #workDir(Path)} is never deleted.
         */
        public Builder keepWorkDir(boolean keep) {
            this.keepWorkDir = keep;
            return this;
        }

        /** Validity of issued certificates (config {@code certificateValidityPeriod}; Pebble's default is 5 years). */
        public Builder certificateValidityPeriod(Duration validity) {
            if (validity.toSeconds() < 1) {
                throw new IllegalArgumentException("validity must be at least 1 s: " + validity);
            }
            this.certificateValiditySeconds = validity.toSeconds();
            return this;
        }

        /** Pebble binary to run (default: /usr/bin/pebble, else {@code pebble} on PATH). */
        public Builder executable(Path pebble) {
            this.executable = Objects.requireNonNull(pebble, "pebble");
            return this;
        }

        /**
         * Starts Pebble and waits until its directory answers.
         *
         * @throws IllegalStateException {@link #NOT_INSTALLED_MESSAGE} when Pebble is missing, or
         *                               with the log tail when it does not come up
         */
        public Pebble start() {
            Path pebbleBin = executable != null
                    ? (Files.isExecutable(executable) ? executable : null)
                    : findExecutable(DEFAULT_PEBBLE, "pebble").orElse(null);
            if (pebbleBin == null) {
                throw new IllegalStateException(NOT_INSTALLED_MESSAGE);
            }
            if (dnsServer != null && resolveAllNamesToLoopback) {
                throw new IllegalStateException("dnsServer and resolveAllNamesToLoopback both choose Pebble's DNS"
                        + " server: use one");
            }
            Path challtestsrvBin = null;
            if (resolveAllNamesToLoopback) {
                Path sibling = pebbleBin.resolveSibling("pebble-challtestsrv");
                challtestsrvBin = Files.isExecutable(sibling) ? sibling
                        : findExecutable(DEFAULT_CHALLTESTSRV, "pebble-challtestsrv")
                                .orElseThrow(() -> new IllegalStateException(NOT_INSTALLED_MESSAGE));
            }
            try {
                return doStart(pebbleBin, challtestsrvBin);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start pebble", e);
            }
        }

        private Pebble doStart(Path pebbleBin, Path challtestsrvBin) throws IOException {
            Path dir = (workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("pebble-"))
                    .toAbsolutePath();

            // Throwaway CA + localhost certificate for Pebble's own HTTPS listeners
            KeyPair caKey = newEcKeyPair();
            X509Certificate ca = caCertificate(caKey);
            KeyPair serverKey = newEcKeyPair();
            X509Certificate server = serverCertificate(serverKey, ca, caKey);
            Path caPem = dir.resolve("ca.pem");
            Path certPem = dir.resolve("localhost.pem");
            Path keyPem = dir.resolve("localhost-key.pem");
            writePem(caPem, new PemObject("CERTIFICATE", encoded(ca)));
            writePem(certPem, new PemObject("CERTIFICATE", encoded(server)));
            writePem(keyPem, new PemObject("PRIVATE KEY", serverKey.getPrivate().getEncoded()));

            int listen = freeTcpPort();
            int management = freeTcpPort();
            int http = httpPort != null ? httpPort : freeTcpPort();
            int tls = freeTcpPort();
            Integer dns = challtestsrvBin != null ? freeUdpPort() : null;
            Integer dnsManagement = challtestsrvBin != null ? freeTcpPort() : null;

            Path config = dir.resolve("pebble-config.json");
            Files.writeString(config, configJson(listen, management, certPem, keyPem, http, tls));

            Path log = dir.resolve("pebble.log");
            Path dnsLog = challtestsrvBin != null ? dir.resolve("challtestsrv.log") : null;
            Pebble pebble = new Pebble(dir, caPem, ca, sslContextTrusting(List.of(ca)),
                    listen, management, http, tls, dns, log, dnsLog);
            pebble.dnsManagementPort = dnsManagement;
            pebble.deleteWorkDirOnClose = workDir == null && !keepWorkDir;
            Runtime.getRuntime().addShutdownHook(pebble.shutdownHook);

            Instant begin = Instant.now();
            try {
                if (challtestsrvBin != null) {
                    ProcessBuilder pb = new ProcessBuilder(challtestsrvBin.toString(),
                            "-dns01", "127.0.0.1:" + dns,
                            "-management", "127.0.0.1:" + dnsManagement,
                            "-http01", "", "-https01", "", "-tlsalpn01", "",
                            "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(dnsLog.toFile()));
                    pb.environment().keySet().removeIf(k -> k.startsWith("PEBBLE_"));
                    pebble.processes.add(pb.start());
                    pebble.awaitDns(begin.plus(STARTUP_TIMEOUT));
                }

                List<String> command = new ArrayList<>(List.of(pebbleBin.toString(), "-config", config.toString()));
                if (dns != null) {
                    command.addAll(List.of("-dnsserver", "127.0.0.1:" + dns));
                } else if (dnsServer != null) {
                    command.addAll(List.of("-dnsserver", dnsServer));
                }
                ProcessBuilder pb = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                Map<String, String> environment = pb.environment();
                // a stray PEBBLE_VA_ALWAYS_VALID etc. from the caller's environment must not leak in
                environment.keySet().removeIf(k -> k.startsWith("PEBBLE_"));
                if (vaNoSleep) {
                    environment.put("PEBBLE_VA_NOSLEEP", "1");
                }
                if (nonceRejectPercent != null) {
                    environment.put("PEBBLE_WFE_NONCEREJECT", Integer.toString(nonceRejectPercent));
                }
                environment.putAll(env);
                Files.writeString(log, "$ " + environment.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("PEBBLE_"))
                        .map(e -> e.getKey() + "=" + e.getValue() + " ")
                        .collect(Collectors.joining()) + String.join(" ", command) + "\n");
                pebble.serverBuilder = pb;
                pebble.processes.add(0, pb.start());

                pebble.awaitReady(begin.plus(STARTUP_TIMEOUT));
                pebble.startupDuration = Duration.between(begin, Instant.now());
                return pebble;
            } catch (RuntimeException | IOException | Error e) {
                pebble.close();
                throw e;
            }
        }

        private String configJson(int listen, int management, Path cert, Path key, int http, int tls) {
            StringBuilder json = new StringBuilder();
            json.append("{\n  \"pebble\": {\n")
                    .append("    \"listenAddress\": ").append(quote("127.0.0.1:" + listen)).append(",\n")
                    .append("    \"managementListenAddress\": ").append(quote("127.0.0.1:" + management)).append(",\n")
                    .append("    \"certificate\": ").append(quote(cert.toString())).append(",\n")
                    .append("    \"privateKey\": ").append(quote(key.toString())).append(",\n")
                    .append("    \"httpPort\": ").append(http).append(",\n")
                    .append("    \"tlsPort\": ").append(tls).append(",\n")
                    .append("    \"ocspResponderURL\": \"\",\n")
                    .append(certificateValiditySeconds == null ? ""
                            : "    \"certificateValidityPeriod\": " + certificateValiditySeconds + ",\n")
                    .append("    \"externalAccountBindingRequired\": ").append(eab != null);
            if (eab != null) {
                json.append(",\n    \"externalAccountMACKeys\": {");
                json.append(eab.entrySet().stream()
                        .map(e -> "\n      " + quote(e.getKey()) + ": " + quote(e.getValue()))
                        .collect(Collectors.joining(",")));
                json.append("\n    }");
            }
            json.append("\n  }\n}\n");
            return json.toString();
        }
    }

    // ------------------------------------------------------------------ readiness

    private void awaitReady(Instant deadline) {
        HttpRequest dirRequest = HttpRequest.newBuilder(directoryUrl()).timeout(Duration.ofSeconds(2)).build();
        HttpRequest rootRequest = HttpRequest.newBuilder(managementUrl().resolve("roots/0"))
                .timeout(Duration.ofSeconds(2)).build();
        String last = "no answer yet";
        boolean dirReady = false;
        while (true) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw startFailure(p.info().command().orElse("process") + " exited with code " + p.exitValue());
                }
            }
            try {
                if (!dirReady) {
                    HttpResponse<String> r = httpClient.send(dirRequest, HttpResponse.BodyHandlers.ofString());
                    dirReady = r.statusCode() == 200 && r.body().contains("newOrder");
                    last = "GET " + dirRequest.uri() + " answered " + r.statusCode();
                }
                if (dirReady) {
                    HttpResponse<String> r = httpClient.send(rootRequest, HttpResponse.BodyHandlers.ofString());
                    last = "GET " + rootRequest.uri() + " answered " + r.statusCode();
                    if (r.statusCode() == 200) {
                        return;
                    }
                }
            } catch (javax.net.ssl.SSLException e) {
                // a TLS failure will not go away by waiting: wrong certificate
                throw startFailure("TLS failure talking to pebble: " + e);
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw startFailure("interrupted");
            }
            if (Instant.now().isAfter(deadline)) {
                throw startFailure("not ready after " + STARTUP_TIMEOUT.toSeconds() + " s (" + last + ")");
            }
            sleep(50);
        }
    }

    /** Sends a DNS A query for "localhost." until pebble-challtestsrv answers. */
    private void awaitDns(Instant deadline) throws IOException {
        byte[] query = dnsQuery("localhost");
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(200);
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort);
            while (true) {
                Process p = processes.get(processes.size() - 1);
                if (!p.isAlive()) {
                    throw startFailure("pebble-challtestsrv exited with code " + p.exitValue());
                }
                try {
                    socket.send(new DatagramPacket(query, query.length, server));
                    DatagramPacket answer = new DatagramPacket(new byte[512], 512);
                    socket.receive(answer);
                    if (answer.getLength() >= 12 && answer.getData()[0] == query[0] && answer.getData()[1] == query[1]) {
                        return;
                    }
                } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
                    // not listening yet
                }
                if (Instant.now().isAfter(deadline)) {
                    throw startFailure("pebble-challtestsrv DNS not answering on 127.0.0.1:" + dnsPort
                            + " after " + STARTUP_TIMEOUT.toSeconds() + " s");
                }
                sleep(50);
            }
        }
    }

    private static byte[] dnsQuery(String name) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) 0x4a4b).putShort((short) 0x0100) // id, RD
                .putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) l.length).put(l);
        }
        b.put((byte) 0).putShort((short) 1).putShort((short) 1); // QTYPE A, QCLASS IN
        byte[] out = new byte[b.position()];
        b.flip();
        b.get(out);
        return out;
    }

    private IllegalStateException startFailure(String reason) {
        StringBuilder msg = new StringBuilder("pebble did not start: ").append(reason)
                .append("\n--- tail of ").append(logFile).append(" ---\n").append(tail(logFile));
        if (dnsLogFile != null) {
            msg.append("\n--- tail of ").append(dnsLogFile).append(" ---\n").append(tail(dnsLogFile));
        }
        return new IllegalStateException(msg.toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ------------------------------------------------------------------ ports

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------ certificates

    private static final SecureRandom RANDOM = new SecureRandom();

    private static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate caCertificate(KeyPair key) {
        try {
            X500Principal name = new X500Principal("CN=acme-filter test CA for Pebble " + Long.toHexString(RANDOM.nextLong()));
            Instant now = Instant.now();
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(7))),
                    name, key.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key.getPublic()));
            return sign(b, key);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create test CA", e);
        }
    }

    private static X509Certificate serverCertificate(KeyPair key, X509Certificate ca, KeyPair caKey) {
        try {
            Instant now = Instant.now();
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(7))),
                    new X500Principal("CN=localhost"), key.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
            return sign(b, caKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create localhost certificate", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).setBit(63);
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePem(Path file, PemObject pem) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(pem);
        }
        Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': q.append("\\\""); break;
                case '\\': q.append("\\\\"); break;
                default:
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
            }
        }
        return q.append('"').toString();
    }
}
