package dev.acmefilter.provision;

import dev.acmefilter.dns.ChallengeRecord;
import dev.acmefilter.dns.DnsException;
import dev.acmefilter.dns.DnsSolver;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * dns-01: a TXT record per authorization through the {@link DnsSolver} (a name and its
 * wildcard get two values at one name), then a wait until every authoritative server
 * answers all of them, so that the CA finds them on its first look. Each record is removed
 * once its authorization is decided; one that cannot be removed stays in the solver's
 * journal and is removed at the next start or order.
 */
final class Dns01Answer extends ChallengeAnswer {

    private static final System.Logger LOG = System.getLogger(Dns01Answer.class.getName());

    private final DnsSolver solver;
    private final Map<Authorization, ChallengeRecord> records = new LinkedHashMap<>();

    Dns01Answer(DnsSolver solver) {
        super(Dns01Challenge.class, Dns01Challenge.TYPE);
        this.solver = solver;
    }

    @Override
    void publish(Authorization auth, Challenge challenge) throws ProvisioningException, InterruptedException {
        String name = name(auth);
        try {
            records.put(auth, solver.add(name, ((Dns01Challenge) challenge).getDigest()));
        } catch (DnsException e) {
            throw failure("Cannot add the dns-01 TXT record for " + name, e, name);
        } catch (IllegalArgumentException e) {
            throw new ProvisioningException(FailureKind.DNS, "Cannot add the dns-01 TXT record for " + name + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    void awaitVisible() throws ProvisioningException, InterruptedException {
        try {
            solver.awaitPropagation(List.copyOf(records.values()));
        } catch (DnsException e) {
            throw failure("The dns-01 TXT records were not answered by every name server, so the CA was not asked"
                    + " to validate", e, null);
        }
    }

    @Override
    void withdraw(Authorization auth) {
        ChallengeRecord record = records.remove(auth);
        if (record != null) {
            remove(record);
        }
    }

    @Override
    void withdrawAll() {
        List<ChallengeRecord> left = new ArrayList<>(records.values());
        records.clear();
        left.forEach(this::remove);
    }

    private void remove(ChallengeRecord record) {
        boolean interrupted = Thread.interrupted(); // a stopping order still cleans up, within the DNS timeouts
        try {
            solver.remove(record);
        } catch (DnsException e) {
            LOG.log(Level.WARNING, "Cannot remove the TXT record {0} \"{1}\" ({2}): {3}; it is removed at the next"
                    + " start or order", record.name(), record.value(), solver.describe(), e.getMessage());
        } catch (InterruptedException e) {
            interrupted = true; // handed over to the next sweep by the solver's journal
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A DNS step failed: a {@link ProvisioningException} (so the certificate backs off like
     * after any failed order) whose message names the server or hook and what it answered,
     * with the {@link DnsException} and its {@link DnsException.Kind} as the cause.
     */
    static ProvisioningException failure(String what, DnsException e, String name) {
        String server = e.server().map(s -> " (" + s + ")").orElse("");
        return new ProvisioningException(FailureKind.DNS, what + ": " + e.getMessage() + (e.getMessage().contains(
                e.server().orElse("\0")) ? "" : server), e);
    }
}
