package dev.acmefilter.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The service's start-up optimisation: a class-data archive (AppCDS) of the classes a start of the
 * service loaded, kept in its cache folder ({@code /var/cache/matrix-acme}, systemd's
 * {@code CacheDirectory}). Mapping it spares every later start the loading and checking of those
 * classes (Jetty, Weld, acme4j, BouncyCastle).
 *
 * <p>{@code bin/matrix-acme} is one half. With {@value #NAME} in the cache folder, or a
 * {@code classes.jsa.new-PID} that a run which got as far as serving wrote (it has a
 * {@code .served} mark), it maps that archive ({@code -XX:SharedArchiveFile}) and names it in the
 * system property {@value #MAPPED}. Else it has the JVM write a new one when it exits
 * ({@code -XX:ArchiveClassesAtExit=classes.jsa.new-PID}), named in {@value #WRITING}.
 *
 * <p>This class is the other half. The JVM silently runs without an archive it cannot use
 * (written by another Java, or cut short by a kill while the JVM was writing it), so a start
 * checks that the archive is mapped ({@code /proc/self/maps}): a usable new one becomes
 * {@value #NAME}, an unusable one is deleted, and the next start writes a new one. And an archive
 * holds the classes of the whole start only when the JVM got as far as serving (a wrong config
 * exits before Jetty starts): {@link #served} marks it then, and an unmarked one is never used.
 */
final class ClassDataArchive {

    /** The system property that names the archive the JVM was asked to map. */
    static final String MAPPED = "matrix-acme.class-data-archive";
    /** The system property that names the archive the JVM writes when it exits. */
    static final String WRITING = "matrix-acme.class-data-archive-writing";
    /** The archive's name in the cache folder. */
    static final String NAME = "classes.jsa";
    /** What marks a new archive as written by a run that served. */
    static final String SERVED = ".served";

    private ClassDataArchive() {
    }

    /**
     * At the start: keeps or drops the archive this JVM was asked to map, and drops new archives
     * that no run marked as served (left by starts that failed).
     *
     * @param mapped  the archive named by {@value #MAPPED}, or null
     * @param writing the archive named by {@value #WRITING}, or null
     * @param maps    the lines of {@code /proc/self/maps}
     * @return what was done, for the log
     */
    static Optional<String> settle(String mapped, String writing, List<String> maps) throws IOException {
        if (writing != null && !writing.isEmpty()) {
            deleteNewArchives(Path.of(writing).getParent());
            return Optional.empty();
        }
        if (mapped == null || mapped.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(mapped);
        boolean usable = maps.stream().anyMatch(line -> line.endsWith(" " + file));
        if (!usable) {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + SERVED));
            return Optional.of("Class-data archive " + file + " is not usable by this Java (written by another"
                    + " Java, or incomplete): deleted; the next start writes a new one");
        }
        if (file.getFileName().toString().equals(NAME)) {
            return Optional.empty();
        }
        Path kept = file.resolveSibling(NAME);
        Files.move(file, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        deleteNewArchives(file.getParent());
        return Optional.of("Class-data archive written by the last run: kept as " + kept);
    }

    /** Once Jetty serves: marks the archive this JVM writes at exit as one of a whole start. */
    static void served(String writing) throws IOException {
        if (writing != null && !writing.isEmpty()) {
            Path mark = Path.of(writing + SERVED);
            if (!Files.exists(mark)) {
                Files.createFile(mark);
            }
        }
    }

    /** {@link #settle} for this JVM. */
    static Optional<String> settle() {
        try {
            String mapped = System.getProperty(MAPPED);
            String writing = System.getProperty(WRITING);
            return mapped == null && writing == null ? Optional.empty()
                    : settle(mapped, writing, Files.readAllLines(Path.of("/proc/self/maps")));
        } catch (IOException e) {
            return Optional.of("Class-data archive: " + e); // only a start-up aid: carry on without it
        }
    }

    private static void deleteNewArchives(Path folder) throws IOException {
        try (DirectoryStream<Path> others = Files.newDirectoryStream(folder, NAME + ".new-*")) {
            for (Path other : others) {
                Files.deleteIfExists(other);
            }
        }
    }
}
