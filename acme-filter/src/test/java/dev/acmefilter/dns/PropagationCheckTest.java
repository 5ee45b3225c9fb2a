package dev.acmefilter.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acmefilter.config.DnsServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.LogCapture;

/**
 * The wait for every authoritative server, against a real BIND primary and a secondary that
 * has a change only once the test notifies it: the zone's NS records list both, on one port.
 */
class PropagationCheckTest {

    private static BindServer bind;
    private static ScheduledExecutorService later;

    @TempDir
    Path state;

    @BeforeAll
    static void startBind() {
        bind = BindServer.builder().secondary(true).start();
        later = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopBind() {
        if (later != null) {
            later.shutdownNow();
        }
        if (bind != null) {
            bind.close();
        }
    }

    private String secondaryLabel() {
        return "ns2.example.test. ([::1]:" + bind.port() + ")";
    }

    @Test
    void theWaitDoesNotReturnBeforeTheSlowSecondaryHasTheRecord() throws Exception {
        DnsSolver solver = DnsFixtures.solver(bind, DnsFixtures.rfc2136(bind)
                .withPropagationTimeout(Duration.ofSeconds(20)), state);
        ChallengeRecord record = solver.add("slow.example.test", DnsFixtures.digest());
        assertThat(bind.txt(record.name())).containsExactly(record.value());
        assertThat(BindServer.txt(record.name(), bind.secondary())).isEmpty();
        AtomicLong notifiedAt = new AtomicLong();
        later.schedule(() -> {
            notifiedAt.set(System.nanoTime());
            bind.notifySecondary();
        }, 1500, TimeUnit.MILLISECONDS);

        try (LogCapture log = LogCapture.of(PropagationCheck.class)) {
            solver.awaitPropagation(List.of(record));
            long returnedAt = System.nanoTime();

            assertThat(notifiedAt.get()).as("the secondary was notified before the wait returned").isNotZero();
            assertThat(returnedAt).isGreaterThan(notifiedAt.get());
            assertThat(BindServer.txt(record.name(), bind.secondary())).containsExactly(record.value());
            assertThat(log.lines()).singleElement().asString()
                    .startsWith("All 2 servers answer the TXT records at _acme-challenge.slow.example.test. after ");
        }
        solver.remove(record);
        bind.notifySecondary();
        // the next test needs a secondary that is behind again: let this transfer end before it adds anything
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (BindServer.serial(bind.secondary()) != BindServer.serial(bind.primary())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(BindServer.serial(bind.secondary())).isEqualTo(BindServer.serial(bind.primary()));
    }

    @Test
    void aSecondaryThatNeverGetsTheRecordFailsTheWaitNamingItAndWhatItAnswered() throws Exception {
        DnsSolver solver = DnsFixtures.solver(bind, DnsFixtures.rfc2136(bind)
                .withPropagationTimeout(Duration.ofMillis(1500)), state);
        ChallengeRecord record = solver.add("never.example.test", DnsFixtures.digest());

        long start = System.nanoTime();
        assertThatThrownBy(() -> solver.awaitPropagation(List.of(record)))
                .isInstanceOfSatisfying(DnsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DnsException.Kind.PROPAGATION_TIMEOUT);
                    assertThat(e.server()).hasValue(secondaryLabel());
                })
                .hasMessage("the TXT records did not reach every authoritative server within 1500 ms: "
                        + secondaryLabel() + " answered NXDOMAIN for _acme-challenge.never.example.test. (expected \""
                        + record.value() + "\")");
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(5));
        solver.remove(record);
        assertThat(bind.txt(record.name())).isEmpty();
    }

    @Test
    void theCheckServersAreAskedInsteadOfTheZonesNameServers() throws Exception {
        DnsSolver solver = DnsFixtures.solver(bind, DnsFixtures.rfc2136(bind)
                .withCheckServers(List.of(DnsServer.parse(bind.primaryAddress(), 53))), state);
        ChallengeRecord record = solver.add("checked.example.test", DnsFixtures.digest());

        long start = System.nanoTime();
        solver.awaitPropagation(List.of(record)); // the secondary still lacks it: not asked

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(BindServer.txt(record.name(), bind.secondary())).isEmpty();
        solver.remove(record);
    }

    @Test
    void aCheckServerThatNeverAnswersIsNamedInTheFailure() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String address = "127.0.0.1:" + silent.getLocalPort();
            DnsSolver solver = DnsFixtures.solver(bind, DnsFixtures.rfc2136(bind)
                    .withPropagationTimeout(Duration.ofSeconds(1))
                    .withCheckServers(List.of(DnsServer.parse(bind.primaryAddress(), 53),
                            DnsServer.parse(address, 53))), state);
            ChallengeRecord record = solver.add("silent.example.test", DnsFixtures.digest());

            assertThatThrownBy(() -> solver.awaitPropagation(List.of(record)))
                    .isInstanceOfSatisfying(DnsException.class, e -> assertThat(e.server()).hasValue(address))
                    .hasMessageStartingWith("the TXT records did not reach every authoritative server within 1 s: "
                            + address + " did not answer")
                    .hasMessageNotContaining(bind.primaryAddress());
            solver.remove(record);
        }
    }
}
