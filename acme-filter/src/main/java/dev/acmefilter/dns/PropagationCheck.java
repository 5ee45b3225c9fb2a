package dev.acmefilter.dns;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Waits until every server asked answers every TXT value: each address on its own, no
 * cache, no recursion, so that the CA (which may ask any of them) finds the record on the
 * first try. Polls quickly at first (100 ms, growing by half up to 2 s): a primary usually
 * has the record at once and its secondaries within a second of the NOTIFY, while a fixed
 * sleep (certbot's 60 s) is slow for everyone. A server that never shows a value fails the
 * wait with a message that names it and what it last answered.
 */
final class PropagationCheck {

    private static final System.Logger LOG = System.getLogger(PropagationCheck.class.getName());

    static final Duration FIRST_DELAY = Duration.ofMillis(100);
    static final Duration MAX_DELAY = Duration.ofSeconds(2);
    /** How long one question may take: a slow server is asked again in the next round. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_VALUES_SHOWN = 5;

    /** A server to ask. */
    record Target(String label, InetSocketAddress address) {
    }

    /** One question in flight. */
    private record Question(Target target, Name name, DnsExchange exchange, CompletableFuture<Message> answer) {
    }

    private PropagationCheck() {
    }

    /**
     * Returns once every target answers every record's value at its name.
     *
     * @param deadline the {@link System#nanoTime()} after which it gives up
     * @throws DnsException {@link DnsException.Kind#PROPAGATION_TIMEOUT} naming each server
     *                      that still lacks a value, and what it answered
     */
    static void await(List<Target> targets, Collection<ChallengeRecord> records, long deadline, Duration timeout)
            throws DnsException, InterruptedException {
        long start = System.nanoTime();
        Map<Name, Set<String>> wanted = new LinkedHashMap<>();
        for (ChallengeRecord r : records) {
            wanted.computeIfAbsent(r.ownerName(), n -> new LinkedHashSet<>()).add(r.value());
        }
        // every (server, name) still to be seen, with what the server said last
        Map<Target, Map<Name, String>> pending = new LinkedHashMap<>();
        for (Target t : targets) {
            Map<Name, String> names = new LinkedHashMap<>();
            wanted.keySet().forEach(n -> names.put(n, "was not asked yet"));
            pending.put(t, names);
        }
        long delay = FIRST_DELAY.toNanos();
        int rounds = 0;
        while (true) {
            rounds++;
            askAll(pending, wanted, deadline);
            pending.values().removeIf(Map::isEmpty);
            if (pending.isEmpty()) {
                LOG.log(Level.INFO, "{0} the TXT records at {1} after {2} ms ({3})",
                        targets.size() == 1 ? targets.get(0).label() + " answers"
                                : "All " + targets.size() + " servers answer",
                        wanted.keySet().stream().map(Name::toString).collect(Collectors.joining(", ")),
                        Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                        rounds == 1 ? "first question" : rounds + " rounds of questions");
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timedOut(pending, wanted, timeout);
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(delay, left));
            delay = Math.min(delay + delay / 2, MAX_DELAY.toNanos());
        }
    }

    /** Asks every pending (server, name) at once; removes the names a server now answers in full. */
    private static void askAll(Map<Target, Map<Name, String>> pending, Map<Name, Set<String>> wanted, long deadline)
            throws InterruptedException {
        long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(200));
        Duration queryTimeout = Duration.ofNanos(Math.min(QUERY_TIMEOUT.toNanos(), left));
        List<Question> questions = new ArrayList<>();
        for (Map.Entry<Target, Map<Name, String>> server : pending.entrySet()) {
            Target target = server.getKey();
            DnsExchange exchange = DnsExchange.direct(target.address(), target.label(), queryTimeout);
            for (Name name : server.getValue().keySet()) {
                questions.add(new Question(target, name, exchange, exchange.askAsync(name, Type.TXT)));
            }
        }
        long until = System.nanoTime() + queryTimeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
        for (Question q : questions) {
            String said;
            try {
                Message answer = q.answer().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                Set<String> values = txtValues(answer, q.name());
                if (answer.getRcode() == Rcode.NOERROR && values.containsAll(wanted.get(q.name()))) {
                    pending.get(q.target()).remove(q.name());
                    continue;
                }
                said = "answered " + describe(answer, values);
            } catch (ExecutionException e) {
                said = "did not answer (" + q.exchange().failure(e.getCause()).getMessage() + ")";
            } catch (TimeoutException e) {
                q.answer().cancel(true);
                said = "did not answer within " + DnsExchange.describe(queryTimeout);
            } catch (InterruptedException e) {
                questions.forEach(other -> other.answer().cancel(true));
                throw e;
            }
            pending.get(q.target()).put(q.name(), said);
        }
    }

    /** The TXT values at {@code name} in the answer, each record's strings joined (as the CA reads them). */
    static Set<String> txtValues(Message answer, Name name) {
        Set<String> values = new LinkedHashSet<>();
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt && r.getName().equals(name)) {
                values.add(String.join("", txt.getStrings()));
            }
        }
        return values;
    }

    private static String describe(Message answer, Set<String> values) {
        StringBuilder said = new StringBuilder(Rcode.string(answer.getRcode()));
        if (answer.getRcode() == Rcode.NOERROR) {
            if (values.isEmpty()) {
                said.append(" without a TXT record");
            } else {
                said.append(" with TXT ").append(values.stream().limit(MAX_VALUES_SHOWN)
                        .map(v -> "\"" + ChallengeRecord.printable(v) + "\"").collect(Collectors.joining(", ")));
                if (values.size() > MAX_VALUES_SHOWN) {
                    said.append(" and ").append(values.size() - MAX_VALUES_SHOWN).append(" more");
                }
            }
        }
        if (!answer.getHeader().getFlag(Flags.AA)) {
            said.append(" (not authoritative)");
        }
        return said.toString();
    }

    private static DnsException timedOut(Map<Target, Map<Name, String>> pending, Map<Name, Set<String>> wanted,
                                         Duration timeout) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Target, Map<Name, String>> server : pending.entrySet()) {
            for (Map.Entry<Name, String> name : server.getValue().entrySet()) {
                lines.add(server.getKey().label() + " " + name.getValue() + " for " + name.getKey()
                        + " (expected " + wanted.get(name.getKey()).stream().map(v -> "\"" + v + "\"")
                        .collect(Collectors.joining(", ")) + ")");
            }
        }
        Target first = pending.keySet().iterator().next();
        return new DnsException(DnsException.Kind.PROPAGATION_TIMEOUT, first.label(),
                "the TXT records did not reach every authoritative server within " + DnsExchange.describe(timeout)
                        + ": " + String.join("; ", lines));
    }
}
