package dev.acmefilter.launcher;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.xml.parsers.SAXParserFactory;

/**
 * The main class of the service's JVM ({@code bin/matrix-acme}, which {@code matrix-acme.service}
 * runs): checks the config with acme-filter's own loader (exit 2 with its message when it is
 * wrong, before anything listens), works out where to listen ({@link ListenAddress}), then runs
 * Jetty in this JVM with the start command worked out when the package was built
 * ({@link JettyArgs}) and acme.war, unpacked, at {@code /}.
 *
 * <pre>
 * ServiceMain CONFIG                    serve (CONFIG: Synapse's config paths, see {@link ConfigPaths})
 * ServiceMain --listen-settings CONFIG  check CONFIG, print port=N and host=ADDRESS (empty: all interfaces)
 * </pre>
 *
 * <p>System properties (set by {@code bin/matrix-acme}): {@value #HOME} (the install folder,
 * required), {@value ClassDataArchive#MAPPED} and {@value ClassDataArchive#WRITING}; it sets
 * {@link #SETTINGS} unless they are given. Environment: {@code JETTY_ARGS}, more Jetty
 * properties ({@code name=value}, separated by spaces). The webapp gets the config through the
 * system property {@code acme.config} and the WAR's folder through {@code acme.war}.
 */
public final class ServiceMain {

    /** The system property that names the install folder. */
    static final String HOME = "matrix-acme.home";
    private static final String USAGE = "usage: matrix-acme [--listen-settings] CONFIG"
            + " (CONFIG: Synapse's config files and folders separated by ':', default $ACME_CONFIG)";

    /**
     * System properties for Jetty and Weld, set unless {@code JAVA_OPTS} gives them: each keeps
     * start-up work and memory away from a process that answers a few requests a month (measured
     * by bench/footprint.sh; README.md, "Footprint").
     * <ul>
     * <li>Jetty sizes its padding from the JVM's reference size, which it reads from the platform
     * MBean server: that starts JMX (some 200 classes and their objects, ~2 MiB) for one number.
     * 16 four-byte references fill a 64-byte cache line (compressed references: the heap is far
     * below 32 GiB); a wrong guess only costs padding.</li>
     * <li>Jetty validates its XML files and web.xml, and Weld beans.xml, against their schemas: the
     * XML Schema validator and the grammars (~200 classes). Every one of those files is this
     * package's own, checked by its tests; Jetty still rejects an element it does not know.</li>
     * <li>Weld bootstraps in the deploying thread instead of a pool whose threads (one per core)
     * live as long as the process.</li>
     * </ul>
     */
    static final Map<String, String> SETTINGS = Map.of(
            "org.eclipse.jetty.util.referencesPerCacheLine", "16",
            "org.eclipse.jetty.xml.XmlParser.Validating", "false",
            "org.jboss.weld.xml.disableValidating", "true",
            "org.jboss.weld.executor.threadPoolType", "NONE");

    private ServiceMain() {
    }

    public static void main(String[] args) throws Throwable {
        String homeSetting = System.getProperty(HOME);
        if (homeSetting == null) {
            exit(2, "matrix-acme: the system property " + HOME + " (the install folder) is not set; start bin/matrix-acme");
        }
        Path home = Path.of(homeSetting);
        ClassDataArchive.settle().ifPresent(System.out::println);
        boolean listenOnly = args.length > 0 && args[0].equals("--listen-settings");
        String[] rest = listenOnly ? Arrays.copyOfRange(args, 1, args.length) : args;
        if (rest.length != 1) {
            exit(2, USAGE);
        }
        ConfigPaths paths = null;
        try {
            paths = ConfigPaths.parse(rest[0], "ACME_CONFIG");
        } catch (IllegalArgumentException e) {
            exit(2, e.getMessage());
        }
        if (!listenOnly) {
            Thread warmUp = new Thread(ServiceMain::warmUpJdk, "jetty-start-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        }
        ListenAddress listen = check(home, paths.setting());
        if (listenOnly) {
            System.out.println("port=" + listen.port());
            System.out.println("host=" + listen.host());
            return;
        }
        String extra = System.getenv("JETTY_ARGS");
        JettyArgs jetty = JettyArgs.read(home.resolve("lib").resolve(JettyArgs.FILE), home, listen,
                extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+")));
        jetty.systemProperties().forEach(System.getProperties()::putIfAbsent);
        SETTINGS.forEach(System.getProperties()::putIfAbsent);
        System.setProperty("acme.config", paths.setting());
        if (System.getProperty("acme.war") == null) {
            System.setProperty("acme.war", home.resolve("webapp").toString());
        }
        System.out.println("Starting Jetty on " + listen.describe() + " with " + paths.setting());
        runJetty(jetty);
        ClassDataArchive.served(System.getProperty(ClassDataArchive.WRITING));
    }

    /**
     * Checks the config in a class loader of its own ({@link ConfigCheck}); exits 2 with the
     * loader's message when it is wrong.
     */
    static ListenAddress check(Path home, String config) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(ServiceMain.class.getProtectionDomain().getCodeSource().getLocation());
        urls.addAll(jars(home.resolve("webapp/WEB-INF/lib")));
        List<String> result = null;
        try (URLClassLoader loader = new URLClassLoader("config-check", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked")
            Function<String, List<String>> check = (Function<String, List<String>>) loader
                    .loadClass("dev.acmefilter.launcher.ConfigCheck").getConstructor().newInstance();
            try {
                result = check.apply(config);
            } catch (IllegalArgumentException e) {
                exit(2, e.getMessage());
            }
        }
        return ListenAddress.of(config, Integer.parseInt(result.get(0)), result.subList(1, result.size()),
                System.err::println);
    }

    /**
     * Runs Jetty's XmlConfiguration in a class loader that holds Jetty's class path only; returns
     * once the server has started (its threads keep the JVM running).
     */
    private static void runJetty(JettyArgs jetty) throws Throwable {
        List<URL> urls = new ArrayList<>();
        for (Path entry : jetty.classPath()) {
            urls.add(entry.toUri().toURL());
        }
        URLClassLoader loader = new URLClassLoader("jetty", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            loader.loadClass("org.eclipse.jetty.xml.XmlConfiguration").getMethod("main", String[].class)
                    .invoke(null, (Object) jetty.args().toArray(String[]::new));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static List<URL> jars(Path folder) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.jar")) {
            files.forEach(jars::add);
        }
        jars.sort(null);
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IOException(jar + ": " + e.getMessage(), e);
            }
        }
        return urls;
    }

    /**
     * While the config check keeps one core busy, the other loads the JDK part Jetty's start
     * needs first: its XML parser, as Jetty sets it up ({@link #SETTINGS}: not validating).
     */
    private static void warmUpJdk() {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.newSAXParser().getXMLReader();
        } catch (Exception | LinkageError e) {
            // only a head start: Jetty does the same and reports what fails
        }
    }

    private static void exit(int status, String message) {
        System.err.println(message);
        System.exit(status);
    }
}
