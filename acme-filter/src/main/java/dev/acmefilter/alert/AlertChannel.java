package dev.acmefilter.alert;

import java.io.IOException;

/** One way an alert leaves this process: the command or the webhook. */
interface AlertChannel extends AutoCloseable {

    /** What it is, for log lines (never a webhook's path: it may hold a token). */
    String describe();

    /**
     * Delivers the alert, or says why it could not.
     *
     * @throws IOException when the alert did not arrive (the message says why)
     */
    void send(Alert alert) throws IOException, InterruptedException;

    @Override
    default void close() {
    }
}
