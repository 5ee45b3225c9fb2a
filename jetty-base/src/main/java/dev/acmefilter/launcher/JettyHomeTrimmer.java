package dev.acmefilter.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Build step (run by Maven after {@link JettyArgsWriter}): removes from the install folder's
 * jetty-home the jars that {@code lib/jetty.args} does not name: the other environments (ee8,
 * ee9, ee11), the demos, HTTP/2 and 3, JSP, websockets. The service never runs start.jar, so
 * those jars are dead weight (three quarters of jetty-home). Everything else of jetty-home stays
 * as it was: its {@code etc/} files, {@code modules/}, {@code start.jar}, its licences.
 *
 * <p>{@code java JettyHomeTrimmer INSTALL-FOLDER}
 */
public final class JettyHomeTrimmer {

    private JettyHomeTrimmer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JettyHomeTrimmer INSTALL-FOLDER");
            System.exit(2);
        }
        Path install = Path.of(args[0]).toAbsolutePath().normalize();
        List<String> lines = Files.readAllLines(install.resolve("lib").resolve(JettyArgs.FILE));
        Path home = null;
        for (String line : lines) {
            if (line.startsWith("jetty.home ")) {
                home = install.resolve(line.substring("jetty.home ".length())).normalize();
            }
        }
        if (home == null) {
            throw new IOException(install + "/lib/" + JettyArgs.FILE + ": no jetty.home line");
        }
        long[] removed = trim(home.resolve("lib"), used(lines, home));
        System.out.printf("Removed %d jars (%d KiB) of %s that this base does not use%n", removed[0], removed[1] / 1024, home);
    }

    /** The jars the start command names, with {@code ${jetty.home}} resolved. */
    static Set<Path> used(List<String> lines, Path home) {
        Set<Path> used = new HashSet<>();
        for (String line : lines) {
            int space = line.indexOf(' ');
            String value = space < 0 ? "" : line.substring(space + 1).replace("${jetty.home}", home.toString());
            if ((line.startsWith("class-path ") || line.startsWith("arg ")) && value.endsWith(".jar")) {
                used.add(Path.of(value).normalize());
            }
        }
        return used;
    }

    /** Deletes the jars under {@code lib} that are not {@code used}, then the folders left empty; returns {count, bytes}. */
    static long[] trim(Path lib, Set<Path> used) throws IOException {
        if (used.isEmpty()) {
            throw new IOException("the start command names no jar: nothing would be left of " + lib);
        }
        long count = 0;
        long bytes = 0;
        List<Path> all;
        try (Stream<Path> files = Files.walk(lib)) {
            all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
        }
        for (Path file : all) {
            if (Files.isRegularFile(file) && file.toString().endsWith(".jar") && !used.contains(file.normalize())) {
                bytes += Files.size(file);
                Files.delete(file);
                count++;
            } else if (Files.isDirectory(file) && !file.equals(lib)) {
                try (Stream<Path> inside = Files.list(file)) {
                    if (inside.findAny().isEmpty()) {
                        Files.delete(file);
                    }
                }
            }
        }
        return new long[] {count, bytes};
    }
}
