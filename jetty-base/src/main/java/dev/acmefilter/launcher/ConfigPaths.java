package dev.acmefilter.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's config setting ({@code ACME_CONFIG}, or the launcher's argument): a list of files
 * and folders separated by {@code :}, as Synapse's {@code --config-path} options. Debian's
 * {@code matrix-synapse-py3} starts Synapse with {@code /etc/matrix-synapse/homeserver.yaml} and
 * {@code /etc/matrix-synapse/conf.d/}, so the package's default is
 * {@code /etc/matrix-synapse/homeserver.yaml:/etc/matrix-synapse/conf.d}.
 *
 * <p>Until the loader reads such a list itself, the launcher gives the loader and the webapp the
 * first entry ({@link #first()}) and names the {@code *.yaml} files of the other entries as not
 * read ({@link #unread()}): put {@code server_name} and the {@code acme:} section into the first file.
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

    /** The file the loader reads. */
    public Path first() {
        return entries.get(0);
    }

    /**
     * The {@code *.yaml} files of the other entries, which the loader does not read yet: a file
     * as given, a folder's {@code *.yaml} files directly inside it, sorted (Synapse's order). A
     * missing entry contributes nothing.
     */
    public List<Path> unread() {
        List<Path> unread = new ArrayList<>();
        for (Path entry : entries.subList(1, entries.size())) {
            if (Files.isDirectory(entry)) {
                List<Path> inside = new ArrayList<>();
                try (DirectoryStream<Path> files = Files.newDirectoryStream(entry, "*.yaml")) {
                    for (Path file : files) {
                        if (Files.isRegularFile(file)) {
                            inside.add(file);
                        }
                    }
                } catch (IOException e) {
                    continue; // unreadable: nothing to name
                }
                inside.sort(null);
                unread.addAll(inside);
            } else if (Files.exists(entry)) {
                unread.add(entry);
            }
        }
        return unread;
    }
}
