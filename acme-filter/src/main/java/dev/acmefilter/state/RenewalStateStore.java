package dev.acmefilter.state;

import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * Where the {@link RenewalState} of one certificate is kept: a {@link StateFile} on one host,
 * the cluster database when several nodes share the certificate. The renewal loop, the alerts
 * and the status read and change the state through this seam only, so that they work the
 * same on one host and in a cluster.
 */
public interface RenewalStateStore {

    /** The state now; {@link RenewalState#INITIAL} when none was saved. Never fails: an unreadable state is a fresh one. */
    RenewalState load();

    /**
     * Applies {@code change} to the current state and saves the result. {@code change} may
     * run more than once (a retried transaction): it must only compute.
     *
     * @throws IOException when the state cannot be saved (the disk, or the database, or the
     *                     lease that allows writing it is lost); nothing was changed
     */
    RenewalState update(UnaryOperator<RenewalState> change) throws IOException;

    /** Where the state is kept, for log lines: a file, or the cluster database. */
    String describe();
}
