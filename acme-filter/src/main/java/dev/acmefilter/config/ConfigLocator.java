package dev.acmefilter.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Finds the {@code homeserver.yaml} to read, in this order: the servlet context-param
 * {@value #NAME}, the system property {@value #NAME}, the environment variable
 * {@value #ENV}. The first one set wins, so a container-wide default can be overridden
 * per webapp.
 */
public final class ConfigLocator {

    /** Name of the context-param and of the system property. */
    public static final String NAME = "acme.config";
    /** Name of the environment variable. */
    public static final String ENV = "ACME_CONFIG";

    private ConfigLocator() {
    }

    /**
     * @param contextParam the servlet context's init parameters (may return null)
     * @param property     system properties, e.g. {@code System::getProperty}
     * @param env          environment variables, e.g. {@code System::getenv}
     */
    public static Path locate(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                              UnaryOperator<String> env) {
        String[] found = source(contextParam, property, env);
        if (found != null) {
            Path path = pathOf(found[0]);
            System.getLogger(ConfigLocator.class.getName()).log(System.Logger.Level.INFO,
                    "Reading the ACME configuration from {0} (set by the {1})", path, found[1]);
            return path;
        }
        throw new ConfigException("No configuration file given: set the servlet context-param " + NAME
                + ", the system property " + NAME + " (-D" + NAME + "=/etc/matrix-synapse/homeserver.yaml)"
                + " or the environment variable " + ENV + " to the path of homeserver.yaml");
    }

    /** The path {@link #locate} would return, without logging it; empty where it would fail. */
    public static Optional<Path> find(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                                      UnaryOperator<String> env) {
        String[] found = source(contextParam, property, env);
        return found == null ? Optional.empty() : Optional.of(pathOf(found[0]));
    }

    private static Path pathOf(String value) {
        return Path.of(value.trim()).toAbsolutePath().normalize();
    }

    /** The first non-blank setting and where it came from, or null. */
    private static String[] source(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                                   UnaryOperator<String> env) {
        String[][] sources = {
            {contextParam.apply(NAME), "context-param " + NAME},
            {property.apply(NAME), "system property " + NAME},
            {env.apply(ENV), "environment variable " + ENV},
        };
        for (String[] source : sources) {
            if (source[0] != null && !source[0].isBlank()) {
                return source;
            }
        }
        return null;
    }
}
