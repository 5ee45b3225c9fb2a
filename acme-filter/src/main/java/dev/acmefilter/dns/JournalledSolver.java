package dev.acmefilter.dns;

import dev.acmefilter.config.DnsServer;
import dev.acmefilter.config.DnsSettings;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.xbill.DNS.Name;

/**
 * What every {@link DnsSolver} does the same way, around the one thing each does its own
 * way ({@link #change}: an RFC 2136 update or a hook run): the journal entry before every
 * change, the propagation wait, the sweep of leftovers.
 */
abstract class JournalledSolver implements DnsSolver {

    private static final System.Logger LOG = System.getLogger(JournalledSolver.class.getName());

    private final DnsSettings settings;
    private final DnsJournal journal;
    private final int nameServerPort;

    JournalledSolver(DnsSettings settings, DnsJournal journal, int nameServerPort) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.nameServerPort = nameServerPort;
    }

    /**
     * The solver for {@code settings}.
     *
     * @param nameServerPort the port the zone's name servers are asked on: 53, another in tests
     */
    static DnsSolver create(DnsSettings settings, Path stateDir, int nameServerPort) {
        DnsJournal journal = new DnsJournal(stateDir);
        if (settings.rfc2136().isPresent()) {
            return new Rfc2136Solver(settings, journal, nameServerPort, Rfc2136Solver.DEFAULT_TIMEOUT);
        }
        return new HookSolver(settings, journal, nameServerPort);
    }

    DnsSettings settings() {
        return settings;
    }

    /** Where records go, as noted in the journal: the same text for the same server or hook. */
    abstract String target();

    /** Adds ({@code add}) or removes one value. */
    abstract void change(ChallengeRecord record, boolean add) throws DnsException, InterruptedException;

    /** The zone {@code record} is in. */
    abstract Name zoneOf(ChallengeRecord record) throws DnsException, InterruptedException;

    /** Whom to ask for a zone's NS records and the addresses of its name servers, in order. */
    abstract List<DnsExchange> discovery();

    @Override
    public final ChallengeRecord add(String domain, String value) throws DnsException, InterruptedException {
        ChallengeRecord record = ChallengeRecord.of(domain, value);
        journal.adding(record, target());
        try {
            change(record, true);
        } catch (DnsException e) {
            if (e.kind().answered()) {
                journal.removed(record, target()); // refused: certainly not added
            } else {
                journal.orphaned(record, target()); // perhaps added: the next sweep removes it
            }
            throw e;
        } catch (InterruptedException e) {
            handOver(record, e);
            throw e;
        }
        LOG.log(Level.INFO, "Added the TXT record {0} \"{1}\" for {2} ({3})", record.name(), record.value(), domain,
                describe());
        return record;
    }

    @Override
    public final void awaitPropagation(Collection<ChallengeRecord> records) throws DnsException, InterruptedException {
        if (records.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + settings.propagationTimeout().toNanos();
        if (!settings.checkServers().isEmpty()) {
            List<PropagationCheck.Target> targets = new ArrayList<>();
            for (DnsServer server : settings.checkServers()) {
                targets.add(new PropagationCheck.Target(server.toString(), resolve(server)));
            }
            PropagationCheck.await(targets, records, deadline, settings.propagationTimeout());
            return;
        }
        Map<Name, List<ChallengeRecord>> byZone = new LinkedHashMap<>();
        for (ChallengeRecord record : records) {
            byZone.computeIfAbsent(zoneOf(record), z -> new ArrayList<>()).add(record);
        }
        // one zone after the other against one deadline: the later zones propagate meanwhile
        for (Map.Entry<Name, List<ChallengeRecord>> zone : byZone.entrySet()) {
            List<PropagationCheck.Target> targets = new ArrayList<>();
            for (AuthoritativeServers.Server server : AuthoritativeServers.of(zone.getKey(), discovery(),
                    nameServerPort)) {
                targets.add(new PropagationCheck.Target(server.label(), server.address()));
            }
            PropagationCheck.await(targets, zone.getValue(), deadline, settings.propagationTimeout());
        }
    }

    @Override
    public final void remove(ChallengeRecord record) throws DnsException, InterruptedException {
        try {
            change(record, false);
        } catch (DnsException e) {
            journal.orphaned(record, target());
            throw e;
        } catch (InterruptedException e) {
            handOver(record, e);
            throw e;
        }
        journal.removed(record, target());
        LOG.log(Level.INFO, "Removed the TXT record {0} \"{1}\" ({2})", record.name(), record.value(), describe());
    }

    @Override
    public final synchronized int removeLeftovers() throws DnsException, InterruptedException {
        int removed = 0;
        for (DnsJournal.Entry entry : journal.leftovers()) {
            String through = entry.target().equals(target()) ? "" : " (it was added through " + entry.target() + ")";
            try {
                change(entry.record(), false);
            } catch (DnsException e) {
                LOG.log(Level.WARNING, "Cannot remove the TXT record {0} \"{1}\" left by an earlier run{2}: {3}; it"
                        + " stays in {4} for the next try", entry.name(), entry.value(), through, e.getMessage(),
                        journal.path());
                continue;
            }
            journal.forget(entry);
            removed++;
            LOG.log(Level.INFO, "Removed the TXT record {0} \"{1}\" left by an earlier run{2}", entry.name(),
                    entry.value(), through);
        }
        return removed;
    }

    /**
     * Interrupted (the order was cancelled, the webapp stops) while the server worked on it:
     * the value may be there, and no one in this process will remove it, so the next sweep must.
     */
    private void handOver(ChallengeRecord record, InterruptedException interrupt) {
        try {
            journal.orphaned(record, target());
        } catch (DnsException | InterruptedException e) {
            interrupt.addSuppressed(e); // the entry stays ours: the next start removes it
        }
    }

    private static InetSocketAddress resolve(DnsServer server) throws DnsException {
        try {
            return server.socketAddress();
        } catch (UnknownHostException e) {
            throw new DnsException(DnsException.Kind.UNREACHABLE, server.toString(), "cannot find the address of the"
                    + " check server " + server + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
