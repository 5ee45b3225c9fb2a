package dev.acmefilter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for tests, from Debian's {@code postgresql} package (15):
 * {@code initdb} into a fresh temporary folder, {@code pg_ctl start} on a free loopback port
 * with a socket folder of its own, {@code pg_ctl -m immediate stop} to stop it. When the
 * tests run as root (initdb refuses root) every command runs as the {@code postgres} user
 * through {@code runuser -u postgres --}, and the folder belongs to that user.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *     pg.createDatabase("cluster", "acme", "secret");
 *     String url = pg.jdbcUrl("cluster");         // jdbc:postgresql://127.0.0.1:<port>/cluster
 *     pg.stop();                                   // an outage: kills the server like a crash
 *     pg.startAgain();                             // same data, same port
 *     String dump = pg.pgDump("cluster");
 * }
 * }</pre>
 *
 * <p>The server listens on 127.0.0.1 only; TCP logins need a password (scram-sha-256), the
 * socket folder (used by {@link #pgDump}) trusts the local {@code postgres} superuser.
 * {@link #close()} stops exactly the server this instance started (pg_ctl finds it through
 * the data folder's {@code postmaster.pid}) and deletes the folder; a JVM shutdown hook does
 * the same when a test run is cut short.
 */
public final class PostgresServer implements AutoCloseable {

    /** Exact message of the exception {@link #start()} throws when PostgreSQL is missing. */
    public static final String NOT_INSTALLED_MESSAGE = "PostgreSQL is not installed: run 'apt-get install -y postgresql'"
            + " (Debian package postgresql, version 15)";

    private static final Path DEBIAN_VERSIONS = Path.of("/usr/lib/postgresql");
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final String SUPERUSER = "postgres";

    private final Path bin;
    private final Path workDir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path logFile;
    private final boolean asPostgresUser;
    private final String superuserPassword;
    private final Thread shutdownHook;
    private int port;
    private boolean running;
    private boolean closed;

    private PostgresServer(Path bin, Path workDir, boolean asPostgresUser, String superuserPassword) {
        this.bin = bin;
        this.workDir = workDir;
        this.dataDir = workDir.resolve("data");
        this.socketDir = workDir.resolve("socket");
        this.logFile = workDir.resolve("postgres.log");
        this.asPostgresUser = asPostgresUser;
        this.superuserPassword = superuserPassword;
        this.shutdownHook = new Thread(this::stopQuietly, "postgres-shutdown");
    }

    /**
     * Makes a new database cluster in a temporary folder and starts its server.
     *
     * @throws IllegalStateException {@link #NOT_INSTALLED_MESSAGE} when the binaries are missing,
     *                               or with the server's log when it does not start
     */
    public static PostgresServer start() {
        Path bin = findBinaries().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED_MESSAGE));
        boolean root = "root".equals(System.getProperty("user.name"));
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        PostgresServer server;
        try {
            Path work = Files.createTempDirectory("acme-postgres-");
            server = new PostgresServer(bin, work, root, HexFormat.of().formatHex(random));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a folder for PostgreSQL", e);
        }
        try {
            server.initdb();
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            server.startOnFreePort();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} that has initdb and pg_ctl. */
    private static Optional<Path> findBinaries() {
        if (!Files.isDirectory(DEBIAN_VERSIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_VERSIONS)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(String folder) {
        try {
            return Integer.parseInt(folder);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void initdb() {
        Path passwordFile = workDir.resolve("superuser.pass");
        try {
            Files.createDirectories(socketDir);
            Files.writeString(passwordFile, superuserPassword + "\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            if (asPostgresUser) {
                UserPrincipalLookupService users = workDir.getFileSystem().getUserPrincipalLookupService();
                for (Path p : List.of(workDir, socketDir, passwordFile)) {
                    Files.setOwner(p, users.lookupPrincipalByName(SUPERUSER));
                }
            }
            run("initdb", bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER,
                    "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8",
                    "--no-locale", "--no-sync", "--no-instructions");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + workDir + " for PostgreSQL", e);
        } finally {
            try {
                Files.deleteIfExists(passwordFile);
            } catch (IOException e) {
                // the folder goes at close()
            }
        }
    }

    private void startOnFreePort() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            port = freePort();
            try {
                startAgain();
                return;
            } catch (IllegalStateException e) {
                last = e; // the port was taken meanwhile: try another one
            }
        }
        throw last;
    }

    /** Starts the server again after {@link #stop()}: same data, same port. */
    public synchronized void startAgain() {
        if (closed) {
            throw new IllegalStateException("this PostgreSQL server is closed");
        }
        if (running) {
            return;
        }
        run("pg_ctl start", bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile.toString(),
                "-w", "-t", "30", "-o", "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1"
                        + " -c fsync=off -c shared_buffers=16MB -c max_connections=60", "start");
        running = true;
    }

    /**
     * Stops the server the way a crash does ({@code pg_ctl -m immediate stop}): every
     * connection is cut at once. {@link #startAgain()} brings it back.
     */
    public synchronized void stop() {
        if (running) {
            run("pg_ctl stop", bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w",
                    "-t", "30", "stop");
            running = false;
        }
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + checkName(database);
    }

    /**
     * Creates {@code database}, owned by {@code user}, who logs in with {@code password}
     * (the role is created when it does not exist yet).
     */
    public void createDatabase(String database, String user, String password) {
        checkName(database);
        checkName(user);
        try (Connection c = superuserConnection("postgres"); Statement s = c.createStatement()) {
            boolean exists;
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                q.setString(1, user);
                try (ResultSet r = q.executeQuery()) {
                    exists = r.next();
                }
            }
            if (!exists) {
                try (PreparedStatement q = c.prepareStatement("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', ?, ?)")) {
                    q.setString(1, user);
                    q.setString(2, password);
                    try (ResultSet r = q.executeQuery()) {
                        r.next();
                        s.execute(r.getString(1));
                    }
                }
            }
            s.execute("CREATE DATABASE " + database + " OWNER " + user);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the database " + database + ": " + e.getMessage(), e);
        }
    }

    /** A connection as the superuser, for a test's own checks and set-up. */
    public Connection superuserConnection(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", SUPERUSER);
        p.setProperty("password", superuserPassword);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /** What {@code pg_dump} writes for {@code database} (plain SQL; bytea in hex). */
    public String pgDump(String database) {
        return run("pg_dump", bin.resolve("pg_dump").toString(), "-h", socketDir.toString(), "-p",
                Integer.toString(port), "-U", SUPERUSER, "--no-password", checkName(database));
    }

    /** The server's log so far. */
    public String log() {
        return FixtureProcesses.readQuietly(logFile);
    }

    /** Stops the server (when running) and deletes its folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            FixtureProcesses.removeShutdownHook(shutdownHook);
            FixtureProcesses.deleteRecursively(workDir);
        }
    }

    private synchronized void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            // the JVM is going down: nothing more to do
        }
    }

    /** Runs a PostgreSQL program (as postgres when this is root) and returns its standard output. */
    private String run(String what, String... command) {
        List<String> line = new ArrayList<>();
        if (asPostgresUser) {
            line.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        line.addAll(List.of(command));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile(workDir, "command", ".out");
            err = Files.createTempFile(workDir, "command", ".err");
            Process process = new ProcessBuilder(line).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(what + " did not finish within " + COMMAND_TIMEOUT + "\n" + log());
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + process.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8) + stdout + "\nserver log:\n" + log());
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        } finally {
            for (Path f : new Path[] {out, err}) {
                try {
                    if (f != null) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException e) {
                    // best effort
                }
            }
        }
    }

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain lower-case SQL name: " + name);
        }
        return name;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }
}
