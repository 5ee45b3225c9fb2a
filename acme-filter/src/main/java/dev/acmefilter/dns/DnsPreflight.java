package dev.acmefilter.dns;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.xbill.DNS.Name;

import dev.acmefilter.challenge.PreflightReport;
import dev.acmefilter.challenge.PreflightResult;
import dev.acmefilter.config.PreflightSettings;

/**
 * The dns-01 self-test ({@code acme.preflight}): for each zone of the names, adds a harmless
 * TXT record with a random value (as a challenge's digest looks) under one of its names,
 * waits until every authoritative server answers it, and removes it. So a wrong TSIG key, a
 * policy that does not allow the key the name, an unreachable primary or a secondary that
 * never gets the change is reported in plain words before an order, not as a failed one.
 * Reported as the http-01 self-test is: each name's problem logged; in strict mode the order
 * is not placed.
 */
public final class DnsPreflight {

    private static final System.Logger LOG = System.getLogger(DnsPreflight.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private DnsPreflight() {
    }

    /**
     * Probes one name per zone of {@code names} through {@code solver}; with {@code mode: off}
     * nothing is probed and the report is empty. Every name gets the result of its zone's probe.
     */
    public static PreflightReport check(DnsSolver solver, PreflightSettings.Mode mode, List<String> names)
            throws InterruptedException {
        if (mode == PreflightSettings.Mode.OFF) {
            return new PreflightReport(mode, List.of());
        }
        Map<String, Optional<String>> problems = new LinkedHashMap<>();
        Map<Name, List<String>> zones = new LinkedHashMap<>();
        for (String name : names) {
            try {
                zones.computeIfAbsent(zoneOf(solver, name), z -> new ArrayList<>()).add(name);
            } catch (IllegalArgumentException e) {
                problems.put(name, Optional.of(e.getMessage()));
            }
        }
        for (Map.Entry<Name, List<String>> zone : zones.entrySet()) {
            Optional<String> problem = probe(solver, zone.getValue().get(0));
            zone.getValue().forEach(n -> problems.put(n, problem));
        }
        List<PreflightResult> results = new ArrayList<>();
        for (String name : names) {
            Optional<String> problem = problems.get(name);
            problem.ifPresentOrElse(
                    p -> LOG.log(Level.WARNING, "Pre-flight check of {0} ({1}): {2}", name, mode.configName(), p),
                    () -> LOG.log(Level.INFO, "Pre-flight check of {0}: a test TXT record reached every name server"
                            + " ({1})", name, solver.describe()));
            results.add(new PreflightResult(name, problem));
        }
        return new PreflightReport(mode, results);
    }

    /** Adds, awaits and removes a random value under {@code name}: the problem, or empty when all went well. */
    private static Optional<String> probe(DnsSolver solver, String name) throws InterruptedException {
        ChallengeRecord record;
        try {
            record = solver.add(name, randomValue());
        } catch (DnsException e) {
            return Optional.of("adding a test TXT record at " + ChallengeRecord.of(name, "x").name() + " failed: "
                    + e.getMessage());
        }
        try {
            solver.awaitPropagation(List.of(record));
            return Optional.empty();
        } catch (DnsException e) {
            return Optional.of("a test TXT record at " + record.name() + " did not reach every name server: "
                    + e.getMessage());
        } finally {
            try {
                solver.remove(record);
            } catch (DnsException e) {
                LOG.log(Level.WARNING, "Cannot remove the pre-flight TXT record {0} \"{1}\": {2}; it is removed at"
                        + " the next start or order", record.name(), record.value(), e.getMessage());
            }
        }
    }

    /**
     * The zone of {@code name}, to probe each zone once; the record's own name (one probe for
     * it) when the zone cannot be told now (the probe then says why) or a hook's zone would
     * have to be asked of resolvers the admin chose not to trust (check_servers).
     */
    private static Name zoneOf(DnsSolver solver, String name) throws InterruptedException {
        ChallengeRecord record = ChallengeRecord.of(name, "x");
        if (!(solver instanceof JournalledSolver journalled)
                || journalled instanceof HookSolver && !journalled.settings().checkServers().isEmpty()) {
            return record.ownerName();
        }
        try {
            return journalled.zoneOf(record);
        } catch (DnsException e) {
            return record.ownerName();
        }
    }

    /** 32 random bytes in base64url: 43 characters, as a dns-01 digest. */
    private static String randomValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
