package dev.acmefilter.dns;

import dev.acmefilter.config.DnsSettings;
import dev.acmefilter.config.HookSettings;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.xbill.DNS.Name;

import dev.acmefilter.reload.ProcessRunner;

/**
 * Changes TXT records through an admin's program, for DNS that speaks no RFC 2136 (a cloud
 * provider's API, a registrar): {@code <command> present <fqdn> <value>} to add,
 * {@code <command> cleanup <fqdn> <value>} to remove, as lego's {@code exec} provider and
 * mod_md's {@code MDChallengeDns01} do. The fqdn is absolute ({@code _acme-challenge.example.org.}).
 *
 * <p>The program runs without a shell (the arguments are never parsed), with no input, a
 * minimal environment ({@code PATH} and {@code LANG} only: nothing of the container's) and
 * a time limit after which it is killed with all it started. Exit code 0 means done; any
 * other fails the step with the end of its output. Its contract is ours: add beside other
 * values, remove only the value given.
 */
final class HookSolver extends JournalledSolver {

    /** The whole environment of a hook run. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG", "C.UTF-8");
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    private final HookSettings hook;

    HookSolver(DnsSettings settings, DnsJournal journal, int nameServerPort) {
        super(settings, journal, nameServerPort);
        this.hook = settings.hook().orElseThrow(() -> new IllegalArgumentException("no hook settings"));
    }

    @Override
    public String describe() {
        return settings().describe();
    }

    @Override
    String target() {
        return "hook " + hook.command();
    }

    @Override
    void change(ChallengeRecord record, boolean add) throws DnsException, InterruptedException {
        String verb = add ? "present" : "cleanup";
        List<String> command = List.of(hook.command().toString(), verb, record.name(), record.value());
        String run = hook.command() + " " + verb + " " + record.name();
        ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(command, ENVIRONMENT, hook.timeout());
        } catch (IOException e) {
            throw new DnsException(DnsException.Kind.HOOK_FAILED, hook.command().toString(), "cannot run the DNS hook "
                    + run + ": " + e.getMessage(), e);
        }
        if (outcome.timedOut()) {
            throw new DnsException(DnsException.Kind.HOOK_FAILED, hook.command().toString(), "the DNS hook " + run
                    + " did not finish within " + DnsExchange.describe(hook.timeout()) + " and was killed"
                    + outcome.tailSuffix());
        }
        if (outcome.exitCode() != 0) {
            throw new DnsException(DnsException.Kind.HOOK_FAILED, hook.command().toString(), "the DNS hook " + run
                    + " failed with exit code " + outcome.exitCode() + outcome.tailSuffix());
        }
    }

    /** Asked only without check servers: the system's resolvers find the zone of the name. */
    @Override
    Name zoneOf(ChallengeRecord record) throws DnsException, InterruptedException {
        return ZoneLookup.zoneOf(record.ownerName(), discovery());
    }

    @Override
    List<DnsExchange> discovery() {
        return DnsExchange.system(LOOKUP_TIMEOUT);
    }
}
