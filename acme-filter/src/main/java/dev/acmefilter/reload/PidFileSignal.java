package dev.acmefilter.reload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.acmefilter.config.ReloadSignal;

/**
 * Sends a signal to the process named in a pid file, the way Synapse is told to re-read
 * its certificate ({@code SIGHUP}), but only once that process is shown to be the homeserver.
 * A pid file outlives its process: after a crash or a reboot its number may belong to any
 * other process, and {@code SIGHUP} kills most programs that do not expect it. So, each time:
 * <ol>
 * <li>the pid file must be a regular file (not a symbolic link, which is not followed, nor a
 *     FIFO, whose reading would block for ever) of at most {@value #MAX_PID_FILE_BYTES} bytes,
 *     judged before it is opened;</li>
 * <li>the process must run as the pid file's owner (real or effective user id),</li>
 * <li>it must have started no later than the pid file was last written (a process that
 *     started after it cannot be the one that wrote it; {@value #START_TOLERANCE_SECONDS} s
 *     of tolerance for the one-second resolution of the boot time),</li>
 * <li>and its command line must mention {@code synapse}, or {@code acme.reload.process_match}
 *     when set.</li>
 * </ol>
 * Anything else is a failed {@link ReloadResult} saying why, and nothing is signalled. Java
 * cannot send signals other than KILL and TERM, so this runs the shell's
 * {@code kill -s SIG pid} (a builtin, present wherever {@code /bin/sh} is), with the pid as an
 * argument, never inside the command text.
 */
final class PidFileSignal {

    private static final Pattern PID = Pattern.compile("[0-9]{1,10}");
    static final int MAX_PID_FILE_BYTES = 64;
    static final long START_TOLERANCE_SECONDS = 2;
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final String STALE = " (the pid file may be stale and its number reused by another process)";

    private final ReloadSignal signal;
    private final Path pidFile;
    private final String processMatch;

    PidFileSignal(ReloadSignal signal, Path pidFile, String processMatch) {
        this.signal = Objects.requireNonNull(signal, "signal");
        this.pidFile = Objects.requireNonNull(pidFile, "pidFile");
        this.processMatch = Objects.requireNonNull(processMatch, "processMatch");
    }

    ReloadResult send() throws InterruptedException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(pidFile, "unix:uid,size,lastModifiedTime,isRegularFile,"
                    + "isSymbolicLink,isDirectory", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return ReloadResult.failed("pid file " + pidFile + " does not exist");
        } catch (IOException | UnsupportedOperationException e) {
            return ReloadResult.failed("pid file " + pidFile + " cannot be read: " + e);
        }
        Optional<String> notAFile = notARegularFile(attributes);
        if (notAFile.isPresent()) {
            return ReloadResult.failed("pid file " + pidFile + " " + notAFile.get() + "; nothing was signalled");
        }
        String content;
        try {
            content = readBounded();
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
        Optional<ProcessIdentity> process;
        try {
            process = ProcessIdentity.of(pid);
        } catch (IOException | RuntimeException e) {
            return ReloadResult.failed("process " + pid + " from " + pidFile + " cannot be checked in /proc: " + e
                    + "; nothing was signalled");
        }
        if (process.isEmpty()) {
            return ReloadResult.failed("process " + pid + " from " + pidFile + " is not running");
        }
        Optional<String> stranger = notTheHomeserver(process.get(), (Integer) attributes.get("uid"),
                ((FileTime) attributes.get("lastModifiedTime")).toInstant());
        if (stranger.isPresent()) {
            return ReloadResult.failed("not signalling process " + pid + " from " + pidFile + ": " + stranger.get());
        }
        ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of("/bin/sh", "-c", "kill -s " + signal.killName() + " \"$1\"", "sh",
                    Long.toString(pid)), HookEnvironment.of(List.of(), Map.of()), KILL_TIMEOUT);
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

    private static Optional<String> notARegularFile(Map<String, Object> attributes) {
        if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
            return Optional.of("is a symbolic link, which is not followed (expected the regular file the homeserver"
                    + " writes)");
        }
        if (Boolean.TRUE.equals(attributes.get("isDirectory"))) {
            return Optional.of("is a folder, not a file");
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
            return Optional.of("is not a regular file (a FIFO, socket or device), so it is not read");
        }
        long size = (Long) attributes.get("size");
        if (size > MAX_PID_FILE_BYTES) {
            return Optional.of("holds " + size + " bytes, more than the " + MAX_PID_FILE_BYTES
                    + " of a process id, so it is not read");
        }
        return Optional.empty();
    }

    /** At most {@value #MAX_PID_FILE_BYTES} + 1 bytes, without following a link swapped in meanwhile. */
    private String readBounded() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_PID_FILE_BYTES + 1);
        try (SeekableByteChannel channel = Files.newByteChannel(pidFile,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading up to the limit
            }
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    }

    /** Why the process is not the one that wrote the pid file, or empty when it may well be. */
    private Optional<String> notTheHomeserver(ProcessIdentity process, int pidFileOwner, Instant pidFileWritten) {
        if (process.realUid() != pidFileOwner && process.effectiveUid() != pidFileOwner) {
            return Optional.of("it runs as uid " + process.effectiveUid() + ", but the pid file belongs to uid "
                    + pidFileOwner + STALE);
        }
        if (process.started().isAfter(pidFileWritten.plusSeconds(START_TOLERANCE_SECONDS))) {
            return Optional.of("it started at " + process.started() + ", after the pid file was last written at "
                    + pidFileWritten + STALE);
        }
        String commandLine = process.commandLine().toLowerCase(Locale.ROOT);
        if (!commandLine.contains(processMatch.toLowerCase(Locale.ROOT))) {
            return Optional.of("its command line does not mention '" + processMatch + "'" + STALE
                    + "; if the homeserver runs under another name, set acme.reload.process_match");
        }
        return Optional.empty();
    }
}
