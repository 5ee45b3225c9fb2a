package dev.acmefilter.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's config setting ({@code ACME_CONFIG}, or the launcher's argument): a list of files
 * and folders separated by {@code :}, as Synapse's {@code --config-path} options. Debian's
 * {@code matrix-synapse-py3} starts Synapse with {@code /etc/matrix-synapse/homeserver.yaml} and
 * {@code /etc/matrix-synapse/conf.d/}, so the package's default is
 * {@code /etc/matrix-synapse/homeserver.yaml:/etc/matrix-synapse/conf.d}.
 * The loader and the webapp read them all, merged as Synapse does.
 *
 * @param entries the paths, absolute, in the order given
 */
public record ConfigPaths(List<Path> entries) {

    public ConfigPaths {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no config path");
        }
    }

    /**
     * @param setting the setting's value
     * @param name    how to name the setting in a message ({@code ACME_CONFIG})
     * @throws IllegalArgumentException naming the setting when it holds no path
     */
    public static ConfigPaths parse(String setting, String name) {
        List<Path> paths = new ArrayList<>();
        for (String part : setting.split(":")) {
            if (!part.isBlank()) {
                paths.add(Path.of(part.trim()).toAbsolutePath().normalize());
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(name + ": '" + setting + "' holds no path; expected Synapse's"
                    + " config files and folders separated by ':', such as"
                    + " /etc/matrix-synapse/homeserver.yaml:/etc/matrix-synapse/conf.d");
        }
        return new ConfigPaths(paths);
    }

    /** The setting as the webapp's {@code acme.config} takes it: the paths separated by {@code :}. */
    public String setting() {
        return String.join(":", entries.stream().map(Path::toString).toList());
    }
}
