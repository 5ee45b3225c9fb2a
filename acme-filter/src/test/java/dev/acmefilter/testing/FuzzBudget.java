package dev.acmefilter.testing;

import java.time.Duration;

/**
 * How long one fuzz input may take before it counts as a hang. A parser that needs seconds
 * for a few kilobytes (an alias bomb, a quadratic loop) is a way to stall a start or a
 * request, so fuzz targets check it on every input, in the normal run's corpus replay too.
 * Generous, because the shared 2-core CI machine may be busy: this is about orders of
 * magnitude, not speed. Targets warm up (load and instrument their classes) before the first
 * input, whose time would otherwise include that. A true endless loop is caught by Jazzer's own
 * {@code -timeout} while fuzzing (scripts/fuzz.sh).
 */
public final class FuzzBudget {

    public static final Duration PER_INPUT = Duration.ofSeconds(10);

    private final long start = System.nanoTime();

    private FuzzBudget() {
    }

    public static FuzzBudget start() {
        return new FuzzBudget();
    }

    /** Fails when the input took longer than {@link #PER_INPUT}. */
    public void check(String what) {
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (took.compareTo(PER_INPUT) > 0) {
            throw new AssertionError(what + " took " + took.toMillis() + " ms on one input (a hang?)");
        }
    }
}
