package dev.acmefilter.reload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a running process is, as Linux's {@code /proc} tells it: its user, when it started and
 * its command line. {@link PidFileSignal} compares these with the pid file before it sends a
 * signal, because a pid file outlives its process: after a crash or a reboot the number in it
 * may belong to any other process, and a {@code SIGHUP} kills most programs that do not
 * expect one.
 *
 * <p>The start time is {@code /proc/<pid>/stat}'s field 22 (clock ticks since boot, at the
 * kernel's fixed {@value #CLOCK_TICKS_PER_SECOND} per second for user space) plus the boot
 * time {@code btime} of {@code /proc/stat}, which has a resolution of one second.
 *
 * @param pid          the process id
 * @param realUid      its real user id ({@code Uid:} of {@code /proc/<pid>/status}, first field)
 * @param effectiveUid its effective user id (second field)
 * @param started      when it started, to within a second
 * @param commandLine  its arguments joined by spaces (at most {@value #MAX_COMMAND_LINE} bytes read)
 */
record ProcessIdentity(long pid, int realUid, int effectiveUid, Instant started, String commandLine) {

    /** USER_HZ: what {@code sysconf(_SC_CLK_TCK)} returns on every Linux architecture the JDK runs on. */
    static final int CLOCK_TICKS_PER_SECOND = 100;
    static final int MAX_COMMAND_LINE = 64 * 1024;
    private static final int MAX_PROC_FILE = 64 * 1024;
    private static final Path PROC = Path.of("/proc");

    /**
     * The process with this id, or empty when none runs (or it ended while being read).
     *
     * @throws IOException when {@code /proc} cannot be read or says something unexpected
     */
    static Optional<ProcessIdentity> of(long pid) throws IOException {
        Path dir = PROC.resolve(Long.toString(pid));
        try {
            String status = read(dir.resolve("status"));
            String stat = read(dir.resolve("stat"));
            String commandLine = read(dir.resolve("cmdline")).replace('\0', ' ').strip();
            int[] uids = uids(status, pid);
            return Optional.of(new ProcessIdentity(pid, uids[0], uids[1], started(stat, bootTime(), pid), commandLine));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static int[] uids(String status, long pid) throws IOException {
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] fields = line.substring(4).trim().split("\\s+");
                if (fields.length >= 2) {
                    return new int[] {Integer.parseInt(fields[0]), Integer.parseInt(fields[1])};
                }
            }
        }
        throw new IOException("/proc/" + pid + "/status has no Uid: line");
    }

    /** Field 22 of {@code stat}; the command name (field 2) may hold spaces and parentheses, so count from its end. */
    static Instant started(String stat, long bootEpochSeconds, long pid) throws IOException {
        int close = stat.lastIndexOf(')');
        String[] fields = close < 0 ? new String[0] : stat.substring(close + 1).trim().split("\\s+");
        int index = 22 - 3; // fields[0] is field 3 (the state)
        if (fields.length <= index) {
            throw new IOException("/proc/" + pid + "/stat has no start time");
        }
        try {
            long ticks = Long.parseLong(fields[index]);
            return Instant.ofEpochSecond(bootEpochSeconds).plusMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
        } catch (NumberFormatException e) {
            throw new IOException("/proc/" + pid + "/stat has no start time", e);
        }
    }

    private static long bootTime() throws IOException {
        for (String line : read(PROC.resolve("stat")).split("\n")) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new IOException("/proc/stat has no btime line");
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_PROC_FILE), StandardCharsets.UTF_8);
        }
    }
}
