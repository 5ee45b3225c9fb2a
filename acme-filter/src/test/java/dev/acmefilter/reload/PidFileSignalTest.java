package dev.acmefilter.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.acmefilter.config.ReloadSettings;
import dev.acmefilter.config.ReloadSignal;

/**
 * The reload signal reaches the homeserver and nothing else: real processes, real pid files.
 * Each stand-in is a shell that traps the signal and notes it in a file, so a signal that
 * went astray shows up as a note (or as a dead process) here.
 */
class PidFileSignalTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private ReloadResult hup(Path pidFile) {
        return new Reloader(new ReloadSettings(Optional.of(ReloadSignal.HUP), Optional.of(pidFile), Optional.empty(),
                Duration.ofSeconds(5))).reload(dir.resolve("tls.crt"), dir.resolve("tls.key"), List.of("example.org"));
    }

    /**
     * A process whose command line is {@code /bin/sh -c <script> <name>}: it notes each HUP in
     * {@code <name>.received}, and writes its own pid to {@code <name>.pid} when {@code writesPidFile}.
     */
    private Process standIn(String name, boolean writesPidFile) throws Exception {
        String script = "trap 'echo HUP >> " + name + ".received' HUP; "
                + (writesPidFile ? "echo $$ > " + name + ".tmp; mv " + name + ".tmp " + name + ".pid; " : "")
                + "touch " + name + ".ready; while true; do sleep 0.1; done";
        Process p = new ProcessBuilder("/bin/sh", "-c", script, name).directory(dir.toFile()).start();
        started.add(p);
        await(() -> Files.exists(dir.resolve(name + ".ready")));
        return p;
    }

    private String received(String name) throws Exception {
        Path file = dir.resolve(name + ".received");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static boolean runsAsRoot() throws Exception {
        return "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
    }

    @Test
    void aProcessWhoseCommandLineMentionsSynapseGetsTheSignal() throws Exception {
        Process synapse = standIn("synapse.app.homeserver", true);
        Path pidFile = dir.resolve("synapse.app.homeserver.pid");

        ReloadResult result = hup(pidFile);

        assertThat(result).isEqualTo(ReloadResult.ok("sent HUP to process " + synapse.pid() + " from " + pidFile));
    }

    @Test
    void aProcessWhoseCommandLineDoesNotMentionSynapseIsNotSignalled() throws Exception {
        Process other = standIn("backup-job", true);
        Path pidFile = dir.resolve("backup-job.pid");

        ReloadResult result = hup(pidFile);

        assertThat(result.ok()).isFalse();
        assertThat(result.message()).isEqualTo("not signalling process " + other.pid() + " from " + pidFile
                + ": its command line does not mention 'synapse' (the pid file may be stale and its number reused by"
                + " another process); if the homeserver runs under another name, set acme.reload.process_match");
        Thread.sleep(300);
        assertThat(received("backup-job")).isEmpty();
        assertThat(other.isAlive()).isTrue();
    }

    @Test
    void processMatchNamesAnotherServer() throws Exception {
        Process nginx = standIn("nginx-master", true);
        Path pidFile = dir.resolve("nginx-master.pid");
        ReloadSettings settings = new ReloadSettings(Optional.of(ReloadSignal.HUP), Optional.of(pidFile),
                Optional.empty(), Duration.ofSeconds(5), Optional.of("NGINX"), List.of());

        ReloadResult result = new Reloader(settings).reload(dir.resolve("a.crt"), dir.resolve("a.key"), List.of("a"));

        assertThat(result).isEqualTo(ReloadResult.ok("sent HUP to process " + nginx.pid() + " from " + pidFile));
    }

    @Test
    void aStalePidFileWhoseNumberWasReusedByAnUnrelatedProcessIsNotSignalled() throws Exception {
        // the homeserver wrote its pid file an hour ago and died; the number now belongs to another process
        Process reused = standIn("synapse-lookalike", false);
        Path pidFile = Files.writeString(dir.resolve("homeserver.pid"), reused.pid() + "\n");
        Instant written = Instant.now().minusSeconds(3600);
        Files.setLastModifiedTime(pidFile, FileTime.from(written));

        ReloadResult result = hup(pidFile);

        assertThat(result.ok()).isFalse();
        assertThat(result.message()).startsWith("not signalling process " + reused.pid() + " from " + pidFile
                + ": it started at ").contains(", after the pid file was last written at " + written)
                .endsWith("(the pid file may be stale and its number reused by another process)");
        Thread.sleep(300);
        assertThat(received("synapse-lookalike")).isEmpty();
        assertThat(reused.isAlive()).isTrue();
    }

    @Test
    void aProcessOfAnotherUserThanThePidFilesOwnerIsNotSignalled() throws Exception {
        assumeTrue(runsAsRoot(), "needs root to give the pid file to another user");
        Process synapse = standIn("synapse", true);
        Path pidFile = dir.resolve("synapse.pid");
        UserPrincipal nobody = pidFile.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(pidFile, nobody);
        int nobodyUid = (Integer) Files.getAttribute(pidFile, "unix:uid");

        ReloadResult result = hup(pidFile);

        assertThat(result.message()).isEqualTo("not signalling process " + synapse.pid() + " from " + pidFile
                + ": it runs as uid 0, but the pid file belongs to uid " + nobodyUid
                + " (the pid file may be stale and its number reused by another process)");
        Thread.sleep(300);
        assertThat(received("synapse")).isEmpty();
    }

    @Test
    void aFifoInPlaceOfThePidFileIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("synapse.pid");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        ReloadResult result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> hup(fifo));

        assertThat(result).isEqualTo(ReloadResult.failed("pid file " + fifo
                + " is not a regular file (a FIFO, socket or device), so it is not read; nothing was signalled"));
    }

    @Test
    void aSymbolicLinkInPlaceOfThePidFileIsNotFollowed() throws Exception {
        Process synapse = standIn("synapse", true);
        Path link = Files.createSymbolicLink(dir.resolve("link.pid"), dir.resolve("synapse.pid"));

        ReloadResult result = hup(link);

        assertThat(result).isEqualTo(ReloadResult.failed("pid file " + link + " is a symbolic link, which is not"
                + " followed (expected the regular file the homeserver writes); nothing was signalled"));
        Thread.sleep(300);
        assertThat(received("synapse")).isEmpty();
        assertThat(synapse.isAlive()).isTrue();
    }

    @Test
    void anOversizedPidFileIsNotRead() throws Exception {
        Path big = Files.writeString(dir.resolve("synapse.pid"), "1".repeat(65));

        assertThat(hup(big)).isEqualTo(ReloadResult.failed("pid file " + big + " holds 65 bytes, more than the 64 of a"
                + " process id, so it is not read; nothing was signalled"));
    }
}
