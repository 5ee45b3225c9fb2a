package dev.acmefilter.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gate a test closes to stop the CA's validation requests in flight (so that the node that
 * placed an order stands still between triggering its challenges and finalizing) and opens
 * again. Open when made. Used by the cluster tests' challenge store and the cluster IT's proxy.
 */
public final class Gate {

    private volatile CountDownLatch latch = new CountDownLatch(0);
    private final AtomicInteger waiting = new AtomicInteger();

    /** From now on, {@link #pass(Duration)} waits until {@link #release()}. */
    public void hold() {
        latch = new CountDownLatch(1);
    }

    /** Lets every waiting and later request through. */
    public void release() {
        latch.countDown();
    }

    /** How many requests wait at the gate now. */
    public int waiting() {
        return waiting.get();
    }

    /**
     * Waits while the gate is held, at most {@code timeout}.
     *
     * @return true when the gate is open; false after the timeout or an interrupt (whose
     *         status is kept): the request is then dropped
     */
    public boolean pass(Duration timeout) {
        waiting.incrementAndGet();
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.decrementAndGet();
        }
    }
}
