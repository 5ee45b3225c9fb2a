package dev.acmefilter.reload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.acmefilter.config.ReloadSignal;

/**
 * Sends a signal to the process named in a pid file, the way Synapse is told to re-read
 * its certificate ({@code SIGHUP}). Java cannot send signals other than KILL and TERM,
 * so this runs the shell's {@code kill -s SIG pid} (a builtin, present wherever
 * {@code /bin/sh} is). The pid file is read fresh every time, and a pid that is not a
 * running process is reported instead of signalled.
 */
final class PidFileSignal {

    private static final Pattern PID = Pattern.compile("[0-9]{1,10}");
    private static final int MAX_PID_FILE_BYTES = 64;
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final ReloadSignal signal;
    private final Path pidFile;

    PidFileSignal(ReloadSignal signal, Path pidFile) {
        this.signal = Objects.requireNonNull(signal, "signal");
        this.pidFile = Objects.requireNonNull(pidFile, "pidFile");
    }

    ReloadResult send() throws InterruptedException {
        String content;
        try (InputStream in = Files.newInputStream(pidFile)) {
            content = new String(in.readNBytes(MAX_PID_FILE_BYTES + 1), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return ReloadResult.failed("pid file " + pidFile + " does not exist");
        } catch (IOException e) {
            return ReloadResult.failed("pid file " + pidFile + " cannot be read: " + e);
        }
        if (!PID.matcher(content).matches() || Long.parseLong(content) < 1) {
            // pid 0 or -1 would signal a whole process group: never pass them to kill
            return ReloadResult.failed("pid file " + pidFile + " does not hold a process id"
                    + (content.length() <= 20 && content.chars().allMatch(c -> c >= ' ' && c < 127)
                    ? ": '" + content + "'" : ""));
        }
        long pid = Long.parseLong(content);
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return ReloadResult.failed("process " + pid + " from " + pidFile + " is not running");
        }
        ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of("/bin/sh", "-c", "kill -s " + signal.killName() + " \"$1\"", "sh",
                    Long.toString(pid)), Map.of(), KILL_TIMEOUT);
        } catch (IOException e) {
            return ReloadResult.failed("cannot run /bin/sh to send " + signal + " to process " + pid + ": " + e);
        }
        if (outcome.timedOut() || outcome.exitCode() != 0) {
            return ReloadResult.failed("kill -s " + signal.killName() + " " + pid + " (from " + pidFile + ") failed"
                    + (outcome.timedOut() ? " to finish" : " with exit code " + outcome.exitCode())
                    + outcome.tailSuffix());
        }
        return ReloadResult.ok("sent " + signal.killName() + " to process " + pid + " from " + pidFile);
    }
}
