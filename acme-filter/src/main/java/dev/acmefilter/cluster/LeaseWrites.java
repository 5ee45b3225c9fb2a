package dev.acmefilter.cluster;

import dev.acmefilter.provision.LeaseLostException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * A write to shared state under a lease, tried again while the database is unreachable and
 * the lease still holds (a database restart, a fail-over: seconds), so that a short outage
 * in the middle of an order does not fail it. A stale lease is {@link LeaseLostException}
 * at once; an outage that outlasts the lease is an {@link IOException}.
 */
final class LeaseWrites {

    private static final System.Logger LOG = System.getLogger(LeaseWrites.class.getName());
    static final Duration PAUSE = Duration.ofMillis(500);

    /** A write that may fail with a {@link ClusterException}. */
    @FunctionalInterface
    interface Write<T> {
        T run();
    }

    private LeaseWrites() {
    }

    static <T> T retry(Lease lease, String what, Write<T> write) throws IOException {
        boolean logged = false;
        while (true) {
            try {
                return write.run();
            } catch (StaleLeaseException e) {
                throw new LeaseLostException(e.getMessage(), e);
            } catch (ClusterUnavailableException e) {
                if (!lease.isHeld()) {
                    throw new IOException("Cannot " + what + ": " + e.getMessage() + "; the lease of "
                            + lease.certificateId() + " ran out meanwhile (" + lease.expiresAt() + ")", e);
                }
                if (!logged) {
                    LOG.log(Level.WARNING, "Cannot {0} now ({1}); trying again until the lease of {2} runs out at {3}",
                            what, e.getMessage(), lease.certificateId(), lease.expiresAt());
                    logged = true;
                }
                try {
                    Thread.sleep(PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while trying to " + what, interrupted);
                }
            } catch (ClusterException e) {
                throw new IOException("Cannot " + what + ": " + e.getMessage(), e);
            }
        }
    }
}
