package dev.acmefilter.reload;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs one child process with a time limit: its output (stdout and stderr together) is
 * drained into an {@link OutputTail}, and when the limit passes the process and
 * everything it started are killed, so a hung {@code systemctl} cannot hold up renewals.
 * The child gets exactly the environment it is given ({@link HookEnvironment}), never this
 * process's whole one. Used for the reload signal, the reload command and the alert command.
 */
public final class ProcessRunner {

    /** How much of the output ends up in a message. */
    public static final int TAIL_BYTES = 1000;
    private static final long READER_GRACE_MILLIS = 2000;

    /**
     * How a run ended.
     *
     * @param exitCode the exit code; -1 after a timeout
     * @param timedOut whether the process was killed for taking too long
     * @param tail     the end of its output, on one line
     */
    public record Outcome(int exitCode, boolean timedOut, String tail) {
        /** {@code ": <tail>"}, or nothing for a silent process. */
        public String tailSuffix() {
            return tail.isEmpty() ? "" : ": " + tail;
        }
    }

    private ProcessRunner() {
    }

    /**
     * @param command     the program and its arguments
     * @param environment the child's whole environment: nothing of this process's own is
     *                    inherited (build it with {@link HookEnvironment})
     * @param timeout     how long it may run
     * @throws IOException when the program cannot be started
     */
    public static Outcome run(List<String> command, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close(); // no input: a hook that reads stdin sees its end at once
        OutputTail tail = new OutputTail(TAIL_BYTES);
        Thread reader = new Thread(() -> tail.drain(process.getInputStream()), "acme-hook-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (!finished) {
            killTree(process);
        }
        // a background child may still hold the pipe open: do not wait for it for ever
        reader.join(READER_GRACE_MILLIS);
        return new Outcome(finished ? process.exitValue() : -1, !finished, tail.text());
    }

    /** Kills the process and its descendants (found first: once the parent is gone they are re-parented). */
    private static void killTree(Process process) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
