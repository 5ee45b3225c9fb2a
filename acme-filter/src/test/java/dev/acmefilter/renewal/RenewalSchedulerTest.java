package dev.acmefilter.renewal;

import dev.acmefilter.state.RenewalState;
import dev.acmefilter.state.StateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RenewalSchedulerTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    /** Each test's clock, at {@link #T0} until the test moves it. */
    private final SimulatedClock clock = new SimulatedClock();

    /** A clock the test moves. */
    static final class SimulatedClock extends Clock {
        Instant now = T0;
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** A check of cert.pem [example.org] that counts its runs; each kind of check says how a run ends. */
    abstract static class CountedCheck implements RenewalCheck {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public final Outcome check() throws Exception {
            runs.incrementAndGet();
            return run();
        }

        abstract Outcome run() throws Exception;

        @Override
        public String describe() {
            return "cert.pem [example.org]";
        }
    }

    /** A check that always fails like a CA that cannot validate. */
    static final class FailingCheck extends CountedCheck {
        Instant retryAfter;

        @Override
        Outcome run() throws Failure {
            throw new Failure("http-01 validation of example.org failed: urn:ietf:params:acme:error:connection",
                    retryAfter);
        }

        @Override
        public String failureKind(Exception failure) {
            return failure instanceof Failure ? "validation" : "internal";
        }
    }

    static final class Failure extends Exception implements RenewalCheck.RetryAfter {
        private final Instant retryAfter;

        Failure(String message, Instant retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Instant> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }

    private StateFile state() {
        return new StateFile(dir.resolve("acme-state.properties"));
    }

    @Test
    void aFailingHourMakesSixAttemptsNotAThousand() throws Exception {
        FailingCheck check = new FailingCheck();
        RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0.5);
        List<Instant> attempts = new ArrayList<>();
        try {
            Instant next = T0;
            while (next.isBefore(T0.plus(Duration.ofHours(1)))) {
                clock.now = next;
                attempts.add(next);
                next = scheduler.runOnce();
            }
        } finally {
            scheduler.close();
        }

        // 1, 2, 4, 8, 16 minutes (+10% jitter here): attempts at 0, 1.1, 3.3, 7.7, 16.5, 34.1 min
        assertThat(check.runs.get()).isEqualTo(6);
        for (int i = 1; i < attempts.size(); i++) {
            Duration gap = Duration.between(attempts.get(i - 1), attempts.get(i));
            assertThat(gap).as("gap before attempt %d", i + 1).isGreaterThanOrEqualTo(Backoff.nominal(i));
        }
        RenewalState saved = state().load();
        assertThat(saved.consecutiveFailures()).isEqualTo(6);
        assertThat(saved.lastError()).contains("urn:ietf:params:acme:error:connection");
        assertThat(saved.lastErrorKind()).as("the check's word for its failure").isEqualTo("validation");
        assertThat(scheduler.failedChecksByKind()).isEqualTo(java.util.Map.of("validation", 6L));
    }

    @Test
    void theCasRetryAfterIsNeverUndercut() throws Exception {
        FailingCheck check = new FailingCheck();
        check.retryAfter = T0.plus(Duration.ofHours(3));
        try (RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0)) {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Duration.ofHours(3)));
        }
    }

    @Test
    void aRestartInsideTheBackoffWaitsForIt() throws Exception {
        FailingCheck check = new FailingCheck();
        RenewalScheduler first = new RenewalScheduler(check, state(), clock, () -> 0);
        first.runOnce();
        first.runOnce(); // two failures: the next attempt is 2 minutes away
        first.close();
        clock.now = T0.plusSeconds(30); // the webapp is redeployed 30 s later

        RenewalScheduler second = new RenewalScheduler(check, state(), clock, () -> 0);
        second.start();
        Thread.sleep(300);
        second.close();

        assertThat(check.runs.get()).as("no attempt before the persisted next attempt").isEqualTo(2);
        assertThat(state().load().nextAttempt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    }

    @Test
    void afterASuccessTheNextCheckIsAtTheRenewalMomentButWithinTwelveHours() throws Exception {
        Instant[] renewAt = {T0.plus(Duration.ofDays(60))};
        RenewalCheck ok = new RenewalCheck() {
            @Override public Outcome check() { return new Outcome(renewAt[0], Optional.empty(), "kept"); }
            @Override public String describe() { return "cert"; }
            @Override public String failureKind(Exception failure) { return "internal"; }
        };
        try (RenewalScheduler scheduler = new RenewalScheduler(ok, state(), clock, () -> 0)) {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(RenewalScheduler.CHECK_INTERVAL));
            renewAt[0] = T0.plus(Duration.ofHours(3));
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Duration.ofHours(3)));
            renewAt[0] = T0.minusSeconds(5); // a check that keeps saying "now" still waits a minute
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        }
        assertThat(state().load().consecutiveFailures()).isZero();
        assertThat(state().load().lastSuccess()).isEqualTo(T0);
    }

    @Test
    void aRetryAfterLongerThanTheCeilingIsHonouredAfterSuccessToo() {
        try (RenewalScheduler scheduler = new RenewalScheduler(new FailingCheck(), state(), clock, () -> 0)) {
            Duration next = scheduler.afterSuccess(new RenewalCheck.Outcome(T0.plus(Duration.ofDays(30)),
                    Optional.of(T0.plus(Duration.ofHours(20))), "kept"));
            assertThat(next).isEqualTo(Duration.ofHours(20));
        }
    }

    @Test
    void aCheckBrokenByTheApplicationStoppingCostsNoBackoff() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        RenewalCheck slow = new RenewalCheck() {
            @Override public Outcome check() throws Exception {
                entered.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    // what an HTTP client interrupted mid-request may throw instead
                    throw new java.io.IOException("request interrupted", e);
                }
                return new Outcome(T0, Optional.empty(), "never");
            }
            @Override public String describe() { return "cert"; }
            @Override public String failureKind(Exception failure) { return "network"; }
        };
        RenewalScheduler scheduler = new RenewalScheduler(slow, state(), Clock.systemUTC(), () -> 0);
        scheduler.start();
        assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        scheduler.close(); // undeploy

        RenewalState saved = state().load();
        assertThat(saved.consecutiveFailures()).isZero();
        assertThat(saved.lastError()).isNull();
        assertThat(saved.lastErrorKind()).isNull();
        assertThat(scheduler.failedChecksByKind()).isEmpty();
    }

    @Test
    void aSuccessResetsTheFailureCount() throws Exception {
        boolean[] fail = {true};
        RenewalCheck flaky = new RenewalCheck() {
            @Override public Outcome check() throws Exception {
                if (fail[0]) {
                    throw new Failure("down", null);
                }
                return new Outcome(T0.plus(Duration.ofDays(30)), Optional.empty(), "issued");
            }
            @Override public String describe() { return "cert"; }
            @Override public String failureKind(Exception failure) { return "network"; }
        };
        try (RenewalScheduler scheduler = new RenewalScheduler(flaky, state(), clock, () -> 0)) {
            scheduler.runOnce();
            scheduler.runOnce();
            assertThat(state().load().lastErrorKind()).isEqualTo("network");
            fail[0] = false;
            scheduler.runOnce();
            assertThat(state().load().lastErrorKind()).as("a success clears the kind with the error").isNull();
            fail[0] = true;
            Instant next = scheduler.runOnce();
            assertThat(next).as("the backoff starts over at 1 minute").isEqualTo(T0.plus(Duration.ofMinutes(1)));
            assertThat(scheduler.failedChecksByKind()).as("counted since the start, not reset by a success")
                    .isEqualTo(java.util.Map.of("network", 3L));
        }
    }

    // ---------------------------------------------------------------- the gate (a cluster's lease)

    /** A check that keeps the certificate; or, with {@code yields}, is handed over. */
    static final class CountingCheck extends CountedCheck {
        boolean yields;

        @Override
        Outcome run() throws Exception {
            if (yields) {
                throw new Exception("Stopped ordering", new HandedOver());
            }
            return new Outcome(T0.plus(Duration.ofDays(30)), Optional.empty(), "kept");
        }

        @Override
        public String failureKind(Exception failure) {
            return "internal";
        }
    }

    static final class HandedOver extends java.io.IOException implements RenewalCheck.Yielded {
        HandedOver() {
            super("node fe1 lost the lease of default");
        }
    }

    @Test
    void whileAnotherNodeHoldsTheGateTheCheckWaitsForItsLeaseWithoutAFailure() throws Exception {
        CountingCheck check = new CountingCheck();
        CheckGate busy = () -> new CheckGate.Busy("fe2", T0.plusSeconds(30));
        try (RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0.5, null, busy)) {
            Instant next = scheduler.runOnce();

            assertThat(next).isBetween(T0.plusSeconds(30), T0.plusSeconds(31));
            assertThat(check.runs.get()).isZero();
            assertThat(state().load()).isEqualTo(RenewalState.INITIAL);
            assertThat(scheduler.failedChecks()).isZero();
        }
    }

    @Test
    void aGateThatCannotBeEnteredIsAFailedCheckWithTheUsualBackoff() throws Exception {
        CountingCheck check = new CountingCheck();
        CheckGate unreachable = () -> {
            throw new IllegalStateException("Cluster database jdbc:postgresql://db/synapse unreachable");
        };
        try (RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0, null, unreachable)) {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Backoff.FIRST));

            assertThat(check.runs.get()).isZero();
            assertThat(state().load().consecutiveFailures()).isEqualTo(1);
            assertThat(scheduler.state().lastError()).contains("unreachable");
            assertThat(scheduler.lastFailure()).isPresent();
        }
    }

    @Test
    void underThePassTheStateIsThePassesAndABackoffAnotherNodeSavedHolds() throws Exception {
        CountingCheck check = new CountingCheck();
        StateFile shared = new StateFile(dir.resolve("shared.properties"));
        shared.update(s -> s.failed(T0.plus(Duration.ofMinutes(10)), "rate limited", "rate_limited"));
        shared.update(s -> s.failed(T0.plus(Duration.ofMinutes(10)), "rate limited", "rate_limited"));
        AtomicInteger released = new AtomicInteger();
        CheckGate lease = () -> new CheckGate.Pass(shared, true, released::incrementAndGet);
        try (RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0, null, lease)) {
            assertThat(scheduler.runOnce()).as("the shared backoff").isEqualTo(T0.plus(Duration.ofMinutes(10)));
            assertThat(check.runs.get()).isZero();
            assertThat(released.get()).isEqualTo(1);

            clock.now = T0.plus(Duration.ofMinutes(10));
            scheduler.runOnce();

            assertThat(check.runs.get()).isEqualTo(1);
            assertThat(released.get()).isEqualTo(2);
            assertThat(shared.load().consecutiveFailures()).isZero();
            assertThat(shared.load().lastSuccess()).isEqualTo(clock.now);
            assertThat(state().load()).as("the scheduler's own store is not written under a pass")
                    .isEqualTo(RenewalState.INITIAL);
        }
    }

    @Test
    void aCheckHandedOverToAnotherNodeIsNoFailure() throws Exception {
        CountingCheck check = new CountingCheck();
        check.yields = true;
        try (RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0)) {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(RenewalScheduler.MIN_INTERVAL));

            assertThat(check.runs.get()).isEqualTo(1);
            assertThat(state().load().consecutiveFailures()).isZero();
            assertThat(scheduler.failedChecks()).isZero();
        }
    }
}
