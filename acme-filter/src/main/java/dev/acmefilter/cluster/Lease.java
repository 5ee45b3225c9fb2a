package dev.acmefilter.cluster;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A granted lease of one certificate ({@link Leases#tryAcquire}): the right to order it
 * while {@link #isHeld()}, and the {@link #fencingToken()} that every write to shared state
 * carries. Close it (try-with-resources) to release it.
 *
 * <p>{@link #isHeld()} is this node's own, conservative view: false once released, once a
 * heartbeat found it taken over, and once its expiry passed without a successful heartbeat
 * (the database may be unreachable: then the lease is assumed lost, since another node may
 * take it after the expiry). The database has the last word: a fenced write with a stale
 * token is refused whatever this handle says.
 */
public final class Lease implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Lease.class.getName());

    private final Leases leases;
    private final String certificateId;
    private final long fencingToken;
    private volatile Instant expiresAt;
    private volatile boolean lost;
    private volatile boolean released;
    private volatile ScheduledFuture<?> heartbeat;

    Lease(Leases leases, String certificateId, long fencingToken, Instant expiresAt) {
        this.leases = leases;
        this.certificateId = certificateId;
        this.fencingToken = fencingToken;
        this.expiresAt = expiresAt;
    }

    public String certificateId() {
        return certificateId;
    }

    /** Increases with every grant of this certificate's lease, cluster-wide. */
    public long fencingToken() {
        return fencingToken;
    }

    /** Until when the lease holds without another heartbeat. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** Whether this node may still act on the lease (see the class comment). */
    public boolean isHeld() {
        return !released && !lost && leases.clock().instant().isBefore(expiresAt);
    }

    /**
     * Renews the lease for another {@link Leases#duration()}.
     *
     * @return whether the lease is still held; false for good once the database said it
     *         was lost. When the database is unreachable the lease stays held until its expiry.
     */
    public boolean heartbeat() {
        if (released || lost) {
            return false;
        }
        try {
            Optional<Instant> renewed = leases.renew(this);
            if (renewed.isPresent()) {
                expiresAt = renewed.get();
            } else {
                lost = true;
                LOG.log(Level.WARNING, "Lost the lease of {0} (fencing token {1}): another node took it over or it"
                        + " expired", certificateId, fencingToken);
            }
        } catch (ClusterException e) {
            LOG.log(Level.WARNING, "Cannot renew the lease of {0}: {1}; it holds until {2}", certificateId,
                    e.getMessage(), expiresAt);
        }
        return isHeld();
    }

    /**
     * Heartbeats every third of the lease on {@code executor} until the lease is released
     * or lost, so that an order longer than the lease keeps it.
     */
    public Lease keepAlive(ScheduledExecutorService executor) {
        long period = Math.max(1, leases.duration().toMillis() / 3);
        heartbeat = executor.scheduleWithFixedDelay(() -> {
            if (!heartbeat()) {
                ScheduledFuture<?> self = heartbeat;
                if (self != null) {
                    self.cancel(false);
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Frees the lease for the next node at once. When the database is unreachable it is
     * freed by its expiry instead. Idempotent.
     */
    public void release() {
        if (released) {
            return;
        }
        released = true;
        ScheduledFuture<?> beat = heartbeat;
        if (beat != null) {
            beat.cancel(false);
        }
        if (!lost) {
            try {
                leases.release(this);
            } catch (ClusterException e) {
                LOG.log(Level.WARNING, "Cannot release the lease of {0}: {1}; it frees itself at {2}", certificateId,
                        e.getMessage(), expiresAt);
            }
        }
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "Lease[" + certificateId + ", token " + fencingToken + ", until " + expiresAt
                + (released ? ", released" : lost ? ", lost" : "") + "]";
    }
}
