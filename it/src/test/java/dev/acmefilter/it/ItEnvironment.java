package dev.acmefilter.it;

import dev.acmefilter.testing.Pebble;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.time.Instant;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every test class of this module shares, in the test JVM (the embedded containers run in
 * it too): which container runs, its port, the one Pebble of the JVM, the WAR under test and
 * the homeserver.yaml files given to it.
 *
 * <p>Pebble is started lazily by the first {@code @Deployment} method that needs it. That
 * method runs before Arquillian deploys (the deployment happens in Arquillian's
 * {@code beforeAll}, before any {@code @BeforeAll} of the test class), so Pebble is always up
 * before the webapp starts ordering. The fixture's shutdown hook stops it when the JVM exits.
 */
final class ItEnvironment {

    /** The archive name that puts the webapp at the context root in both containers. */
    static final String ARCHIVE_NAME = "ROOT.war";
    /** The second name in every certificate, beside server_name localhost (resolved by pebble-challtestsrv). */
    static final String EXTRA_DOMAIN = "matrix.example.org";

    private static Pebble pebble;

    private ItEnvironment() {
    }

    /** jetty or tomcat, from -Darquillian.launch. */
    static String container() {
        return System.getProperty("arquillian.launch", "unknown");
    }

    /** The container's HTTP port, which is also the port Pebble validates http-01 on. */
    static int httpPort() {
        String port = System.getProperty("it.http.port");
        if (port == null) {
            throw new IllegalStateException("system property it.http.port is not set (run through mvn verify)");
        }
        return Integer.parseInt(port);
    }

    /** The webapp at the context root. */
    static URI base() {
        return URI.create("http://127.0.0.1:" + httpPort() + "/");
    }

    /** The JVM's Pebble, started on first use with http-01 validation against the container's port. */
    static synchronized Pebble pebble() {
        if (pebble == null || !pebble.isRunning()) {
            pebble = Pebble.builder()
                    .httpPort(httpPort())
                    .resolveAllNamesToLoopback(true)
                    .start();
        }
        return pebble;
    }

    /** The real acme.war, renamed ROOT.war. */
    static WebArchive acmeWar() {
        String path = System.getProperty("it.war", "../acme-war/target/acme.war");
        File war = new File(path);
        if (!war.isFile()) {
            throw new IllegalStateException(war.getAbsolutePath() + " does not exist: build acme-war first");
        }
        WebArchive archive = ShrinkWrap.createFromZipFile(WebArchive.class, war);
        // createFromZipFile names the archive after the file: rename it for the context root
        WebArchive root = ShrinkWrap.create(WebArchive.class, ARCHIVE_NAME);
        root.merge(archive);
        return root;
    }

    /**
     * The real acme.war at the context root, its own web.xml given the context-param
     * {@code acme.config} (what the comment in that web.xml tells admins to do), plus the
     * probe servlets of this module. The WAR's web.xml is metadata-complete (no scanning at
     * deployment); here it is not, so that the probe servlets' {@code @WebServlet} count.
     */
    static WebArchive acmeWar(Path homeserverYaml) {
        return acmeWar(homeserverYaml == null ? null : homeserverYaml.toAbsolutePath().toString());
    }

    /** {@link #acmeWar(Path)} with {@code acme.config} set to {@code configPaths} (several separated by ':'). */
    static WebArchive acmeWar(String configPaths) {
        WebArchive war = acmeWar();
        String webXml = read(war, "/WEB-INF/web.xml").replace("metadata-complete=\"true\"",
                "metadata-complete=\"false\"");
        if (configPaths != null) {
            String param = "  <context-param>\n    <param-name>acme.config</param-name>\n    <param-value>"
                    + configPaths + "</param-value>\n  </context-param>\n</web-app>";
            int end = webXml.lastIndexOf("</web-app>");
            if (end < 0) {
                throw new IllegalStateException("acme.war's WEB-INF/web.xml has no </web-app>:\n" + webXml);
            }
            webXml = webXml.substring(0, end) + param + webXml.substring(end + 10);
        }
        war.delete("/WEB-INF/web.xml");
        war.setWebXML(new StringAsset(webXml));
        addProbeServlets(war);
        return war;
    }

    /**
     * Adds the probe servlets (this module's main classes) to WEB-INF/classes. They are
     * compiled apart from the tests and kept off the test class path on purpose: an embedded
     * container shares that class path, and Jetty would load them from there, where the
     * product's classes they use are not.
     */
    private static void addProbeServlets(WebArchive war) {
        Path classes = Path.of(System.getProperty("it.probeClasses", "target/classes"));
        try (var files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                war.addAsWebInfResource(file.toFile(), "classes/" + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add the probe servlets from " + classes, e);
        }
    }

    private static String read(WebArchive war, String path) {
        try (InputStream in = war.get(path).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Synapse-like homeserver.yaml in a new temp folder; its files (certificate, keys) go there too. */
    static Homeserver homeserver(boolean enabled, String... extraAcmeLines) {
        return homeserver(enabled ? pebble() : null, enabled, extraAcmeLines);
    }

    /** The same, for a Pebble of the test's own (an outage, a failing CA). */
    static Homeserver homeserver(Pebble ca, boolean enabled, String... extraAcmeLines) {
        try {
            Path dir = Files.createTempDirectory("it-homeserver-");
            Path yaml = dir.resolve("homeserver.yaml");
            Path cert = dir.resolve("localhost.tls.crt");
            Path key = dir.resolve("localhost.tls.key");
            StringBuilder text = new StringBuilder()
                    .append("# written by ").append(ItEnvironment.class.getName()).append('\n')
                    .append("server_name: localhost\n")
                    .append("tls_certificate_path: '").append(cert).append("'\n")
                    .append("tls_private_key_path: '").append(key).append("'\n")
                    .append("acme:\n")
                    .append("  enabled: ").append(enabled).append('\n')
                    .append("  account_key_file: '").append(dir.resolve("client.key")).append("'\n")
                    .append("  domains: [").append(EXTRA_DOMAIN).append("]\n");
            if (enabled) {
                Pebble p = ca;
                text.append("  url: '").append(p.directoryUrl()).append("'\n")
                        .append("  ca_certificates: '").append(p.caCertificatesPem()).append("'\n");
            }
            for (String line : extraAcmeLines) {
                text.append("  ").append(line).append('\n');
            }
            Files.writeString(yaml, text);
            return new Homeserver(yaml, cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config file and the certificate/key files it names. */
    record Homeserver(Path yaml, Path certificate, Path privateKey) {
    }

    // ------------------------------------------------------------------ HTTP

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    static HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ------------------------------------------------------------------ threads and timings

    /** Live threads called {@code acme-renewal} in this JVM (the containers' too). */
    static Set<Thread> renewalThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("acme-renewal") && t.isAlive())
                .collect(Collectors.toSet());
    }

    /** Prints a timing line to the test output and appends it to {@code it.timings.file}. */
    static void recordTiming(String line) {
        System.out.println(line);
        String file = System.getProperty("it.timings.file");
        if (file != null) {
            try {
                Files.writeString(Path.of(file), line + System.lineSeparator(), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.out.println("cannot append to " + file + ": " + e);
            }
        }
    }

    static List<String> lines(String body) {
        return body.lines().toList();
    }

    /** The renewal state file the webapp keeps beside the account key. */
    static Properties state(ItEnvironment.Homeserver home) throws IOException {
        Path file = home.yaml().resolveSibling("acme-state-" + home.certificate().getFileName() + ".properties");
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file)));
        return p;
    }

    /** Waits until the certificate and key files exist. */
    static void awaitFiles(ItEnvironment.Homeserver home, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!(Files.exists(home.certificate()) && Files.exists(home.privateKey()))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no certificate at " + home.certificate() + " within " + timeout.toSeconds()
                        + " s");
            }
            Thread.sleep(200);
        }
    }
}
