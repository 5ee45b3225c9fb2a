package dev.acmefilter.launcher;

import dev.acmefilter.config.AcmeSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.HomeserverConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the config with acme-filter's own loader, exactly as the webapp will read it, and
 * returns what the launcher needs to listen. {@link ServiceMain} runs it in a class loader of its
 * own (acme-filter and its jars, from the unpacked WAR's {@code WEB-INF/lib}), dropped after the check, so that
 * neither Jetty nor the webapp sees these classes; it is called through a JDK interface because
 * the launcher's own class loader does not see acme-filter.
 */
public final class ConfigCheck implements Function<String, List<String>> {

    /**
     * @param file the config file
     * @return {@code acme.port} as the file sets it (empty when it does not), then the bind addresses
     * @throws IllegalArgumentException with the loader's message when the config is wrong
     */
    @Override
    public List<String> apply(String file) {
        Path path = Path.of(file);
        AcmeSettings settings;
        try {
            settings = HomeserverConfig.load(path);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<String> result = new ArrayList<>();
        result.add(portIsSet(path) ? Integer.toString(settings.port()) : "");
        result.addAll(settings.bindAddresses());
        return result;
    }

    /**
     * Whether the file itself sets {@code acme.port}: the loader fills in Synapse's default (80)
     * where the launcher's is {@link ListenAddress#DEFAULT_PORT}, and its settings do not say
     * which. Runs after the loader accepted the file, so it only looks for the key. To go when the
     * reworked config model tells a default from a set value.
     */
    private static boolean portIsSet(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object top = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return top instanceof Map<?, ?> map && map.get("acme") instanceof Map<?, ?> acme
                    && acme.get("port") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
