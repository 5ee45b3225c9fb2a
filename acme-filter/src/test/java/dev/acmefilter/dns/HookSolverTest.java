package dev.acmefilter.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acmefilter.config.DnsSettings;
import dev.acmefilter.config.DnsServer;
import dev.acmefilter.config.HookSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.acmefilter.testing.BindServer;
import dev.acmefilter.testing.ClassFixture;
import dev.acmefilter.testing.NsupdateHook;

/** {@link HookSolver} with hook scripts, one of which changes a real BIND with {@code nsupdate}. */
class HookSolverTest {

    @RegisterExtension
    static final ClassFixture<BindServer> BIND = DnsFixtures.bindWithAdminsOwnRecord("hook");

    @TempDir
    Path dir;

    /** An executable script in the test folder. */
    private Path script(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /**
     * The hook an admin would write for a server that speaks RFC 2136: nsupdate with the key
     * file. It logs its arguments and its environment beside itself.
     */
    private Path nsupdateHook() throws Exception {
        return NsupdateHook.write(dir.resolve("nsupdate-hook"), BIND.get().port(), BIND.get().keyFile());
    }

    private DnsSettings hookSettings(Path command, Duration timeout) {
        return DnsSettings.hook(new HookSettings(command, timeout))
                .withCheckServers(List.of(DnsServer.parse(BIND.get().primaryAddress(), 53)))
                .withPropagationTimeout(Duration.ofSeconds(10));
    }

    @Test
    void theHookAddsAndRemovesTheValueThroughNsupdate() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        DnsSolver solver = DnsSolver.create(hookSettings(nsupdateHook(), Duration.ofSeconds(20)), state);
        String base = DnsFixtures.digest();
        String wildcard = DnsFixtures.digest();

        ChallengeRecord a = solver.add("hook.example.test", base);
        ChallengeRecord b = solver.add("*.hook.example.test", wildcard);
        assertThat(BIND.get().txt("_acme-challenge.hook.example.test."))
                .containsExactlyInAnyOrder("admins-own-value", base, wildcard);
        solver.awaitPropagation(List.of(a, b));
        solver.remove(a);
        assertThat(BIND.get().txt("_acme-challenge.hook.example.test.")).containsExactlyInAnyOrder("admins-own-value",
                wildcard);
        solver.remove(b);

        assertThat(BIND.get().txt("_acme-challenge.hook.example.test.")).containsExactly("admins-own-value");
        assertThat(Files.readAllLines(dir.resolve("calls.txt"))).containsExactly(
                "present _acme-challenge.hook.example.test. " + base,
                "present _acme-challenge.hook.example.test. " + wildcard,
                "cleanup _acme-challenge.hook.example.test. " + base,
                "cleanup _acme-challenge.hook.example.test. " + wildcard);
        assertThat(DnsFixtures.journal(state)).isEmpty();
        assertThat(solver.describe()).isEqualTo("the hook " + dir.resolve("nsupdate-hook"));
    }

    @Test
    void theHookSeesNoneOfTheContainersEnvironment() throws Exception {
        assertThat(System.getenv()).containsKey("PATH");
        DnsSolver solver = DnsSolver.create(hookSettings(nsupdateHook(), Duration.ofSeconds(20)), dir);

        solver.remove(solver.add("hook.example.test", DnsFixtures.digest()));

        Map<String, String> env = Files.readAllLines(dir.resolve("env.txt")).stream()
                .filter(line -> line.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
        // what the shell itself sets (PWD, SHLVL, _) aside, only what the hook was given
        env.keySet().removeAll(Set.of("PWD", "OLDPWD", "SHLVL", "_"));
        assertThat(env).isEqualTo(HookSolver.ENVIRONMENT);
    }

    @Test
    void aFailingHookIsAnErrorWithTheEndOfItsOutputAndItsValueIsCleanedUpLater() throws Exception {
        Path hook = script("failing-hook", """
                echo "$1" >> "%s/calls.txt"
                echo "calling the provider's API"
                echo "API error: quota exceeded" >&2
                exit 3
                """.formatted(dir));
        DnsSolver solver = DnsSolver.create(hookSettings(hook, Duration.ofSeconds(20)), dir);
        String value = DnsFixtures.digest();

        assertThatThrownBy(() -> solver.add("fails.example.test", value))
                .isInstanceOfSatisfying(DnsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DnsException.Kind.HOOK_FAILED);
                    assertThat(e.server()).hasValue(hook.toString());
                })
                .hasMessage("the DNS hook " + hook + " present _acme-challenge.fails.example.test. failed with exit"
                        + " code 3: calling the provider's API | API error: quota exceeded");

        // a failed hook may have done part of its work: the next sweep runs its cleanup
        assertThat(new DnsJournal(dir).leftovers()).extracting(DnsJournal.Entry::value).containsExactly(value);
        assertThat(solver.removeLeftovers()).isZero(); // its cleanup fails too: kept for the next try
        assertThat(Files.readAllLines(dir.resolve("calls.txt"))).containsExactly("present", "cleanup");
        assertThat(new DnsJournal(dir).leftovers()).extracting(DnsJournal.Entry::value).containsExactly(value);
    }

    @Test
    void aHookThatHangsIsKilledWithWhatItStartedAfterItsTimeout() throws Exception {
        Path hook = script("hanging-hook", """
                sleep 60 &
                echo $! > "%1$s/child.pid"
                echo "waiting for the provider"
                wait
                """.formatted(dir));
        DnsSolver solver = DnsSolver.create(hookSettings(hook, Duration.ofSeconds(1)), dir);

        long start = System.nanoTime();
        assertThatThrownBy(() -> solver.add("hangs.example.test", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e ->
                        assertThat(e.kind()).isEqualTo(DnsException.Kind.HOOK_FAILED))
                .hasMessage("the DNS hook " + hook + " present _acme-challenge.hangs.example.test. did not finish"
                        + " within 1 s and was killed: waiting for the provider");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
        // SIGKILL was sent; the kernel ends it in a moment
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).as("the hook's child " + child)
                .isNotEqualTo(Optional.of(true));
    }

    @Test
    void aHookThatCannotBeStartedIsAnError() throws Exception {
        Path missing = dir.resolve("no-such-hook");
        DnsSolver solver = DnsSolver.create(hookSettings(missing, Duration.ofSeconds(5)), dir);

        assertThatThrownBy(() -> solver.add("missing.example.test", DnsFixtures.digest()))
                .isInstanceOfSatisfying(DnsException.class, e ->
                        assertThat(e.kind()).isEqualTo(DnsException.Kind.HOOK_FAILED))
                .hasMessageStartingWith("cannot run the DNS hook " + missing + " present"
                        + " _acme-challenge.missing.example.test.: ");
    }

    @Test
    void aNameThatIsNotADomainNeverReachesTheHook() throws Exception {
        DnsSolver solver = DnsSolver.create(hookSettings(nsupdateHook(), Duration.ofSeconds(5)), dir);

        assertThatThrownBy(() -> solver.add("example.test; rm -rf /", DnsFixtures.digest()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'example.test; rm -rf /' is not a domain name");
        assertThatThrownBy(() -> solver.add("ok.example.test", "$(reboot)"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("calls.txt")).doesNotExist();
        assertThat(DnsFixtures.journal(dir)).isEmpty();
    }
}
