import dev.acmefilter.config.AcmeSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.HomeserverConfig;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

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
 * <p>Exit status 0, or 2 with the loader's message on stderr when the file is wrong.
 */
public final class ListenSettings {
    static final int DEFAULT_PORT = 8009;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ListenSettings path/to/homeserver.yaml");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        AcmeSettings settings;
        try {
            settings = HomeserverConfig.load(file);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int port = portIsSet(file) ? settings.port() : DEFAULT_PORT;
        List<String> addresses = settings.bindAddresses();
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
        System.out.println("port=" + port);
        System.out.println("host=" + host);
    }

    /** Whether the file itself sets acme.port (HomeserverConfig fills in Synapse's default 80 otherwise). */
    private static boolean portIsSet(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            Object top = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return top instanceof Map<?, ?> map && map.get("acme") instanceof Map<?, ?> acme
                    && acme.get("port") != null;
        }
    }
}
