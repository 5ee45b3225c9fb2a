package dev.acmefilter.provision;

import dev.acmefilter.output.KeyMatch;
import dev.acmefilter.output.Pem;
import dev.acmefilter.output.TestCerts;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import dev.acmefilter.testing.ProvisionOnce;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;


/**
 * Faults of the process and the file system, with the provisioner in a JVM of its own
 * ({@link ProvisionOnce}: embedded Jetty plus provisioner) against a real Pebble: killed
 * with SIGKILL at random moments while it renews, and denied writing the certificate folder.
 */
class ProcessFaultsTest {

    private static final int KILLS = 20;

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> { });

    @TempDir
    Path dir;

    private Path writeConfig(Path home, String... extra) throws IOException {
        StringBuilder acmeLines = new StringBuilder();
        for (String line : extra) {
            acmeLines.append("  ").append(line).append('\n');
        }
        return PEBBLE.homeserverYaml(home, acmeLines.toString());
    }

    private static void chattr(String flag, Path folder) throws Exception {
        Process chattr = new ProcessBuilder("chattr", flag, folder.toString()).redirectErrorStream(true).start();
        String out = new String(chattr.getInputStream().readAllBytes());
        assertThat(chattr.waitFor()).as("chattr " + flag + " " + folder + ": " + out).isZero();
    }

    private static Process launch(Path yaml, String mode, List<String> prefix) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProvisionOnce.class.getName(), yaml.toString(),
                Integer.toString(PEBBLE.get().httpPort()), mode));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finish(Process process) throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the provisioner process ends").isTrue();
        return new String(process.getInputStream().readAllBytes());
    }

    private static void awaitLine(Process process, String line) throws IOException {
        java.io.BufferedReader reader = process.inputReader();
        String read;
        while ((read = reader.readLine()) != null) {
            if (read.equals(line) || read.startsWith("LOG " + line)) {
                return;
            }
        }
        throw new AssertionError("the process ended before printing " + line);
    }

    /** Whether the pair on disk is whole: chain verifies to Pebble's root, key matches. */
    private static boolean consistent(Path home) throws Exception {
        List<X509Certificate> chain = Pem.readCertificates(home.resolve("tls/localhost.crt"));
        Pebble.verifyChain(chain, PEBBLE.get().roots());
        return KeyMatch.matches(chain.get(0), Pem.readPrivateKey(home.resolve("tls/localhost.key")));
    }

    @Test
    void killedAtRandomMomentsWhileRenewingItAlwaysLeavesOrRestoresAConsistentPair() throws Exception {
        Path yaml = writeConfig(dir);
        String first = finish(launch(yaml, "check", List.of()));
        assertThat(first).contains("RESULT ISSUED");
        // how long a renewal takes here, from Jetty being up to the process ending
        Process timed = launch(yaml, "renew", List.of());
        awaitLine(timed, "STARTED");
        long begin = System.nanoTime();
        assertThat(finish(timed)).contains("RESULT ISSUED");
        long renewalMillis = (System.nanoTime() - begin) / 1_000_000;
        Random random = new Random(20261130L);
        int killedMidOrder = 0;
        int killedMidWrite = 0;
        int inconsistentAfterRestart = 0;
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            Process renewing = launch(yaml, "renew", List.of());
            long delay;
            if (i % 2 == 0) {
                // anywhere in the renewal, from the moment Jetty is up, and a little beyond
                awaitLine(renewing, "STARTED");
                delay = random.nextInt((int) (renewalMillis * 6 / 5) + 1);
            } else {
                // inside the order or the write: from the moment the order exists
                awaitLine(renewing, "ACME order ");
                delay = random.nextInt(400);
            }
            delays.add(delay);
            Thread.sleep(delay);
            renewing.destroyForcibly(); // SIGKILL
            renewing.waitFor(10, TimeUnit.SECONDS);
            String state = Files.exists(dir.resolve("acme-state-localhost.crt.properties"))
                    ? Files.readString(dir.resolve("acme-state-localhost.crt.properties")) : "";
            if (state.contains("pending_order=")) {
                killedMidOrder++;
            }
            if (Files.exists(dir.resolve("tls/localhost.crt.journal"))) {
                killedMidWrite++;
            }

            String restarted = finish(launch(yaml, "check", List.of()));
            assertThat(restarted).as("restart %d after a kill at %d ms", i + 1, delay).contains("RESULT ");
            if (!consistent(dir)) {
                inconsistentAfterRestart++;
            }
            try (Stream<Path> files = Files.list(dir.resolve("tls"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".new") || n.endsWith(".journal"));
            }
        }
        System.out.printf("KILL9 renewal_ms=%d kills=%d killed_mid_order=%d killed_mid_write=%d inconsistent_after_restart=%d"
                + " delays_ms=%s%n", renewalMillis, KILLS, killedMidOrder, killedMidWrite, inconsistentAfterRestart, delays);
        assertThat(inconsistentAfterRestart).isZero();
    }

    @Test
    void anUnwritableCertificateFolderGivesAClearErrorAndKeepsTheOldFiles() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path home = dir.resolve("home");
        Path tls = Files.createDirectories(home.resolve("tls"));
        KeyPair keys = TestCerts.ecKey();
        X509Certificate old = TestCerts.selfSigned(keys, Instant.now().minus(Duration.ofDays(80)),
                Instant.now().plus(Duration.ofDays(10)), "localhost");
        Files.write(tls.resolve("localhost.crt"), Pem.encodeCertificates(List.of(old)));
        Files.write(tls.resolve("localhost.key"), Pem.encodePrivateKey(keys.getPrivate()));
        byte[] oldCert = Files.readAllBytes(tls.resolve("localhost.crt"));
        byte[] oldKey = Files.readAllBytes(tls.resolve("localhost.key"));
        Files.createDirectories(home.resolve("state"));
        Path yaml = writeConfig(home, "account_key_file: state/client.key", "state_dir: state");
        // root may write anywhere a mode forbids: make the folder immutable for it instead
        if (root) {
            chattr("+i", tls);
        } else {
            Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        String output;
        try {
            output = finish(launch(yaml, "check", List.of()));
        } finally {
            if (root) {
                chattr("-i", tls);
            } else {
                Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }

        assertThat(output).contains("FAILED Certificate for [localhost] was issued but could not be written to "
                + tls.resolve("localhost.crt") + " / " + tls.resolve("localhost.key") + ": ")
                .containsAnyOf("Permission denied", "Operation not permitted")
                .contains("the previous files are unchanged");
        assertThat(tls.resolve("localhost.crt")).hasBinaryContent(oldCert);
        assertThat(tls.resolve("localhost.key")).hasBinaryContent(oldKey);
        try (Stream<Path> files = Files.list(tls)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("localhost.crt", "localhost.key");
        }
    }
}
