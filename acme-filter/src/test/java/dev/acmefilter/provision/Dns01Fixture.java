package dev.acmefilter.provision;

import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.Pebble;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A real BIND (with its slow secondary) and a real Pebble whose VA asks that BIND, and the
 * {@code homeserver.yaml} an admin would write for dns-01 against them: for the tests of
 * dns-01 through the provisioner, the fleet and the admin command. Stops exactly what it
 * started.
 */
final class Dns01Fixture implements AutoCloseable {

    /** The journal of added records in the state folder (the dns package's file name). */
    static final String JOURNAL = "acme-dns-records.journal";
    static final String RECORD = "_acme-challenge.example.test.";

    final BindServer bind;
    final Pebble pebble;

    private Dns01Fixture(BindServer bind, Pebble pebble) {
        this.bind = bind;
        this.pebble = pebble;
    }

    static Dns01Fixture start() {
        BindServer bind = BindServer.builder().secondary(true).queryLog(true).start();
        try {
            return new Dns01Fixture(bind, Pebble.builder().dnsServer(bind.primaryAddress()).start());
        } catch (RuntimeException | Error e) {
            bind.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            pebble.close();
        } finally {
            bind.close();
        }
    }

    /** {@code '[::1]:<port>'}: the slow secondary, as a check server. */
    String secondaryAddress() {
        return "'[::1]:" + bind.port() + "'";
    }

    /** The fixture's key block (tsig-keygen's output), copied owner-only into {@code home}. */
    Path keyFile(Path home) throws IOException {
        Path copy = home.resolve("acme-tsig.key");
        Files.copy(bind.keyFile(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        return copy;
    }

    /**
     * A Synapse config for {@code example.test} and {@code *.example.test} (or the names of
     * {@code nameLines}) answered with dns-01, plus {@code acmeLines} (the {@code dns:} part).
     */
    Path config(Path home, List<String> nameLines, String... acmeLines) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                server_name: example.test
                tls_certificate_path: tls/example.test.crt
                tls_private_key_path: tls/example.test.key
                acme:
                  enabled: true
                  url: '%s'
                  ca_certificates: '%s'
                  challenge: dns-01
                """.formatted(pebble.directoryUrl(), pebble.caCertificatesPem()));
        for (String line : nameLines) {
            yaml.append("  ").append(line).append('\n');
        }
        for (String line : acmeLines) {
            yaml.append("  ").append(line).append('\n');
        }
        Path file = home.resolve("homeserver.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** The usual names: the zone's apex and its wildcard. */
    static List<String> wildcardNames() {
        return List.of("domains: ['*.example.test']");
    }

    /** {@code dns:} with RFC 2136 at the primary, the key file, and the primary as the only check server. */
    List<String> rfc2136(Path home, String... more) throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of("dns:",
                "  rfc2136: {server: '" + bind.primaryAddress() + "', tsig_secret_file: '" + keyFile(home) + "'}",
                "  propagation_timeout: 20",
                "  check_servers: ['" + bind.primaryAddress() + "']"));
        lines.addAll(List.of(more));
        return lines;
    }

    /** The TXT values at {@code name} on the primary. */
    List<String> txt(String name) {
        return bind.txt(name);
    }

    /** A TSIG secret nobody configured. */
    static String otherSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A TCP port on 127.0.0.1 where nothing listens. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void awaitUntil(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
