package dev.acmefilter.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Finds Synapse's config paths, for the webapp and the admin command alike. The first of
 * these that is set wins: the servlet context-param {@value #NAME}, the system property
 * {@value #NAME}, the environment variable {@value #ENV}. Each holds one path or several
 * separated by {@code :}, each a file or a folder of {@code *.yaml} files, read and merged
 * as Synapse does ({@link ConfigLoader#load(List)}).
 *
 * <p>When none is set, the usual layouts are found without any setting: Debian's package
 * ({@code /etc/matrix-synapse/homeserver.yaml} plus {@code /etc/matrix-synapse/conf.d/},
 * where its post-install writes {@code server_name}), else Synapse's Docker image
 * ({@code $SYNAPSE_CONFIG_PATH}, else {@code /data/homeserver.yaml}).
 */
public final class ConfigLocator {

    /** Name of the context-param and of the system property. */
    public static final String NAME = "acme.config";
    /** Name of the environment variable. */
    public static final String ENV = "ACME_CONFIG";
    /** The environment variable Synapse's Docker image reads its config path from. */
    public static final String SYNAPSE_ENV = "SYNAPSE_CONFIG_PATH";

    private ConfigLocator() {
    }

    /**
     * The config paths, logged with where they came from.
     *
     * @param contextParam the servlet context's init parameters (may return null)
     * @param property     system properties, e.g. {@code System::getProperty}
     * @param env          environment variables, e.g. {@code System::getenv}
     * @throws ConfigException when nothing is set and no usual layout exists; the message lists what was tried
     */
    public static List<Path> locate(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                                    UnaryOperator<String> env) {
        return locate(contextParam, property, env, Path.of("/"));
    }

    /** {@link #locate(UnaryOperator, UnaryOperator, UnaryOperator)} with the usual layouts under {@code root}. */
    static List<Path> locate(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                             UnaryOperator<String> env, Path root) {
        Found found = search(contextParam, property, env, root);
        if (found.paths().isEmpty()) {
            throw new ConfigException("No configuration file given: set the servlet context-param " + NAME
                    + ", the system property " + NAME + " (-D" + NAME + "=/etc/matrix-synapse/homeserver.yaml)"
                    + " or the environment variable " + ENV + " to the path of homeserver.yaml (several paths, files"
                    + " or folders, separated by ':'); tried " + found.source());
        }
        System.getLogger(ConfigLocator.class.getName()).log(System.Logger.Level.INFO,
                "Reading the ACME configuration from {0} ({1})", describe(found.paths()), found.source());
        return found.paths();
    }

    /** The paths {@link #locate} would return, without logging them; empty where it would fail. */
    public static Optional<List<Path>> find(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                                            UnaryOperator<String> env) {
        List<Path> paths = search(contextParam, property, env, Path.of("/")).paths();
        return paths.isEmpty() ? Optional.empty() : Optional.of(paths);
    }

    /** {@code a, b, c}, for messages. */
    public static String describe(List<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }

    /**
     * Splits a setting into absolute paths: separated by {@code :}, blanks ignored.
     *
     * @return empty when the setting names no path
     */
    public static List<Path> split(String value) {
        List<Path> paths = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(":")) {
                if (!part.isBlank()) {
                    paths.add(Path.of(part.trim()).toAbsolutePath().normalize());
                }
            }
        }
        return List.copyOf(paths);
    }

    private record Found(List<Path> paths, String source) {
    }

    private static Found search(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                                UnaryOperator<String> env, Path root) {
        String[][] sources = {
            {contextParam.apply(NAME), "set by the context-param " + NAME},
            {property.apply(NAME), "set by the system property " + NAME},
            {env.apply(ENV), "set by the environment variable " + ENV},
        };
        for (String[] source : sources) {
            List<Path> paths = split(source[0]);
            if (!paths.isEmpty()) {
                return new Found(paths, source[1]);
            }
        }
        Path debian = root.resolve("etc/matrix-synapse/homeserver.yaml");
        if (Files.isRegularFile(debian)) {
            Path confD = debian.resolveSibling("conf.d");
            return new Found(Files.isDirectory(confD) ? List.of(debian, confD) : List.of(debian),
                    "found: Debian's layout");
        }
        List<Path> docker = split(env.apply(SYNAPSE_ENV));
        if (!docker.isEmpty() && docker.stream().allMatch(Files::exists)) {
            return new Found(docker, "found: $" + SYNAPSE_ENV + " of Synapse's Docker image");
        }
        Path data = root.resolve("data/homeserver.yaml");
        if (Files.isRegularFile(data)) {
            return new Found(List.of(data), "found: Synapse's Docker image");
        }
        return new Found(List.of(), debian + " (Debian's package), " + (docker.isEmpty() ? "$" + SYNAPSE_ENV
                + " (not set)" : describe(docker) + " ($" + SYNAPSE_ENV + ")") + " and " + data
                + " (Synapse's Docker image): none exists");
    }
}
