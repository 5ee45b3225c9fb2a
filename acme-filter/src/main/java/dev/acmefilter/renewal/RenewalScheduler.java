package dev.acmefilter.renewal;

import dev.acmefilter.state.RenewalState;
import dev.acmefilter.state.RenewalStateStore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Runs a {@link RenewalCheck} (the check's) again and again, in one daemon thread:
 * after a success at the renewal moment or after {@link #CHECK_INTERVAL}, whichever comes
 * first (Synapse checked daily; we check at least twice a day), and never sooner than the
 * CA's {@code Retry-After}; after a failure on the {@link Backoff}. The plan is persisted in
 * the {@link RenewalStateStore} (a state file on one host), so a restart or a redeploy inside
 * a backoff waits for it. {@link #close()} stops the thread: an undeploy leaves nothing running.
 *
 * <p>Each check first enters the {@link CheckGate}: on one host it is always open; in a
 * cluster it is the certificate's lease. While another node holds it ({@link CheckGate.Busy})
 * the check is put off until that lease ends, without a backoff; while the pass is held the
 * state is read and written where the pass says (the cluster database, fenced by the lease),
 * and a backoff another node saved there is honoured.
 */
public final class RenewalScheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RenewalScheduler.class.getName());

    /** Longest time between two checks while all is well. */
    public static final Duration CHECK_INTERVAL = Duration.ofHours(12);
    /** Shortest time between two checks, whatever the certificate says. */
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

    /** Shortest wait before looking again at a certificate another node is checking. */
    static final Duration BUSY_MIN = Duration.ofSeconds(1);

    private final RenewalCheck check;
    private final RenewalStateStore stateFile;
    private final CheckGate gate;
    private volatile RenewalStateStore held;
    private final Clock clock;
    private final DoubleSupplier random;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private volatile ScheduledFuture<?> next;
    private volatile RenewalCheck.Outcome lastResult;
    private volatile Exception lastFailure;
    private final AtomicLong failedChecks = new AtomicLong();
    private final Map<String, AtomicLong> failuresByKind = new ConcurrentHashMap<>();
    private final List<CheckListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    public RenewalScheduler(RenewalCheck check, RenewalStateStore stateFile, Clock clock) {
        this(check, stateFile, clock, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * A scheduler whose checks run on {@code shared}, a pool that several certificates'
     * schedulers use: its size bounds how many orders run at once. The pool's owner shuts
     * it down; {@link #close()} only cancels this scheduler's next check.
     */
    public RenewalScheduler(RenewalCheck check, RenewalStateStore stateFile, Clock clock,
                            ScheduledExecutorService shared) {
        this(check, stateFile, clock, () -> ThreadLocalRandom.current().nextDouble(), shared,
                CheckGate.open(stateFile));
    }

    /**
     * A scheduler on a shared pool whose checks pass {@code gate} first (a cluster's lease);
     * {@code stateFile} is the state read when no pass is held (status, the plan at start) and
     * written when the gate could not be entered.
     */
    public RenewalScheduler(RenewalCheck check, RenewalStateStore stateFile, Clock clock,
                            ScheduledExecutorService shared, CheckGate gate) {
        this(check, stateFile, clock, () -> ThreadLocalRandom.current().nextDouble(), shared, gate);
    }

    RenewalScheduler(RenewalCheck check, RenewalStateStore stateFile, Clock clock, DoubleSupplier random) {
        this(check, stateFile, clock, random, null, CheckGate.open(stateFile));
    }

    RenewalScheduler(RenewalCheck check, RenewalStateStore stateFile, Clock clock, DoubleSupplier random,
                     ScheduledExecutorService shared, CheckGate gate) {
        this.gate = java.util.Objects.requireNonNull(gate, "gate");
        this.random = random;
        this.check = check;
        this.stateFile = stateFile;
        this.clock = clock;
        this.ownsExecutor = shared == null;
        this.executor = shared != null ? shared : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "acme-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts checking: at once, or when the persisted plan says (a backoff in progress). */
    public void start() {
        RenewalState state = stateFile.load();
        Instant now = clock.instant();
        Optional<Instant> planned = state.nextAttemptTime().filter(t -> t.isAfter(now));
        if (planned.isPresent() && state.consecutiveFailures() > 0) {
            LOG.log(Level.INFO, "{0} failed attempt(s) before this start (last: {1}); waiting until {2} before the"
                    + " next attempt", state.consecutiveFailures(), state.lastError(), planned.get());
            schedule(Duration.between(now, planned.get()));
        } else {
            // after a success the files are checked at once at start: they may have changed meanwhile
            schedule(Duration.ZERO);
        }
    }

    private void schedule(Duration delay) {
        if (!executor.isShutdown() && !closing) {
            try {
                next = executor.schedule(this::checkAndReschedule, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the shared pool is shutting down: nothing more to schedule
            }
        }
    }

    private void checkAndReschedule() {
        try {
            Instant next = runOnce();
            schedule(Duration.between(clock.instant(), next));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.INFO, "Certificate check interrupted: the application is stopping");
        } catch (RuntimeException e) {
            // a bug or a store that failed outside the check: the loop must go on, as after a failure
            LOG.log(Level.ERROR, "Certificate check of {0} broke off: {1}; next attempt in {2} min",
                    check.describe(), e.toString(), Backoff.FIRST.toMinutes());
            schedule(Backoff.FIRST);
        }
    }

    /**
     * One check, with its bookkeeping: through the gate, then the attempt, then success or
     * failure saved in the state, logged once with what happens next.
     *
     * @return when the next check is due
     */
    Instant runOnce() throws InterruptedException {
        CheckGate.Entry entry;
        try {
            entry = gate.enter();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return failed(e, stateFile); // e.g. the cluster database is unreachable: nobody may order
        }
        if (entry instanceof CheckGate.Busy busy) {
            Instant now = clock.instant();
            Instant at = busy.until().isAfter(now.plus(BUSY_MIN)) ? busy.until() : now.plus(BUSY_MIN);
            at = at.plusMillis((long) (BUSY_MIN.toMillis() * random.getAsDouble()));
            LOG.log(Level.INFO, "Certificate {0} is being checked by node {1} (lease until {2}); looking again at {3}",
                    check.describe(), busy.holder(), busy.until(), at);
            return at;
        }
        CheckGate.Pass pass = (CheckGate.Pass) entry;
        held = pass.state();
        try {
            if (pass.sharedPlan()) {
                RenewalState shared = pass.state().load();
                Instant now = clock.instant();
                Optional<Instant> planned = shared.nextAttemptTime().filter(t -> t.isAfter(now));
                if (shared.consecutiveFailures() > 0 && planned.isPresent()) {
                    LOG.log(Level.INFO, "Certificate {0}: {1} failed attempt(s) in the cluster (last: {2}); waiting"
                            + " until {3} as the shared backoff says", check.describe(),
                            shared.consecutiveFailures(), shared.lastError(), planned.get());
                    return planned.get();
                }
            }
            return runCheck(pass.state());
        } finally {
            held = null;
            pass.close();
        }
    }

    private Instant runCheck(RenewalStateStore state) throws InterruptedException {
        Instant start = clock.instant();
        save(state, s -> s.attempted(start));
        try {
            RenewalCheck.Outcome result = check.check();
            lastResult = result;
            lastFailure = null;
            Instant at = clock.instant().plus(afterSuccess(result));
            save(state, s -> s.succeeded(clock.instant(), at));
            LOG.log(Level.INFO, "Next certificate check at {0}", at);
            tellListeners(Optional.of(result), Optional.empty(), state);
            return at;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (closing || Thread.currentThread().isInterrupted()) {
                // our own shutdown broke the check: not the CA's fault, so no backoff for the next start
                LOG.log(Level.INFO, "Certificate check of {0} stopped: the application is stopping ({1})",
                        check.describe(), e.toString());
                throw new InterruptedException("stopping");
            }
            if (yielded(e)) {
                Instant at = clock.instant().plus(MIN_INTERVAL);
                LOG.log(Level.INFO, "Certificate check of {0} handed over: {1}; looking again at {2}",
                        check.describe(), e.getMessage(), at);
                return at;
            }
            return failed(e, state);
        }
    }

    /** Saves and reports a failed check; returns when to try again. */
    private Instant failed(Exception e, RenewalStateStore state) {
        Optional<Instant> retryAfter = e instanceof RenewalCheck.RetryAfter r ? r.retryAfter() : Optional.empty();
        int failures = state.load().consecutiveFailures() + 1;
        Instant at = Backoff.next(clock.instant(), failures, retryAfter, random);
        String message = describe(e);
        String kind = check.failureKind(e);
        save(state, s -> s.failed(at, message, kind));
        LOG.log(Level.ERROR, "Certificate check of {0} failed ({1} in a row): {2}; next attempt at {3}",
                check.describe(), failures, message, at);
        if (!(e instanceof RenewalCheck.RetryAfter)) {
            LOG.log(Level.DEBUG, "Stack trace of the failure", e);
        }
        lastFailure = e;
        failedChecks.incrementAndGet();
        failuresByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        tellListeners(Optional.empty(), Optional.of(e), state);
        return at;
    }

    private static boolean yielded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RenewalCheck.Yielded) {
                return true;
            }
        }
        return false;
    }

    /** Work done through the gate, outside the schedule. */
    @FunctionalInterface
    public interface GateWork<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work} once through this certificate's gate, as a check would but outside
     * the schedule and without its bookkeeping: an admin's "renew now" in a cluster holds the
     * lease while it orders. On one host the gate is always open.
     *
     * @throws CheckGate.BusyException when another node holds the gate now
     * @throws Exception               what entering the gate or {@code work} threw
     */
    public <T> T passGate(GateWork<T> work) throws Exception {
        CheckGate.Entry entry = gate.enter();
        if (entry instanceof CheckGate.Busy busy) {
            throw new CheckGate.BusyException(busy);
        }
        try (CheckGate.Pass pass = (CheckGate.Pass) entry) {
            return work.run();
        }
    }

    /** Until the renewal moment, but no longer than the check interval, nor sooner than the CA allows. */
    Duration afterSuccess(RenewalCheck.Outcome result) {
        Instant now = clock.instant();
        Duration ceiling = CHECK_INTERVAL;
        if (result.retryAfter().isPresent()) {
            Duration asked = Duration.between(now, result.retryAfter().get());
            if (asked.compareTo(ceiling) > 0) {
                ceiling = asked;
            }
        }
        Duration untilRenewal = Duration.between(now, result.renewAt());
        Duration next = untilRenewal.compareTo(ceiling) < 0 ? untilRenewal : ceiling;
        return next.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : next;
    }

    private static String describe(Exception e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        return e instanceof RenewalCheck.RetryAfter ? message : e.getClass().getSimpleName() + ": " + message;
    }

    private static void save(RenewalStateStore state, java.util.function.UnaryOperator<RenewalState> change) {
        try {
            state.update(change);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot save the renewal state to {0}: {1}", state.describe(), e.toString());
        }
    }

    /** Adds a listener told after each check; add it before {@link #start()}. */
    public void addListener(CheckListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    private void tellListeners(Optional<RenewalCheck.Outcome> outcome, Optional<Exception> failure,
                               RenewalStateStore state) {
        if (listeners.isEmpty()) {
            return;
        }
        CheckListener.Report report = new CheckListener.Report(clock.instant(), outcome, failure, state.load());
        for (CheckListener listener : listeners) {
            try {
                listener.afterCheck(report);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A listener of the certificate check of {0} failed (renewal goes on): {1}",
                        check.describe(), e.toString());
            }
        }
    }

    /** Why the last check failed, when it did (cleared by a success); this process's, not persisted. */
    public Optional<Exception> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Checks that failed since this scheduler was created. */
    public long failedChecks() {
        return failedChecks.get();
    }

    /**
     * Checks that failed since this scheduler was created, by {@link RenewalCheck#failureKind
     * kind}, in the order of the kinds' names; kinds that never failed are absent.
     */
    public Map<String, Long> failedChecksByKind() {
        Map<String, Long> counts = new TreeMap<>();
        failuresByKind.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    public Optional<RenewalCheck.Outcome> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    /** The persisted plan: last attempt, failures, next attempt, last error. */
    public RenewalState state() {
        return stateStore().load();
    }

    /**
     * Where the state is read and written now: during a check, where its pass says (in a
     * cluster, the database under the lease); else the scheduler's own store. Listeners that
     * save state (alerts) save it here.
     */
    public RenewalStateStore stateStore() {
        RenewalStateStore now = held;
        return now != null ? now : stateFile;
    }

    /**
     * Stops the thread, interrupting an order in progress; waits up to 10 s for it. On a
     * shared pool, cancels this certificate's next or running check; the pool's owner waits.
     */
    @Override
    public void close() {
        closing = true;
        if (!ownsExecutor) {
            ScheduledFuture<?> pending = next;
            if (pending != null) {
                pending.cancel(true);
            }
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "The certificate check did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
