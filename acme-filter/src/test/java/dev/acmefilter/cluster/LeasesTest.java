package dev.acmefilter.cluster;

import dev.acmefilter.config.ClusterSettings;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeasesTest extends ClusterTestBase {

    @Test
    void onlyOneNodeHoldsTheLeaseOfACertificate() {
        Leases a = leasesOf("a");
        Leases b = leasesOf("b");

        Optional<Lease> first = a.tryAcquire("default");
        assertThat(first).isPresent();
        assertThat(first.get().fencingToken()).isEqualTo(1);
        assertThat(first.get().isHeld()).isTrue();
        assertThat(b.tryAcquire("default")).as("held by a").isEmpty();
        assertThat(a.tryAcquire("default")).as("not twice, not even to its holder").isEmpty();
        assertThat(b.tryAcquire("element")).as("another certificate is another lease").isPresent();

        Leases.Holder holder = b.holder("default").orElseThrow();
        assertThat(holder.node()).contains("a");
        assertThat(holder.fencingToken()).isEqualTo(1);
        assertThat(holder.expired()).isFalse();
        assertThat(holder.expiresAt()).isEqualTo(clock.instant().plus(ClusterSettings.DEFAULT_LEASE));
    }

    @Test
    void anExpiredLeaseIsTakenOverWithAHigherFencingTokenAndItsOldHolderLearnsItLostIt() {
        Leases a = leasesOf("a");
        Leases b = leasesOf("b");
        Lease old = granted(a, "default");

        clock.advance(Duration.ofSeconds(29));
        assertThat(b.tryAcquire("default")).as("not expired yet").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(old.isHeld()).as("a's own view: expired").isFalse();
        Lease taken = granted(b, "default");

        assertThat(taken.fencingToken()).isGreaterThan(old.fencingToken());
        assertThat(old.heartbeat()).as("a heartbeat finds it lost").isFalse();
        assertThat(b.holder("default")).get().extracting(Leases.Holder::node).isEqualTo(Optional.of("b"));
        old.release(); // releasing a lost lease must not free b's
        assertThat(a.tryAcquire("default")).isEmpty();
        assertThat(taken.isHeld()).isTrue();
    }

    @Test
    void heartbeatsKeepTheLeasePastItsFirstExpiry() {
        Leases a = leasesOf("a");
        Leases b = leasesOf("b");
        Lease lease = granted(a, "default");

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            assertThat(lease.heartbeat()).isTrue();
            assertThat(b.tryAcquire("default")).isEmpty();
        }
        assertThat(lease.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(lease.fencingToken()).as("a heartbeat is not a new grant").isEqualTo(1);
    }

    @Test
    void aHeartbeatAfterExpiryDoesNotReviveItAndTheNextGrantHasTheNextToken() {
        Leases a = leasesOf("a");
        Lease lease = granted(a, "default");
        clock.advance(Duration.ofSeconds(31));

        assertThat(lease.heartbeat()).isFalse();
        assertThat(lease.isHeld()).isFalse();
        assertThat(granted(a, "default").fencingToken()).as("the next grant's token").isEqualTo(2);
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceAndEveryGrantIncreasesTheToken() {
        Leases a = leasesOf("a");
        Leases b = leasesOf("b");
        try (Lease first = granted(a, "default")) {
            assertThat(first.fencingToken()).isEqualTo(1);
        }
        Lease second = granted(b, "default");
        assertThat(second.fencingToken()).isEqualTo(2);
        second.release();
        assertThat(second.isHeld()).isFalse();
        assertThat(b.holder("default")).get().satisfies(h -> {
            assertThat(h.node()).isEmpty();
            assertThat(h.expired()).isTrue();
        });
        assertThat(granted(a, "default").fencingToken()).as("the next grant's token").isEqualTo(3);
    }

    @Test
    void whileTheDatabaseIsDownNoLeaseIsGrantedAndAHeldOneLastsUntilItsExpiry() {
        Leases a = leasesOf("a");
        Lease lease = granted(a, "other");
        postgres().stop();

        assertThatThrownBy(() -> a.tryAcquire("default")).isInstanceOf(ClusterUnavailableException.class);
        clock.advance(Duration.ofSeconds(10));
        assertThat(lease.heartbeat()).as("unrenewed, but not expired").isTrue();
        clock.advance(Duration.ofSeconds(20));
        assertThat(lease.heartbeat()).as("expired without a renewal").isFalse();
    }

    @Test
    void keepAliveRenewsTheLeaseOnItsOwn() throws Exception {
        ClusterSettings shortLease = ClusterSettings.builder().url(postgres().jdbcUrl(database)).user(USER)
                .password(PASSWORD).node("a").secret(secret).lease(Duration.ofSeconds(3)).build();
        ClusterDatabase db = closeLater(new ClusterDatabase(shortLease, java.time.Clock.systemUTC()));
        db.start();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            Lease lease = new Leases(db).tryAcquire("default").orElseThrow().keepAlive(executor);
            java.time.Instant first = lease.expiresAt();
            eventually("a heartbeat renewed it", Duration.ofSeconds(10), () -> lease.expiresAt().isAfter(first));
            assertThat(lease.isHeld()).isTrue();
            lease.release();
            assertThat(new Leases(db).holder("default")).get().extracting(Leases.Holder::node)
                    .isEqualTo(Optional.empty());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void certificateIdsAreCheckedBeforeAnyQuery() {
        Leases a = leasesOf("a");
        assertThatThrownBy(() -> a.tryAcquire("x'; DROP TABLE acme.leases; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a certificate id");
    }

    /** The leases of the node {@code name}, on the test's database. */
    private Leases leasesOf(String name) {
        return new Leases(database(name));
    }

    /** The lease on {@code id} that {@code leases} must be granted now. */
    private static Lease granted(Leases leases, String id) {
        return leases.tryAcquire(id).orElseThrow(() -> new AssertionError("no lease on " + id + " granted"));
    }
}
