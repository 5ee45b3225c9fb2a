package dev.acmefilter.provision;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.ClassFixture;
import dev.acmefilter.testing.LogCapture;
import dev.acmefilter.testing.ProvisionOnce;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * dns-01 when DNS is slow and when the process dies: a secondary that gets the records late
 * holds the challenge back until it has them; a provisioner killed with SIGKILL between
 * adding its records and removing them leaves them to the next start, which removes them
 * before it adds any. Real BIND (primary and secondary), real Pebble, a real child JVM.
 */
class Dns01RecoveryTest {

    private static final Pattern ADDED = Pattern.compile("LOG Added the TXT record " + Pattern.quote(
            Dns01Fixture.RECORD) + " \"([A-Za-z0-9_-]+)\"");

    @RegisterExtension
    static final ClassFixture<Dns01Fixture> DNS01 = ClassFixture.of(Dns01Fixture::start);

    @TempDir
    Path home;

    /** RFC 2136 at the primary; the primary and the slow secondary are the servers to wait for. */
    private Path configWithSecondary(String timeout, String... more) throws Exception {
        List<String> lines = new ArrayList<>(List.of("dns:",
                "  rfc2136: {server: '" + DNS01.get().bind.primaryAddress() + "', tsig_secret_file: '"
                        + DNS01.get().keyFile(home) + "'}",
                "  propagation_timeout: " + timeout,
                "  check_servers: ['" + DNS01.get().bind.primaryAddress() + "', "
                        + DNS01.get().secondaryAddress() + "]"));
        lines.addAll(List.of(more));
        return DNS01.get().config(home, Dns01Fixture.wildcardNames(), lines.toArray(String[]::new));
    }

    @Test
    void theChallengeIsNotTriggeredBeforeTheSlowSecondaryHasTheRecords() throws Exception {
        AcmeConfig config = ConfigLoader.load(configWithSecondary("60", "preflight: {mode: 'off'}"));
        List<LogRecord> orderLog = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override public void publish(LogRecord record) { orderLog.add(record); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger.getLogger(CertificateOrder.class.getName()).addHandler(handler);
        AtomicReference<Instant> notifiedAt = new AtomicReference<>();
        AtomicReference<List<String>> secondaryBefore = new AtomicReference<>();
        Thread secondary = new Thread(() -> {
            try {
                Dns01Fixture.awaitUntil("both records on the primary", Duration.ofSeconds(60),
                        () -> DNS01.get().txt(Dns01Fixture.RECORD).size() == 2);
                Thread.sleep(1500); // the secondary is late: no NOTIFY, an hour's refresh
                secondaryBefore.set(BindServer.txt(Dns01Fixture.RECORD, DNS01.get().bind.secondary()));
                notifiedAt.set(Instant.now());
                DNS01.get().bind.notifySecondary();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "slow-secondary");
        secondary.start();
        Provisioner provisioner = new Provisioner(config.certificates().get(0), new InMemoryChallengeStore());
        try (LogCapture propagation = LogCapture.of(Class.forName("dev.acmefilter.dns.PropagationCheck"))) {
            assertThat(provisioner.provisionIfNeeded().outcome()).isEqualTo(ProvisionResult.Outcome.ISSUED);

            secondary.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(secondaryBefore.get()).as("the secondary lacked the records 1.5 s after the primary had them")
                    .isEmpty();
            LogRecord asked = orderLog.stream().filter(r -> r.getMessage().startsWith("Asked the CA to validate"))
                    .findFirst().orElseThrow();
            assertThat(asked.getInstant()).as("the challenges were triggered after the secondary was told")
                    .isAfter(notifiedAt.get());
            assertThat(propagation.lines()).anyMatch(l -> l.matches("All 2 servers answer the TXT records at "
                    + Pattern.quote(Dns01Fixture.RECORD) + " after \\d{4,} ms \\(\\d+ rounds of questions\\)"));
            assertThat(BindServer.txt(Dns01Fixture.RECORD, DNS01.get().bind.primary())).isEmpty();
        } finally {
            provisioner.close();
            Logger.getLogger(CertificateOrder.class.getName()).removeHandler(handler);
            secondary.interrupt();
        }
    }

    @Test
    void recordsLeftByAProvisionerKilledMidOrderAreRemovedAtTheNextStartBeforeAnyIsAdded() throws Exception {
        // the secondary is never told: the child waits for it until it is killed
        Path yaml = configWithSecondary("120", "preflight: {mode: 'off'}");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProvisionOnce.class.getName(), yaml.toString(), "0",
                "check").redirectErrorStream(true).start();
        List<String> added = new ArrayList<>();
        try {
            BufferedReader out = child.inputReader();
            String line;
            while (added.size() < 2 && (line = out.readLine()) != null) {
                Matcher m = ADDED.matcher(line);
                if (m.lookingAt()) {
                    added.add(m.group(1));
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs in the child
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(added).as("the child added both records before it was killed").hasSize(2);
        assertThat(DNS01.get().txt(Dns01Fixture.RECORD)).containsExactlyInAnyOrderElementsOf(added);
        assertThat(Files.readString(home.resolve(Dns01Fixture.JOURNAL))).contains(added);

        // the next start: the same config, with the primary as the only server to wait for
        Path next = DNS01.get().config(home, Dns01Fixture.wildcardNames(),
                DNS01.get().rfc2136(home).toArray(String[]::new));
        try (LogCapture log = LogCapture.of(Class.forName("dev.acmefilter.dns.JournalledSolver"));
             CertificateFleet fleet = new CertificateFleet(ConfigLoader.load(next), new InMemoryChallengeStore())) {
            fleet.start();
            Dns01Fixture.awaitUntil("the certificate is issued", Duration.ofSeconds(90),
                    () -> Files.exists(home.resolve("tls/example.test.crt")));

            List<String> lines = log.lines();
            List<Integer> removed = new ArrayList<>();
            for (String value : added) {
                String line = "Removed the TXT record " + Dns01Fixture.RECORD + " \"" + value + "\" left by an earlier"
                        + " run";
                assertThat(lines).as("the start removed %s", value).contains(line);
                removed.add(lines.indexOf(line));
            }
            int firstAdded = lines.stream().filter(l -> l.startsWith("Added the TXT record")).findFirst()
                    .map(lines::indexOf).orElseThrow();
            assertThat(removed).allSatisfy(i -> assertThat(i).isLessThan(firstAdded));
            assertThat(DNS01.get().txt(Dns01Fixture.RECORD)).doesNotContainAnyElementsOf(added);
        }
        Dns01Fixture.awaitUntil("every record is gone", Duration.ofSeconds(10),
                () -> DNS01.get().txt(Dns01Fixture.RECORD).isEmpty());
        assertThat(home.resolve(Dns01Fixture.JOURNAL)).doesNotExist();
    }
}
