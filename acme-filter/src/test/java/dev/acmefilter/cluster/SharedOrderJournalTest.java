package dev.acmefilter.cluster;

import dev.acmefilter.output.TestCerts;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedOrderJournalTest extends ClusterTestBase {

    @Test
    void theNodeThatTakesOverTheLeaseFindsTheOrderAndItsKeyToResume() throws Exception {
        Cluster a = node("a");
        Cluster b = node("b");
        URL order = URI.create("https://ca.example/order/17").toURL();
        KeyPair key = TestCerts.ecKey();
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        a.journal().orderCreated(lease, order);
        a.journal().finalizing(lease, key);
        // a dies here: its lease expires
        clock.advance(Duration.ofSeconds(31));
        Lease takeover = b.leases().tryAcquire("default").orElseThrow();

        assertThat(b.journal().pendingOrder("default")).contains(order);
        assertThat(b.journal().pendingKey("default")).get()
                .satisfies(k -> assertThat(k.getPrivate().getEncoded()).isEqualTo(key.getPrivate().getEncoded()));
        assertThat(b.state().load("default").pendingOrder()).isEqualTo(order.toString());

        b.journal().clear(takeover);
        assertThat(a.journal().pendingOrder("default")).isEmpty();
        assertThat(a.journal().pendingKey("default")).isEmpty();
    }

    @Test
    void aNewOrderDropsTheKeyOfTheOldOne() throws Exception {
        Cluster a = node("a");
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        a.journal().orderCreated(lease, URI.create("https://ca.example/order/1").toURL());
        a.journal().finalizing(lease, TestCerts.ecKey());

        a.journal().orderCreated(lease, URI.create("https://ca.example/order/2").toURL());
        assertThat(a.journal().pendingKey("default")).isEmpty();

        a.journal().finalizing(lease, TestCerts.ecKey());
        a.state().update(lease, s -> s.withPendingOrder("https://ca.example/order/3"));
        assertThat(a.journal().pendingKey("default")).as("the state's order changed: the key went with it").isEmpty();
        a.state().update(lease, s -> s.failed(clock.instant(), "unrelated", "network"));
        assertThat(a.journal().pendingOrder("default")).contains(URI.create("https://ca.example/order/3").toURL());
    }

    @Test
    void writesOfANodeThatLostTheLeaseAreRefused() throws Exception {
        Cluster a = node("a");
        Cluster b = node("b");
        Lease stale = a.leases().tryAcquire("default").orElseThrow();
        a.journal().orderCreated(stale, URI.create("https://ca.example/order/1").toURL());
        clock.advance(Duration.ofSeconds(31));
        Lease current = b.leases().tryAcquire("default").orElseThrow();
        b.journal().orderCreated(current, URI.create("https://ca.example/order/2").toURL());

        assertThatThrownBy(() -> a.journal().finalizing(stale, TestCerts.ecKey()))
                .isInstanceOf(StaleLeaseException.class);
        assertThatThrownBy(() -> a.journal().clear(stale)).isInstanceOf(StaleLeaseException.class);
        assertThat(b.journal().pendingOrder("default")).contains(URI.create("https://ca.example/order/2").toURL());
    }

    @Test
    void finalizingWithoutAnOrderIsAMistake() {
        Cluster a = node("a");
        Lease lease = a.leases().tryAcquire("default").orElseThrow();
        assertThatThrownBy(() -> a.journal().finalizing(lease, TestCerts.ecKey()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no pending order of default");
    }
}
