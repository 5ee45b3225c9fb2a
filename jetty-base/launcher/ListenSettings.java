import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.ConfigLoader;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.xml.parsers.SAXParserFactory;


/**
 * Used by {@code jetty-base/run} (run with the JDK's source launcher, not compiled by Maven):
 * checks a homeserver.yaml exactly as the webapp will, then prints where Jetty should listen,
 * as two shell-safe lines {@code port=<n>} and {@code host=<ip or empty>}.
 *
 * <ul>
 *   <li>port: {@code acme.port} when the file sets it, else 8009 (Synapse's own default, 80,
 *       is for a provisioner that binds port 80 itself; the Jetty base sits behind a proxy).</li>
 *   <li>host: Jetty's HTTP connector binds one address. One address is used as it is. A list
 *       that holds a wildcard ({@code ::} or {@code 0.0.0.0}, as Synapse's default
 *       {@code ['::', '0.0.0.0']}) binds all interfaces, IPv4 and IPv6 (an empty host). Other
 *       lists of several addresses: the first is used and the rest are reported as ignored.</li>
 * </ul>
 *
 * <p>Exit status 0, or 2 with the loader's message on stderr when the file is wrong. With
 * {@code --start-jetty} it is the Jetty JVM's main class instead (see {@link #startJetty}).
 */
public final class ListenSettings {
    /** Where Jetty listens: {@code host} empty for all interfaces. */
    record Listen(int port, String host) {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length >= 2 && args[0].equals("--start-jetty")) {
            startJetty(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length));
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: ListenSettings path/to/homeserver.yaml"
                    + " | ListenSettings --start-jetty path/to/homeserver.yaml JETTY-ARGS...");
            System.exit(2);
        }
        Listen listen = check(Path.of(args[0]));
        System.out.println("port=" + listen.port());
        System.out.println("host=" + listen.host());
    }

    /**
     * {@code --start-jetty}: the main class of the Jetty JVM in jetty-base/run's fast start.
     * Checks the file as {@link #main} does (exit 2 with the message), puts its port and host
     * into Jetty's arguments (in place of {@code jetty.http.port=ACME_HTTP_PORT} and
     * {@code jetty.http.host=ACME_HTTP_HOST}), then runs Jetty's XmlConfiguration in this same
     * JVM: a first deployment saves the start of a JVM for the check (~0.3 s).
     */
    static void startJetty(Path file, String[] jettyArgs) throws Throwable {
        // the check below keeps one core busy; on the other, the JDK parts Jetty's start needs first:
        // its XML parser, and the management beans it reads its uptime from
        Thread warmUp = new Thread(ListenSettings::warmUpJdk, "jetty-start-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        Listen listen = check(file);
        List<String> args = new ArrayList<>();
        for (String arg : jettyArgs) {
            if (arg.equals("jetty.http.port=ACME_HTTP_PORT")) {
                args.add("jetty.http.port=" + listen.port());
            } else if (arg.equals("jetty.http.host=ACME_HTTP_HOST")) {
                if (!listen.host().isEmpty()) { // an empty host is rejected by Jetty: leave it out for all interfaces
                    args.add("jetty.http.host=" + listen.host());
                }
            } else {
                args.add(arg);
            }
        }
        System.out.println("Starting Jetty on " + (listen.host().isEmpty() ? "all interfaces" : listen.host())
                + " port " + listen.port() + " with " + file);
        try {
            Class.forName("org.eclipse.jetty.xml.XmlConfiguration").getMethod("main", String[].class)
                    .invoke(null, (Object) args.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void warmUpJdk() {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setValidating(true);
            factory.setNamespaceAware(true);
            factory.newSAXParser().getXMLReader();
            ManagementFactory.getRuntimeMXBean().getUptime();
        } catch (Exception | LinkageError e) {
            // only a head start: Jetty does the same and reports what fails
        }
    }

    /** Loads the file as the webapp will; exits 2 with the loader's message when it is wrong. */
    static Listen check(Path file) throws Exception {
        AcmeConfig settings;
        try {
            settings = ConfigLoader.load(file);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return null;
        }
        int port = settings.listen().port();
        List<String> addresses = settings.listen().bindAddresses();
        String host;
        if (addresses.size() == 1) {
            host = addresses.get(0);
        } else if (addresses.contains("::") || addresses.contains("0.0.0.0")) {
            host = "";
        } else {
            host = addresses.get(0);
            System.err.println(file + ": acme.bind_addresses: Jetty listens on one address: using " + host
                    + ", ignoring " + addresses.subList(1, addresses.size())
                    + " (use '::' to listen on all interfaces)");
        }
        return new Listen(port, host);
    }
}
