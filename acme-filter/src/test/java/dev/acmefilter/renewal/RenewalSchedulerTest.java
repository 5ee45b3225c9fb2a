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

    /** A clock the test moves. */
    static final class SimulatedClock extends Clock {
        Instant now = T0;
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** A check that always fails like a CA that cannot validate, counting the attempts. */
    static final class FailingCheck implements RenewalCheck {
        final AtomicInteger attempts = new AtomicInteger();
        Instant retryAfter;

        @Override
        public Outcome check() throws Exception {
            attempts.incrementAndGet();
            throw new Failure("http-01 validation of example.org failed: urn:ietf:params:acme:error:connection",
                    retryAfter);
        }

        @Override
        public String describe() {
            return "cert.pem [example.org]";
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
        SimulatedClock clock = new SimulatedClock();
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
        assertThat(check.attempts.get()).isEqualTo(6);
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
        SimulatedClock clock = new SimulatedClock();
        FailingCheck check = new FailingCheck();
        check.retryAfter = T0.plus(Duration.ofHours(3));
        RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0);
        try {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Duration.ofHours(3)));
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aRestartInsideTheBackoffWaitsForIt() throws Exception {
        SimulatedClock clock = new SimulatedClock();
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

        assertThat(check.attempts.get()).as("no attempt before the persisted next attempt").isEqualTo(2);
        assertThat(state().load().nextAttempt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    }

    @Test
    void afterASuccessTheNextCheckIsAtTheRenewalMomentButWithinTwelveHours() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        Instant[] renewAt = {T0.plus(Duration.ofDays(60))};
        RenewalCheck ok = new RenewalCheck() {
            @Override public Outcome check() { return new Outcome(renewAt[0], Optional.empty(), "kept"); }
            @Override public String describe() { return "cert"; }
            @Override public String failureKind(Exception failure) { return "internal"; }
        };
        RenewalScheduler scheduler = new RenewalScheduler(ok, state(), clock, () -> 0);
        try {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(RenewalScheduler.CHECK_INTERVAL));
            renewAt[0] = T0.plus(Duration.ofHours(3));
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Duration.ofHours(3)));
            renewAt[0] = T0.minusSeconds(5); // a check that keeps saying "now" still waits a minute
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        } finally {
            scheduler.close();
        }
        assertThat(state().load().consecutiveFailures()).isZero();
        assertThat(state().load().lastSuccess()).isEqualTo(T0);
    }

    @Test
    void aRetryAfterLongerThanTheCeilingIsHonouredAfterSuccessToo() {
        SimulatedClock clock = new SimulatedClock();
        RenewalScheduler scheduler = new RenewalScheduler(new FailingCheck(), state(), clock, () -> 0);
        try {
            Duration next = scheduler.afterSuccess(new RenewalCheck.Outcome(T0.plus(Duration.ofDays(30)),
                    Optional.of(T0.plus(Duration.ofHours(20))), "kept"));
            assertThat(next).isEqualTo(Duration.ofHours(20));
        } finally {
            scheduler.close();
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
        SimulatedClock clock = new SimulatedClock();
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
        RenewalScheduler scheduler = new RenewalScheduler(flaky, state(), clock, () -> 0);
        try {
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
        } finally {
            scheduler.close();
        }
    }

    // ---------------------------------------------------------------- the gate (a cluster's lease)

    /** A check that counts its runs and keeps the certificate; or, with {@code yields}, is handed over. */
    static final class CountingCheck implements RenewalCheck {
        final AtomicInteger runs = new AtomicInteger();
        boolean yields;

        @Override
        public Outcome check() throws Exception {
            runs.incrementAndGet();
            if (yields) {
                throw new Exception("Stopped ordering", new HandedOver());
            }
            return new Outcome(T0.plus(Duration.ofDays(30)), Optional.empty(), "kept");
        }

        @Override
        public String describe() {
            return "cert.pem [example.org]";
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
        SimulatedClock clock = new SimulatedClock();
        CountingCheck check = new CountingCheck();
        CheckGate busy = () -> new CheckGate.Busy("fe2", T0.plusSeconds(30));
        RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0.5, null, busy);
        try {
            Instant next = scheduler.runOnce();

            assertThat(next).isBetween(T0.plusSeconds(30), T0.plusSeconds(31));
            assertThat(check.runs.get()).isZero();
            assertThat(state().load()).isEqualTo(RenewalState.INITIAL);
            assertThat(scheduler.failedChecks()).isZero();
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aGateThatCannotBeEnteredIsAFailedCheckWithTheUsualBackoff() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        CountingCheck check = new CountingCheck();
        CheckGate unreachable = () -> {
            throw new IllegalStateException("Cluster database jdbc:postgresql://db/synapse unreachable");
        };
        RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0, null, unreachable);
        try {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(Backoff.FIRST));

            assertThat(check.runs.get()).isZero();
            assertThat(state().load().consecutiveFailures()).isEqualTo(1);
            assertThat(scheduler.state().lastError()).contains("unreachable");
            assertThat(scheduler.lastFailure()).isPresent();
        } finally {
            scheduler.close();
        }
    }

    @Test
    void underThePassTheStateIsThePassesAndABackoffAnotherNodeSavedHolds() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        CountingCheck check = new CountingCheck();
        StateFile shared = new StateFile(dir.resolve("shared.properties"));
        shared.update(s -> s.failed(T0.plus(Duration.ofMinutes(10)), "rate limited", "rate_limited"));
        shared.update(s -> s.failed(T0.plus(Duration.ofMinutes(10)), "rate limited", "rate_limited"));
        AtomicInteger released = new AtomicInteger();
        CheckGate lease = () -> new CheckGate.Pass(shared, true, released::incrementAndGet);
        RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0, null, lease);
        try {
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
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aCheckHandedOverToAnotherNodeIsNoFailure() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        CountingCheck check = new CountingCheck();
        check.yields = true;
        RenewalScheduler scheduler = new RenewalScheduler(check, state(), clock, () -> 0);
        try {
            assertThat(scheduler.runOnce()).isEqualTo(T0.plus(RenewalScheduler.MIN_INTERVAL));

            assertThat(check.runs.get()).isEqualTo(1);
            assertThat(state().load().consecutiveFailures()).isZero();
            assertThat(scheduler.failedChecks()).isZero();
        } finally {
            scheduler.close();
        }
    }
}
