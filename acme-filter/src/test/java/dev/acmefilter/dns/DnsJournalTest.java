package dev.acmefilter.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acmefilter.config.TsigKey;
import dev.acmefilter.config.TsigAlgorithm;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.LogCapture;

/** The journal of added records: crash safety against a real BIND, and the file itself. */
class DnsJournalTest {

    private static BindServer bind;

    @TempDir
    Path state;

    @BeforeAll
    static void startBind() {
        bind = BindServer.builder().start();
    }

    @AfterAll
    static void stopBind() {
        if (bind != null) {
            bind.close();
        }
    }

    private static Process addThenHang(Path state, String domain, String value) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AddThenHang.class.getName(), state.toString(),
                bind.primaryAddress(), domain, value).redirectErrorStream(true);
        pb.environment().put("TSIG_SECRET", bind.keySecret());
        return pb.start();
    }

    private static void awaitLine(Process process, String wanted) throws Exception {
        BufferedReader reader = process.inputReader(StandardCharsets.UTF_8);
        List<String> seen = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.equals(wanted)) {
                return;
            }
            seen.add(line);
        }
        throw new AssertionError("the process ended before printing " + wanted + ": " + String.join("\n", seen));
    }

    @Test
    void aValueAddedByAProcessKilledWithSigkillIsRemovedAtTheNextStartAndNotBefore() throws Exception {
        String value = DnsFixtures.digest();
        Process crashing = addThenHang(state, "crash.example.test", value);
        try {
            awaitLine(crashing, "ADDED");
            assertThat(bind.txt("_acme-challenge.crash.example.test.")).containsExactly(value);
            DnsSolver restarted = DnsFixtures.solver(bind, DnsFixtures.rfc2136(bind), state);

            // the process is alive: its order may still need the record
            assertThat(restarted.removeLeftovers()).isZero();
            assertThat(bind.txt("_acme-challenge.crash.example.test.")).containsExactly(value);

            crashing.destroyForcibly(); // SIGKILL: no cleanup runs
            assertThat(crashing.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(bind.txt("_acme-challenge.crash.example.test.")).containsExactly(value);
            assertThat(DnsFixtures.journal(state)).singleElement().satisfies(e -> {
                assertThat(e.value()).isEqualTo(value);
                assertThat(e.owner().pid()).isEqualTo(crashing.pid());
            });

            try (LogCapture log = LogCapture.of(JournalledSolver.class)) {
                assertThat(restarted.removeLeftovers()).isOne();
                assertThat(log.lines()).containsExactly("Removed the TXT record _acme-challenge.crash.example.test. \""
                        + value + "\" left by an earlier run");
            }
            assertThat(bind.txt("_acme-challenge.crash.example.test.")).isEmpty();
            assertThat(DnsFixtures.journal(state)).isEmpty();
            assertThat(state.resolve(DnsJournal.FILE_NAME)).doesNotExist();
        } finally {
            crashing.destroyForcibly();
        }
    }

    @Test
    void aValueThatCannotBeRemovedNowStaysForTheNextTryWithAWarning() throws Exception {
        ChallengeRecord record = ChallengeRecord.of("later.example.test", DnsFixtures.digest());
        DnsJournal journal = new DnsJournal(state, new DnsJournal.Owner(0, 0)); // as a process that is gone
        journal.adding(record, "rfc2136 127.0.0.1:1 acme-update.");
        TsigKey wrong = TsigKey.of(BindServer.KEY_NAME, TsigAlgorithm.HMAC_SHA256, DnsFixtures.otherSecret());
        DnsSolver solver = DnsFixtures.solver(bind, DnsFixtures.rfc2136(bind, wrong), state);

        try (LogCapture log = LogCapture.of(JournalledSolver.class)) {
            assertThat(solver.removeLeftovers()).isZero();
            assertThat(log.warnings()).singleElement().asString().startsWith("Cannot remove the TXT record "
                    + record.name() + " \"" + record.value() + "\" left by an earlier run (it was added through"
                    + " rfc2136 127.0.0.1:1 acme-update.): " + bind.primaryAddress() + " rejected the signature")
                    .endsWith("; it stays in " + state.toAbsolutePath().resolve(DnsJournal.FILE_NAME)
                            + " for the next try");
        }
        assertThat(DnsFixtures.journal(state)).extracting(DnsJournal.Entry::value).containsExactly(record.value());

        assertThat(DnsFixtures.solver(bind, DnsFixtures.rfc2136(bind), state).removeLeftovers()).isOne();
        assertThat(DnsFixtures.journal(state)).isEmpty();
    }

    @Test
    void theJournalIsOwnerOnlyWhileItHoldsEntriesAndGoneWhenEmpty() throws Exception {
        DnsJournal journal = new DnsJournal(state);
        ChallengeRecord record = ChallengeRecord.of("file.example.test", DnsFixtures.digest());

        journal.adding(record, "hook /usr/local/bin/dns hook");
        Path file = state.resolve(DnsJournal.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains(record.name(), record.value(),
                "hook+%2Fusr%2Flocal%2Fbin%2Fdns+hook");
        assertThat(journal.entries()).singleElement().satisfies(e -> {
            assertThat(e.target()).isEqualTo("hook /usr/local/bin/dns hook");
            assertThat(e.record()).isEqualTo(new ChallengeRecord("file.example.test", record.name(), record.value()));
        });

        journal.removed(record, "hook /usr/local/bin/dns hook");
        assertThat(file).doesNotExist();
    }

    @Test
    void aLineThisVersionCannotReadIsKeptAsItIs() throws Exception {
        Path file = state.resolve(DnsJournal.FILE_NAME);
        String leftover = "v1 _acme-challenge.kept.example.test. abc 0 0 hook+%2Fbin%2Fhook";
        Files.writeString(file, "v2 something from a later version\n" + leftover + "\n");
        DnsJournal journal = new DnsJournal(state);

        List<DnsJournal.Entry> leftovers = journal.leftovers();
        assertThat(leftovers).extracting(DnsJournal.Entry::name).containsExactly("_acme-challenge.kept.example.test.");
        journal.forget(leftovers.get(0));

        assertThat(Files.readString(file)).isEqualTo("v2 something from a later version\n");
    }

    @Test
    void aJournalThatIsASymbolicLinkIsNotFollowed() throws Exception {
        Path elsewhere = Files.writeString(state.resolve("elsewhere"),
                "v1 _acme-challenge.x.example.test. abc 0 0 t\n");
        Files.createSymbolicLink(state.resolve(DnsJournal.FILE_NAME), elsewhere);

        assertThatThrownBy(() -> new DnsJournal(state).leftovers())
                .isInstanceOfSatisfying(DnsException.class, e ->
                        assertThat(e.kind()).isEqualTo(DnsException.Kind.JOURNAL))
                .hasMessageStartingWith("cannot read the journal of dns-01 records "
                        + state.toAbsolutePath().resolve(DnsJournal.FILE_NAME));
    }

    @Test
    void concurrentOrdersLoseNoEntry() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ChallengeRecord>> kept = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                kept.add(pool.submit(() -> {
                    DnsJournal journal = new DnsJournal(state);
                    ChallengeRecord record = ChallengeRecord.of("n" + n + ".example.test", DnsFixtures.digest());
                    journal.adding(record, "target");
                    if (n % 2 == 1) {
                        journal.removed(record, "target");
                        return null;
                    }
                    return record;
                }));
            }
            List<String> expected = new ArrayList<>();
            for (Future<ChallengeRecord> f : kept) {
                ChallengeRecord r = f.get(30, TimeUnit.SECONDS);
                if (r != null) {
                    expected.add(r.value());
                }
            }
            assertThat(new DnsJournal(state).entries()).extracting(DnsJournal.Entry::value)
                    .containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            pool.shutdownNow();
        }
    }
}
