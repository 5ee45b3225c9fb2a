package dev.acmefilter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What every fixture that runs a server as a child process (Pebble, BIND, PostgreSQL, nginx)
 * does the same way: find the program, stop exactly the process it started (never by name),
 * clean up from a JVM shutdown hook when a test run is cut short, read its log for a failure
 * message, and remove its temporary folder.
 */
public final class FixtureProcesses {

    private FixtureProcesses() {
    }

    /** {@code preferred} if executable, else {@code name} on the PATH. */
    public static Optional<Path> findExecutable(Path preferred, String name) {
        if (Files.isExecutable(preferred)) {
            return Optional.of(preferred);
        }
        String pathEnv = System.getenv("PATH");
        if (pathEnv == null) {
            return Optional.empty();
        }
        return Stream.of(pathEnv.split(java.io.File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(s -> Path.of(s, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Stops {@code process} and the processes it started: SIGTERM, then SIGKILL after
     * {@code grace}. Keeps the thread's interrupt status.
     */
    public static void stop(Process process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        boolean interrupted = false;
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        }
        for (ProcessHandle d : descendants) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the fixture's shutdown hook once it closed; a no-op while the JVM exits. */
    public static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down, or the hook was never registered
        }
    }

    /** The text of {@code file} (a log), "" when there is none: for failure messages, never failing itself. */
    public static String readQuietly(Path file) {
        if (file == null || !Files.exists(file)) {
            return "";
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    /** Removes {@code dir} and everything in it, as far as it can (best effort). */
    public static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
