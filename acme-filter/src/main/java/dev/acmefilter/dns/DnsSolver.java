package dev.acmefilter.dns;

import dev.acmefilter.config.DnsServer;
import dev.acmefilter.config.DnsSettings;

import java.nio.file.Path;
import java.util.Collection;

/**
 * Answers dns-01 challenges (RFC 8555, section 8.4): adds the TXT record
 * {@code _acme-challenge.<name>}, waits until every authoritative server answers it, and
 * removes it once the CA has decided. The seam between the order (which knows the
 * challenges) and DNS (which knows nothing of ACME).
 *
 * <p>The contract every implementation keeps:
 * <ul>
 * <li>{@link #add} adds one value beside any others at the name, never replacing them:
 *     {@code example.org} and {@code *.example.org} both need a value at
 *     {@code _acme-challenge.example.org}, and an admin's own records stay;</li>
 * <li>{@link #remove} removes that value only;</li>
 * <li>every value is noted in a journal in the state folder before it is sent, and
 *     {@link #removeLeftovers()} removes what a crashed or killed run left behind.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe: the orders of several certificates may share one.
 *
 * <pre>{@code
 * DnsSolver dns = DnsSolver.create(settings, stateDir);
 * dns.removeLeftovers();                                      // at start
 * ChallengeRecord a = dns.add("example.org", digestA);
 * ChallengeRecord b = dns.add("*.example.org", digestB);
 * dns.awaitPropagation(List.of(a, b));                        // then trigger the challenges
 * ...
 * dns.remove(a);                                              // once each authorization is decided
 * dns.remove(b);
 * }</pre>
 */
public interface DnsSolver {

    /**
     * Adds the TXT value for {@code domain} (a wildcard's {@code *.} is dropped: the record is
     * at the base name).
     *
     * @param domain the identifier of the authorization, e.g. {@code example.org} or {@code *.example.org}
     * @param value  the challenge's digest ({@code Dns01Challenge.getDigest()})
     * @return what was added, for {@link #awaitPropagation} and {@link #remove}
     * @throws DnsException when the server or hook refused or did not answer; a refused
     *                      value is not in the journal, one of unknown fate is removed later
     * @throws IllegalArgumentException when {@code domain} is not a host name or {@code value}
     *                      not a digest (base64url): nothing is sent, nothing runs
     */
    ChallengeRecord add(String domain, String value) throws DnsException, InterruptedException;

    /**
     * Returns once every authoritative server of each record's zone (or every configured
     * check server) answers each value.
     *
     * @throws DnsException {@link DnsException.Kind#PROPAGATION_TIMEOUT} naming the servers
     *                      that do not, and what they answered
     */
    void awaitPropagation(Collection<ChallengeRecord> records) throws DnsException, InterruptedException;

    /**
     * Removes one value added by {@link #add}. On failure the journal keeps it, and
     * {@link #removeLeftovers()} tries again.
     */
    void remove(ChallengeRecord record) throws DnsException, InterruptedException;

    /**
     * Removes the values that runs which are gone (crashed, killed) added and did not
     * remove. A value that cannot be removed now stays in the journal for the next call;
     * the failure is logged, not thrown, so that a start is not held up by it.
     *
     * @return how many were removed
     * @throws DnsException when the journal cannot be read
     */
    int removeLeftovers() throws DnsException, InterruptedException;

    /** Where records go, for logs and status, e.g. {@code RFC 2136 at 192.0.2.53:53 with key acme-update.}. */
    String describe();

    /**
     * The solver for {@code settings}: RFC 2136 or the hook, keeping its journal in {@code stateDir}.
     */
    static DnsSolver create(DnsSettings settings, Path stateDir) {
        return JournalledSolver.create(settings, stateDir, DnsServer.DNS_PORT);
    }
}
