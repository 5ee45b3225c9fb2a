package dev.acmefilter.reload;

import java.util.Objects;

/**
 * What a {@link Reloader} did. A failed reload never undoes the write: the new
 * certificate stays on disk and the homeserver picks it up at its next restart.
 *
 * @param ok      whether every configured step (signal, command) succeeded
 * @param message what happened, for the log and status output, such as
 *                {@code "sent HUP to process 123 from /run/synapse.pid"} or
 *                {@code "pid file /run/synapse.pid does not exist"}
 */
public record ReloadResult(boolean ok, String message) {

    public ReloadResult {
        Objects.requireNonNull(message, "message");
    }

    public static ReloadResult ok(String message) {
        return new ReloadResult(true, message);
    }

    public static ReloadResult failed(String message) {
        return new ReloadResult(false, message);
    }
}
