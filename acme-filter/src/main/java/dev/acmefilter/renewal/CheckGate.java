package dev.acmefilter.renewal;

import dev.acmefilter.state.RenewalStateStore;

import java.time.Instant;
import java.util.Objects;

/**
 * What a certificate check must pass before it runs: on one host nothing ({@link #open}); in
 * a cluster, the certificate's lease, so that one node at a time checks and orders it. The
 * {@link RenewalScheduler} enters the gate before each check and leaves it after: a
 * {@link Pass} says where the state is kept while it is held; {@link Busy} means another
 * node is at it, and the scheduler looks again when its lease ends, without counting a
 * failure. A gate that cannot decide (the cluster database is unreachable) throws: that is
 * a failed check, with the usual backoff.
 */
@FunctionalInterface
public interface CheckGate {

    /**
     * Enters the gate.
     *
     * @return a {@link Pass} (close it when the check is over) or {@link Busy}
     * @throws Exception when the gate cannot be entered now (the check counts as failed)
     */
    Entry enter() throws Exception;

    /** A gate that always lets the check through, its state kept in {@code state}: one host. */
    static CheckGate open(RenewalStateStore state) {
        Objects.requireNonNull(state, "state");
        return () -> new Pass(state, false, () -> { });
    }

    /** What entering the gate gave. */
    sealed interface Entry permits Pass, Busy {
    }

    /**
     * The check may run; {@link #close()} leaves the gate (in a cluster: releases the lease).
     *
     * @param state      where the check reads and writes its state while the pass is held
     * @param sharedPlan whether the state is shared with other nodes, so that a backoff one
     *                   of them saved holds here too (the scheduler then waits for it)
     * @param release    what leaving the gate does
     */
    record Pass(RenewalStateStore state, boolean sharedPlan, Runnable release) implements Entry, AutoCloseable {
        public Pass {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(release, "release");
        }

        @Override
        public void close() {
            release.run();
        }
    }

    /** Thrown by {@link RenewalScheduler#passGate} when another node holds the gate. */
    final class BusyException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Busy busy;

        public BusyException(Busy busy) {
            super("node " + busy.holder() + " is checking this certificate now (its lease runs until " + busy.until()
                    + ")");
            this.busy = busy;
        }

        public Busy busy() {
            return busy;
        }
    }

    /**
     * Another node checks this certificate now: look again at {@code until}.
     *
     * @param holder who holds it, for log lines and status
     * @param until  when its lease ends unless renewed
     */
    record Busy(String holder, Instant until) implements Entry {
        public Busy {
            Objects.requireNonNull(holder, "holder");
            Objects.requireNonNull(until, "until");
        }
    }
}
