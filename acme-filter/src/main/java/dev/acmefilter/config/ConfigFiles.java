package dev.acmefilter.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the config paths into the files to read, by Synapse's rule
 * ({@code synapse/config/_base.py}, {@code find_config_files}): each path is a file, or a
 * folder that contributes the {@code *.yaml} files directly inside it in sorted order
 * (Debian's package starts Synapse with {@code --config-path=/etc/matrix-synapse/homeserver.yaml
 * --config-path=/etc/matrix-synapse/conf.d/}). Sub-folders and other files in a folder are
 * skipped, with a line in the log as Synapse prints one. A path given twice is read twice,
 * as Synapse would.
 */
final class ConfigFiles {

    private ConfigFiles() {
    }

    static List<Path> expand(List<Path> paths, ConfigWarnings log) {
        if (paths.isEmpty()) {
            throw new ConfigException("No configuration path given; expected Synapse's homeserver.yaml file");
        }
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.isDirectory(path)) {
                files.add(path); // read as a file: a missing one is reported by name when it is read
                continue;
            }
            List<Path> yaml = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    if (!Files.isRegularFile(entry)) {
                        log.info(path + ": " + entry.getFileName() + (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                                ? " is a sub-folder" : " is not a regular file") + "; ignored, as Synapse does");
                    } else if (!entry.getFileName().toString().endsWith(".yaml")) {
                        log.info(path + ": " + entry.getFileName() + " does not end in .yaml; ignored, as Synapse does");
                    } else {
                        yaml.add(entry);
                    }
                }
            } catch (IOException e) {
                throw new ConfigException(path + ": the folder cannot be read: "
                        + (e.getMessage() == null ? "input/output error" : e.getMessage()), e);
            }
            yaml.sort((a, b) -> a.toString().compareTo(b.toString()));
            files.addAll(yaml);
        }
        return files;
    }
}
