package dev.acmefilter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import static dev.acmefilter.testing.FixtureProcesses.readQuietly;


/**
 * A real BIND 9 ({@code named} from Debian's {@code bind9}) started as a child process for
 * tests: a primary on 127.0.0.1 and, when asked, a secondary of the same zone on ::1, both
 * on one free port (UDP and TCP), each with its own folder.
 *
 * <ul>
 * <li>{@value #ZONE} is dynamic: the TSIG key {@value #KEY_NAME}, generated for the run with
 *     {@code tsig-keygen}, may change TXT records in it ({@code update-policy { grant ...
 *     zonesub TXT; }}) and nothing else; {@value #LOCKED_ZONE} takes no update from anyone.</li>
 * <li>Its NS records are {@code ns1} (127.0.0.1) and, with the secondary, {@code ns2} (::1): a
 *     client that asks each name server's address on {@link #port()} asks both.</li>
 * <li>The secondary is slow on purpose and deterministically so: the primary sends no NOTIFY
 *     and the SOA refresh is an hour, so the secondary has a change only after the test
 *     calls {@link #notifySecondary()}.</li>
 * <li>{@code recursion no}, {@code controls { }}: nothing but the zones, no rndc.</li>
 * </ul>
 *
 * <pre>{@code
 * try (BindServer bind = BindServer.builder().secondary(true).start()) {
 *     bind.txt("_acme-challenge.example.test.");      // the primary's TXT values there
 *     bind.notifySecondary();                          // now the secondary transfers the change
 * }
 * }</pre>
 */
public final class BindServer implements AutoCloseable {

    /** Exact message of the exception {@link Builder#start()} throws when BIND is missing. */
    public static final String NOT_INSTALLED_MESSAGE = "BIND is not installed: run 'apt-get install -y bind9"
            + " bind9-dnsutils' (Debian packages bind9 and bind9-dnsutils)";
    /** The zone the key may update (TXT records only). */
    public static final String ZONE = "example.test.";
    /** A zone nobody may update. */
    public static final String LOCKED_ZONE = "locked.test.";
    /** The name of the generated TSIG key. */
    public static final String KEY_NAME = "acme-update.";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Pattern SECRET = Pattern.compile("secret \"([A-Za-z0-9+/=]+)\";");

    private final Path workDir;
    private final String host;
    private final int port;
    private final String algorithm;
    private final String secret;
    private final Path keyFile;
    private final boolean withSecondary;
    private final boolean deleteWorkDir;
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private volatile boolean closed;

    private BindServer(Path workDir, String host, int port, String algorithm, String secret, Path keyFile,
                       boolean withSecondary, boolean deleteWorkDir) {
        this.workDir = workDir;
        this.host = host;
        this.port = port;
        this.algorithm = algorithm;
        this.secret = secret;
        this.keyFile = keyFile;
        this.withSecondary = withSecondary;
        this.deleteWorkDir = deleteWorkDir;
        this.shutdownHook = new Thread(this::stopProcesses, "bind-shutdown-" + port);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ accessors

    /** The port both servers listen on, UDP and TCP. */
    public int port() {
        return port;
    }

    /** The primary, 127.0.0.1:{@link #port()} (or the builder's address): it takes updates. */
    public InetSocketAddress primary() {
        return new InetSocketAddress(literal(host), port);
    }

    /** {@code 127.0.0.1:<port>}, as a setting or Pebble's {@code -dnsserver} wants it. */
    public String primaryAddress() {
        return host + ":" + port;
    }

    /** The secondary, [::1]:{@link #port()}; only with {@code secondary(true)}. */
    public InetSocketAddress secondary() {
        if (!withSecondary) {
            throw new IllegalStateException("start BindServer with secondary(true)");
        }
        return new InetSocketAddress(ipv6Loopback(), port);
    }

    /** {@code tsig-keygen}'s key file ({@code key "acme-update" { ... };}), for {@code nsupdate -k}. */
    public Path keyFile() {
        return keyFile;
    }

    /** The key's algorithm, e.g. {@code hmac-sha256}. */
    public String keyAlgorithm() {
        return algorithm;
    }

    /** The key's secret, base64, as in {@link #keyFile()}. */
    public String keySecret() {
        return secret;
    }

    public Path workDir() {
        return workDir;
    }

    /** The primary's log (named -g writes it to stderr). */
    public String log() {
        return readQuietly(workDir.resolve("primary.log"));
    }

    public String secondaryLog() {
        return readQuietly(workDir.resolve("secondary.log"));
    }

    /** The processes this instance started: the primary, then the secondary if any. */
    public List<ProcessHandle> processes() {
        return processes.stream().map(Process::toHandle).collect(Collectors.toUnmodifiableList());
    }

    // ------------------------------------------------------------------ questions

    /** The TXT values at {@code name} on the primary (each record's strings joined). */
    public List<String> txt(String name) {
        return txt(name, primary());
    }

    /** The TXT values at {@code name} on {@code server}; empty for NXDOMAIN or no TXT. */
    public static List<String> txt(String name, InetSocketAddress server) {
        Message answer = ask(server, name, Type.TXT);
        int rcode = answer.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new IllegalStateException(server + " answered " + Rcode.string(rcode) + " for " + name + " TXT");
        }
        List<String> values = new ArrayList<>();
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt) {
                values.add(String.join("", txt.getStrings()));
            }
        }
        return values;
    }

    /** The SOA serial of {@value #ZONE} on {@code server}. */
    public static long serial(InetSocketAddress server) {
        Message answer = ask(server, ZONE, Type.SOA);
        return answer.getSection(Section.ANSWER).stream().filter(r -> r instanceof SOARecord)
                .map(r -> ((SOARecord) r).getSerial()).findFirst()
                .orElseThrow(() -> new IllegalStateException(server + " has no SOA for " + ZONE + ": " + answer));
    }

    private static Message ask(InetSocketAddress server, String name, int type) {
        try {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTimeout(Duration.ofSeconds(2));
            Message query = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
            query.getHeader().unsetFlag(Flags.RD);
            return resolver.send(query);
        } catch (IOException e) {
            throw new UncheckedIOException("asking " + server + " for " + name + " " + Type.string(type), e);
        }
    }

    /**
     * Tells the secondary that the zone changed (a NOTIFY from the primary's address, RFC
     * 1996): it then asks the primary for the SOA and transfers what is new, within a second.
     */
    public void notifySecondary() {
        try {
            SimpleResolver resolver = new SimpleResolver(secondary());
            resolver.setLocalAddress(new InetSocketAddress(ipv6Loopback(), 0));
            resolver.setTimeout(Duration.ofSeconds(2));
            Message notify = new Message();
            notify.getHeader().setOpcode(Opcode.NOTIFY);
            notify.getHeader().setFlag(Flags.AA);
            notify.addRecord(Record.newRecord(Name.fromString(ZONE), Type.SOA, DClass.IN), Section.QUESTION);
            Message answer = resolver.send(notify);
            if (answer.getRcode() != Rcode.NOERROR) {
                throw new IllegalStateException("the secondary answered " + Rcode.string(answer.getRcode())
                        + " to NOTIFY\n" + secondaryLog());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("NOTIFY to the secondary", e);
        }
    }

    // ------------------------------------------------------------------ stopping

    /** Stops exactly the processes this instance started, then removes its folder. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcesses();
        FixtureProcesses.removeShutdownHook(shutdownHook);
        if (deleteWorkDir) {
            FixtureProcesses.deleteRecursively(workDir);
        }
    }

    /** The secondary first, then the primary; SIGTERM: named shuts down cleanly. */
    private synchronized void stopProcesses() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            FixtureProcesses.stop(processes.get(i), STOP_GRACE);
        }
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: no lookup
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
    }

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ builder

    public static final class Builder {
        private boolean secondary;
        private boolean queryLog;
        private String algorithm = "hmac-sha256";
        private final List<String> records = new ArrayList<>();
        private String host = "127.0.0.1";
        private int fixedPort;

        private Builder() {
        }

        /**
         * The primary on a fixed port of a loopback address of this host's interfaces (BIND
         * listens on those only), e.g. {@code 127.0.0.1} and 53: where clients that always ask
         * name servers on port 53 (lego's check) find it; for the benchmark, not for tests (a
         * fixed port may be taken). Not with the secondary.
         */
        public Builder listen(String ipv4Loopback, int port) {
            if (!literal(ipv4Loopback).isLoopbackAddress() || ipv4Loopback.indexOf(':') >= 0) {
                throw new IllegalArgumentException("not an IPv4 loopback address: " + ipv4Loopback);
            }
            this.host = ipv4Loopback;
            this.fixedPort = port;
            return this;
        }

        /** Also starts the slow secondary on [::1]:port, listed as {@code ns2}. */
        public Builder secondary(boolean withSecondary) {
            this.secondary = withSecondary;
            return this;
        }

        /**
         * Logs every question the primary gets ({@code querylog yes}) into {@link #log()}, as
         * {@code query: <name> IN TXT +E(0)...}: "+" marks recursion desired (Pebble's VA sets it,
         * a direct propagation check does not).
         */
        public Builder queryLog(boolean log) {
            this.queryLog = log;
            return this;
        }

        /** The algorithm of the generated key (tsig-keygen -a): hmac-sha256 (default), -sha384, -sha512, -sha1. */
        public Builder tsigAlgorithm(String name) {
            this.algorithm = Objects.requireNonNull(name, "name");
            return this;
        }

        /** One more line of {@value #ZONE}'s zone file, e.g. {@code _acme-challenge IN TXT "admin"}. */
        public Builder zoneRecord(String line) {
            records.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        /**
         * Starts the primary (and secondary) and waits until they answer for the zone.
         *
         * @throws IllegalStateException {@link #NOT_INSTALLED_MESSAGE} when BIND is missing, or
         *                               with the log when it does not come up
         */
        public BindServer start() {
            Path named = FixtureProcesses.findExecutable(Path.of("/usr/sbin/named"), "named").orElse(null);
            Path keygen = FixtureProcesses.findExecutable(Path.of("/usr/sbin/tsig-keygen"), "tsig-keygen").orElse(null);
            if (named == null || keygen == null) {
                throw new IllegalStateException(NOT_INSTALLED_MESSAGE);
            }
            try {
                return doStart(named, keygen);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start BIND", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting BIND", e);
            }
        }

        private BindServer doStart(Path named, Path keygen) throws IOException, InterruptedException {
            Path dir = Files.createTempDirectory("bind-").toAbsolutePath();
            Path keyFile = dir.resolve("key.conf");
            Process gen = new ProcessBuilder(keygen.toString(), "-a", algorithm, KEY_NAME.substring(0,
                    KEY_NAME.length() - 1)).redirectErrorStream(true).redirectOutput(keyFile.toFile()).start();
            if (!gen.waitFor(10, TimeUnit.SECONDS) || gen.exitValue() != 0) {
                gen.destroyForcibly();
                throw new IllegalStateException("tsig-keygen -a " + algorithm + " failed: " + readQuietly(keyFile));
            }
            Matcher secret = SECRET.matcher(readQuietly(keyFile));
            if (!secret.find()) {
                throw new IllegalStateException("no secret in the output of tsig-keygen: " + readQuietly(keyFile));
            }
            if (secondary && !host.equals("127.0.0.1")) {
                throw new IllegalStateException("the secondary goes with the primary on 127.0.0.1 only");
            }
            int port = fixedPort > 0 ? fixedPort : freePort(secondary);
            BindServer bind = new BindServer(dir, host, port, algorithm, secret.group(1), keyFile, secondary,
                    !Boolean.getBoolean("bind.keepWorkDir"));
            Runtime.getRuntime().addShutdownHook(bind.shutdownHook);
            try {
                Path primary = Files.createDirectories(dir.resolve("primary"));
                Files.writeString(primary.resolve("example.test.db"), zoneFile(ZONE, host, secondary, records));
                Files.writeString(primary.resolve("locked.test.db"), zoneFile(LOCKED_ZONE, host, false, List.of()));
                Files.writeString(primary.resolve("named.conf"), primaryConfig(primary, keyFile, host, port,
                        queryLog));
                bind.launch(named, primary.resolve("named.conf"), dir.resolve("primary.log"));
                bind.awaitZone(bind.primary(), Instant.now().plus(STARTUP_TIMEOUT), "primary.log");
                if (secondary) {
                    Path second = Files.createDirectories(dir.resolve("secondary"));
                    Files.writeString(second.resolve("named.conf"), secondaryConfig(second, port));
                    bind.launch(named, second.resolve("named.conf"), dir.resolve("secondary.log"));
                    bind.awaitZone(bind.secondary(), Instant.now().plus(STARTUP_TIMEOUT), "secondary.log");
                }
                return bind;
            } catch (RuntimeException | IOException | InterruptedException | Error e) {
                bind.close();
                throw e;
            }
        }

        private static String zoneFile(String zone, String host, boolean secondary, List<String> extra) {
            StringBuilder z = new StringBuilder("$ORIGIN " + zone + "\n$TTL 60\n"
                    // refresh 1 h, retry 10 min: a secondary changes only when notified
                    + "@ IN SOA ns1." + zone + " hostmaster." + zone + " 1 3600 600 86400 60\n"
                    + "@ IN NS ns1." + zone + "\n"
                    + "ns1 IN A " + host + "\n"
                    + "@ IN A " + host + "\n");
            if (secondary) {
                z.append("@ IN NS ns2.").append(zone).append("\nns2 IN AAAA ::1\n");
            }
            extra.forEach(line -> z.append(line).append('\n'));
            return z.toString();
        }

        private static String options(Path dir, String listen, boolean queryLog) {
            return "options {\n"
                    + "  directory \"" + dir + "\";\n"
                    + "  pid-file \"" + dir.resolve("named.pid") + "\";\n"
                    + "  session-keyfile \"" + dir.resolve("session.key") + "\";\n"
                    + "  managed-keys-directory \"" + dir + "\";\n"
                    + listen
                    + "  recursion no;\n"
                    + "  notify no;\n"
                    + "  dnssec-validation no;\n"
                    + "  empty-zones-enable no;\n"
                    + "  querylog " + (queryLog ? "yes" : "no") + ";\n"
                    + "  allow-transfer { 127.0.0.1; ::1; };\n"
                    + "};\n"
                    + "controls { };\n";
        }

        private static String primaryConfig(Path dir, Path keyFile, String host, int port, boolean queryLog) {
            return "include \"" + keyFile + "\";\n"
                    + options(dir, "  listen-on port " + port + " { " + host + "; };\n  listen-on-v6 { none; };\n",
                            queryLog)
                    + "zone \"" + ZONE + "\" { type primary; file \"" + dir.resolve("example.test.db") + "\";\n"
                    + "  update-policy { grant " + KEY_NAME + " zonesub TXT; }; };\n"
                    + "zone \"" + LOCKED_ZONE + "\" { type primary; file \"" + dir.resolve("locked.test.db")
                    + "\"; };\n";
        }

        private static String secondaryConfig(Path dir, int port) {
            return options(dir, "  listen-on { none; };\n  listen-on-v6 port " + port + " { ::1; };\n", false)
                    + "zone \"" + ZONE + "\" { type secondary; primaries { 127.0.0.1 port " + port + "; };\n"
                    + "  file \"" + dir.resolve("example.test.bak") + "\"; allow-notify { ::1; 127.0.0.1; }; };\n";
        }

        /** A port free on 127.0.0.1 (and ::1 with the secondary), UDP and TCP. */
        private static int freePort(boolean alsoV6) throws IOException {
            IOException last = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                int candidate;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    candidate = s.getLocalPort();
                }
                try {
                    probe(InetAddress.getLoopbackAddress(), candidate);
                    if (alsoV6) {
                        probe(ipv6Loopback(), candidate);
                    }
                    return candidate;
                } catch (IOException e) {
                    last = e;
                }
            }
            throw new IOException("no port free on 127.0.0.1" + (alsoV6 ? " and ::1" : "") + " after 50 tries", last);
        }

        private static void probe(InetAddress address, int port) throws IOException {
            try (ServerSocket tcp = new ServerSocket(port, 1, address);
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
                tcp.getLocalPort();
                udp.getLocalPort();
            }
        }
    }

    private void launch(Path named, Path config, Path log) throws IOException {
        // -g: foreground, log to stderr; -n 1: one worker thread (the machine is shared)
        ProcessBuilder pb = new ProcessBuilder(named.toString(), "-g", "-n", "1", "-c", config.toString())
                .directory(config.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        processes.add(pb.start());
    }

    /** Waits until {@code server} answers the zone's SOA with authority. */
    private void awaitZone(InetSocketAddress server, Instant deadline, String logName) throws InterruptedException {
        Process process = processes.get(processes.size() - 1);
        String last = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("named exited with code " + process.exitValue() + "\n--- "
                        + logName + " ---\n" + readQuietly(workDir.resolve(logName)));
            }
            try {
                Message answer = ask(server, ZONE, Type.SOA);
                if (answer.getRcode() == Rcode.NOERROR && answer.getHeader().getFlag(Flags.AA)
                        && !answer.getSection(Section.ANSWER).isEmpty()) {
                    return;
                }
                last = Rcode.string(answer.getRcode());
            } catch (UncheckedIOException e) {
                last = e.getCause().toString();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("named at " + server + " does not serve " + ZONE + " after "
                        + STARTUP_TIMEOUT.toSeconds() + " s (" + last + ")\n--- " + logName + " ---\n"
                        + readQuietly(workDir.resolve(logName)));
            }
            Thread.sleep(50);
        }
    }

    /** For messages: where this server is. */
    @Override
    public String toString() {
        return "BIND at " + primaryAddress() + (withSecondary ? " and [::1]:" + port : "") + " (" + workDir + ")";
    }
}
