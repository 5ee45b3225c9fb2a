package dev.acmefilter.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster node under test: {@link JettyNode} with the real acme.war in a JVM of its own,
 * started with this test JVM's class path, its output appended to {@code node.log} in its
 * folder. {@link #kill()} is {@code kill -9}; {@link #stop()} a SIGTERM (the WAR undeploys),
 * then {@code kill -9} after 20 s. Started again after either on the same port and files.
 */
final class NodeProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path home;
    private final Path war;
    private Process process;
    /** Kills the node when this JVM ends without {@link #close()} (a test run cut short). */
    private final Thread reaper = new Thread(() -> {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }, "node-reaper");

    NodeProcess(String name, int port, Path home, Path war) {
        this.name = name;
        this.port = port;
        this.home = home;
        this.war = war;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    Path home() {
        return home;
    }

    Path yaml() {
        return home.resolve("homeserver.yaml");
    }

    Path certificate() {
        return home.resolve("tls/localhost.crt");
    }

    Path privateKey() {
        return home.resolve("tls/localhost.key");
    }

    Path log() {
        return home.resolve("node.log");
    }

    synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + home.resolve("tmp"),
                "-Dacme.config=" + yaml(),
                "-cp", System.getProperty("java.class.path"),
                JettyNode.class.getName(), Integer.toString(port), war.toString(), home.resolve("jetty").toString()));
        try {
            Files.createDirectories(home.resolve("tmp"));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
            try {
                Runtime.getRuntime().addShutdownHook(reaper);
            } catch (IllegalArgumentException alreadyRegistered) {
                // started again after a stop: the hook is there
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process.pid();
    }

    /** Waits until the webapp answers (its health endpoint, whatever it says). */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new AssertionError("node " + name + " exited:\n" + tail(60));
            }
            if (get("/acme/health").isPresent()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("node " + name + " not ready within " + timeout.toSeconds() + " s:\n" + tail(60));
    }

    /** The body of {@code path} on this node, when it answers at all. */
    java.util.Optional<String> get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return java.util.Optional.of(response.body());
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /** kill -9. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then kill -9 after 20 s. */
    synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The last {@code lines} lines of the node's log. */
    String tail(int lines) {
        try {
            List<String> all = Files.exists(log()) ? Files.readAllLines(log(), StandardCharsets.UTF_8) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log() + ": " + e + ")";
        }
    }

    String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down, or never started
        }
    }
}
