package dev.acmefilter.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.acmefilter.config.ReloadSettings;
import dev.acmefilter.config.ReloadSignal;

class ReloaderTest {

    @TempDir
    Path dir;
    Process homeserver;

    @AfterEach
    void stopHomeserver() {
        if (homeserver != null) {
            homeserver.destroyForcibly();
        }
    }

    private ReloadResult reload(ReloadSettings settings) {
        return new Reloader(settings).reload(dir.resolve("tls.crt"), dir.resolve("tls.key"),
                List.of("matrix.example.org", "element.example.org"));
    }

    private static ReloadSettings signal(ReloadSignal signal, Path pidFile) {
        return new ReloadSettings(Optional.of(signal), Optional.of(pidFile), Optional.empty(), Duration.ofSeconds(5));
    }

    private static ReloadSettings command(String command, Duration timeout) {
        return new ReloadSettings(Optional.empty(), Optional.empty(), Optional.of(command), timeout);
    }

    /**
     * A stand-in for Synapse (its command line mentions synapse, as {@code python -m
     * synapse.app.homeserver} does): writes its pid file and notes every signal it receives in
     * {@code received}.
     */
    private Path startHomeserver() throws Exception {
        Path pidFile = dir.resolve("homeserver.pid");
        homeserver = new ProcessBuilder("/bin/sh", "-c", "trap 'echo HUP >> received' HUP; "
                + "trap 'echo USR1 >> received' USR1; "
                + "echo $$ > homeserver.pid.tmp; mv homeserver.pid.tmp homeserver.pid; "
                + "while true; do sleep 0.1; done", "synapse.app.homeserver").directory(dir.toFile()).start();
        await(() -> Files.exists(pidFile));
        return pidFile;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private String received() {
        try {
            return Files.exists(dir.resolve("received")) ? Files.readString(dir.resolve("received")) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Whether this JVM was started with SIGHUP ignored (under {@code nohup}): its children
     * inherit that, and a shell cannot trap a signal ignored on entry, so the stand-in below
     * could not notice a HUP that did arrive. Synapse (Python) can, whatever it inherited.
     */
    private static boolean hupIgnoredByThisJvm() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0; // bit 0: SIGHUP
            }
        }
        return false;
    }

    @Test
    void hupReachesTheProcessInThePidFile() throws Exception {
        assumeFalse(hupIgnoredByThisJvm(), "SIGHUP is ignored by the test JVM (started under nohup?): a shell "
                + "stand-in cannot trap it");
        Path pidFile = startHomeserver();

        ReloadResult result = reload(signal(ReloadSignal.HUP, pidFile));

        assertThat(result).isEqualTo(ReloadResult.ok("sent HUP to process " + homeserver.pid() + " from " + pidFile));
        await(() -> received().contains("HUP"));
        assertThat(received()).isEqualTo("HUP\n");
        assertThat(homeserver.isAlive()).isTrue();
    }

    @Test
    void theConfiguredSignalIsTheOneSent() throws Exception {
        Path pidFile = startHomeserver();

        assertThat(reload(signal(ReloadSignal.USR1, pidFile)).ok()).isTrue();

        await(() -> received().contains("USR1"));
        assertThat(received()).isEqualTo("USR1\n");
    }

    @Test
    void missingPidFileIsAFailureNamingIt() {
        Path pidFile = dir.resolve("synapse.pid");

        assertThat(reload(signal(ReloadSignal.HUP, pidFile)))
                .isEqualTo(ReloadResult.failed("pid file " + pidFile + " does not exist"));
    }

    @Test
    void pidOfAProcessThatHasEndedIsNotSignalled() throws Exception {
        Process ended = new ProcessBuilder("/bin/true").start();
        ended.waitFor();
        Path pidFile = Files.writeString(dir.resolve("synapse.pid"), ended.pid() + "\n");

        assertThat(reload(signal(ReloadSignal.HUP, pidFile))).isEqualTo(
                ReloadResult.failed("process " + ended.pid() + " from " + pidFile + " is not running"));
    }

    @Test
    void pidFileWithoutAProcessIdIsAFailure() throws Exception {
        Path zero = Files.writeString(dir.resolve("zero.pid"), "0\n");
        Path text = Files.writeString(dir.resolve("text.pid"), "synapse\n");

        assertThat(reload(signal(ReloadSignal.HUP, zero)))
                .isEqualTo(ReloadResult.failed("pid file " + zero + " does not hold a process id: '0'"));
        assertThat(reload(signal(ReloadSignal.HUP, text)))
                .isEqualTo(ReloadResult.failed("pid file " + text + " does not hold a process id: 'synapse'"));
    }

    @Test
    void commandGetsTheCertificatePathsAndNamesInItsEnvironment() throws Exception {
        ReloadResult result = reload(command("cd '" + dir + "' && printf '%s\\n' \"$ACME_CERTIFICATE_PATH\" "
                + "\"$ACME_PRIVATE_KEY_PATH\" \"$ACME_NAMES\" > env.txt", Duration.ofSeconds(10)));

        assertThat(result).isEqualTo(ReloadResult.ok("reload command succeeded"));
        assertThat(Files.readAllLines(dir.resolve("env.txt"))).containsExactly(
                dir.resolve("tls.crt").toString(), dir.resolve("tls.key").toString(),
                "matrix.example.org element.example.org");
    }

    /** The variable names a command sees, without those the shell sets itself. */
    private List<String> variablesSeenBy(ReloadSettings settings) throws Exception {
        assertThat(reload(settings).ok()).isTrue();
        return Files.readAllLines(dir.resolve("env.txt")).stream().map(l -> l.substring(0, l.indexOf('=')))
                .filter(name -> !List.of("PWD", "OLDPWD", "SHLVL", "_").contains(name)).sorted().toList();
    }

    @Test
    void commandGetsOnlyPathAndTheDocumentedVariablesNotTheJvmsEnvironment() throws Exception {
        assertThat(System.getenv("HOME")).as("the test JVM's environment has more than PATH").isNotNull();

        List<String> names = variablesSeenBy(command("env > '" + dir.resolve("env.txt") + "'", Duration.ofSeconds(10)));

        assertThat(names).containsExactly("ACME_CERTIFICATE_PATH", "ACME_NAMES", "ACME_PRIVATE_KEY_PATH", "PATH");
    }

    @Test
    void variablesListedInEnvArePassedThrough() throws Exception {
        ReloadSettings settings = new ReloadSettings(Optional.empty(), Optional.empty(),
                Optional.of("env > '" + dir.resolve("env.txt") + "'"), Duration.ofSeconds(10), Optional.empty(),
                List.of("HOME", "ACME_TEST_NOT_SET_ANYWHERE"));

        assertThat(variablesSeenBy(settings)).containsExactly("ACME_CERTIFICATE_PATH", "ACME_NAMES",
                "ACME_PRIVATE_KEY_PATH", "HOME", "PATH");
        assertThat(Files.readAllLines(dir.resolve("env.txt"))).contains("HOME=" + System.getenv("HOME"));
    }

    @Test
    void commandExitingWith3IsAFailureShowingItsOutput() {
        ReloadResult result = reload(command("echo reloading; echo 'config is broken' >&2; exit 3",
                Duration.ofSeconds(10)));

        assertThat(result).isEqualTo(ReloadResult.failed("reload command exited with 3: reloading | config is broken"));
    }

    @Test
    void commandThatOutlivesItsTimeoutIsKilledWithEverythingItStarted() throws Exception {
        long start = System.nanoTime();
        ReloadResult result = reload(command("cd '" + dir + "' && echo waiting; sleep 60 & echo $! > sleeper.pid; wait",
                Duration.ofSeconds(1)));

        assertThat(result).isEqualTo(ReloadResult.failed("reload command timed out after 1 s and was killed: waiting"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        long sleeper = Long.parseLong(Files.readString(dir.resolve("sleeper.pid")).trim());
        await(() -> ProcessHandle.of(sleeper).map(p -> !p.isAlive()).orElse(true));
        assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void commandReadingItsInputDoesNotHang() {
        assertThat(reload(command("cat", Duration.ofSeconds(10))).ok()).isTrue();
    }

    @Test
    void longOutputOfAFailingCommandIsCutToItsEnd() {
        ReloadResult result = reload(command("seq 1 100000; exit 1", Duration.ofSeconds(10)));

        assertThat(result.ok()).isFalse();
        assertThat(result.message()).startsWith("reload command exited with 1: ... 99").endsWith("99999 | 100000")
                .hasSizeLessThan(2 * ProcessRunner.TAIL_BYTES);
    }

    @Test
    void failingSignalStillRunsTheCommandAndBothAreReported() throws Exception {
        Path pidFile = dir.resolve("synapse.pid");
        ReloadSettings both = new ReloadSettings(Optional.of(ReloadSignal.HUP), Optional.of(pidFile),
                Optional.of("touch '" + dir.resolve("ran") + "'"), Duration.ofSeconds(10));

        ReloadResult result = reload(both);

        assertThat(result).isEqualTo(ReloadResult.failed("pid file " + pidFile + " does not exist"));
        assertThat(dir.resolve("ran")).exists();
    }

    @Test
    void signalNoneWithACommandOnlyRunsTheCommand() throws Exception {
        Path pidFile = startHomeserver();
        ReloadSettings commandOnly = new ReloadSettings(Optional.empty(), Optional.of(pidFile),
                Optional.of("true"), Duration.ofSeconds(10));

        assertThat(reload(commandOnly)).isEqualTo(ReloadResult.ok("reload command succeeded"));
        Thread.sleep(300);
        assertThat(received()).isEmpty();
    }
}
