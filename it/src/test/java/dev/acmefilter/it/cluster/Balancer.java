package dev.acmefilter.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx (Debian's {@code nginx-light} or {@code nginx}) as the cluster's load balancer: an
 * {@code upstream} of the nodes, round-robin, on a port of its own; a node that refuses the
 * connection (a dead one) is skipped for the next, an answer (a 404 too) is passed on as it
 * is. Every request is logged with the node that answered ({@link #accessLog()}). Runs in the
 * foreground with its own prefix folder; {@link #close()} stops exactly that process.
 */
final class Balancer implements AutoCloseable {

    static final String NOT_INSTALLED = "nginx is not installed: run 'apt-get install -y nginx-light'";

    private final Path dir;
    private final int port;
    private final Process process;

    private final Thread reaper;

    private Balancer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.reaper = new Thread(process::destroy, "nginx-reaper"); // a test run cut short
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static Balancer start(Path dir, int port, List<Integer> nodes) throws IOException, InterruptedException {
        Path nginx = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx")).stream().filter(Files::isExecutable)
                .findFirst().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
        Files.createDirectories(dir.resolve("tmp"));
        for (Path p = dir; p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x")); // workers may be nobody
        }
        String servers = nodes.stream().map(p -> "        server 127.0.0.1:" + p + " max_fails=0;")
                .collect(Collectors.joining("\n"));
        String conf = """
                daemon off;
                master_process on;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    log_format upstream '$request $status $upstream_addr $upstream_status';
                    access_log %1$s/access.log upstream;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    upstream nodes {
                %2$s
                    }
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            proxy_pass http://nodes;
                            proxy_next_upstream error timeout;
                            proxy_connect_timeout 2s;
                        }
                    }
                }
                """.formatted(dir, servers, port);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process process = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log")
                .toString(), "-c", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Balancer balancer = new Balancer(dir, port, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited: " + balancer.errors());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return balancer;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        balancer.close();
        throw new IllegalStateException("nginx not listening on " + port + " within 15 s: " + balancer.errors());
    }

    int port() {
        return port;
    }

    /** One line per request: {@code GET /path HTTP/1.1 <status> <upstream(s)> <upstream status(es)>}. */
    List<String> accessLog() {
        try {
            Path log = dir.resolve("access.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String errors() {
        try {
            Path log = dir.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // shutting down
        }
        process.destroy(); // SIGTERM: nginx's master stops its workers
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
