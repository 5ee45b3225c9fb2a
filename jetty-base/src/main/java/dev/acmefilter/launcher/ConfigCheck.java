package dev.acmefilter.launcher;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.config.ConfigLocator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks the config with acme-filter's own loader, exactly as the webapp will read it, and
 * returns what the launcher needs to listen. {@link ServiceMain} runs it in a class loader of its
 * own (acme-filter and its jars, from the unpacked WAR's {@code WEB-INF/lib}), dropped after the check, so that
 * neither Jetty nor the webapp sees these classes; it is called through a JDK interface because
 * the launcher's own class loader does not see acme-filter.
 */
public final class ConfigCheck implements Function<String, List<String>> {

    /**
     * @param paths Synapse's config paths, separated by {@code :} (files or folders of {@code *.yaml})
     * @return {@code acme.port} (the loader's default when the config sets none), then the bind addresses
     * @throws IllegalArgumentException with the loader's message when the config is wrong
     */
    @Override
    public List<String> apply(String paths) {
        AcmeConfig config;
        try {
            config = ConfigLoader.load(ConfigLocator.split(paths));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<String> result = new ArrayList<>();
        result.add(Integer.toString(config.listen().port()));
        result.addAll(config.listen().bindAddresses());
        return result;
    }
}
