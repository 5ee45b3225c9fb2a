package dev.acmefilter.alert;

import dev.acmefilter.reload.HookEnvironment;
import dev.acmefilter.reload.ProcessRunner;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs {@code acme.alerts.command} with {@code /bin/sh -c}, the alert in its environment
 * ({@link Alert#environment()}), with the same time limit and output handling as the reload
 * command: killed with its children after the timeout, only the end of its output reported.
 * Like the reload command it gets a minimal environment ({@link HookEnvironment}: PATH, the
 * alert's {@code ACME_*} variables and what {@code acme.alerts.env} lists).
 */
final class CommandChannel implements AlertChannel {

    private final String command;
    private final Duration timeout;
    private final List<String> passThrough;

    CommandChannel(String command, Duration timeout, List<String> passThrough) {
        this.command = command;
        this.timeout = timeout;
        this.passThrough = List.copyOf(passThrough);
    }

    @Override
    public String describe() {
        return "alert command";
    }

    @Override
    public void send(Alert alert) throws IOException, InterruptedException {
        ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of("/bin/sh", "-c", command),
                    HookEnvironment.of(passThrough, alert.environment()), timeout);
        } catch (IOException e) {
            throw new IOException("cannot be started: " + e.getMessage(), e);
        }
        if (outcome.timedOut()) {
            throw new IOException("timed out after " + timeout.toSeconds() + " s and was killed" + outcome.tailSuffix());
        }
        if (outcome.exitCode() != 0) {
            throw new IOException("exited with " + outcome.exitCode() + outcome.tailSuffix());
        }
    }
}
