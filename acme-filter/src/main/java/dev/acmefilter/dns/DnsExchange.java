package dev.acmefilter.dns;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;

/**
 * One question or update sent to one server, and its failures in our terms: a timeout or an
 * unreachable server becomes a {@link DnsException} that names the server, an interrupt
 * stays an interrupt (dnsjava's blocking {@code send} would turn it into an I/O error).
 */
final class DnsExchange {

    private final InetSocketAddress address;
    private final String label;
    private final Duration timeout;
    private final boolean tcp;
    private final TSIG tsig;
    private final boolean recursive;

    private DnsExchange(InetSocketAddress address, String label, Duration timeout, boolean tcp, TSIG tsig,
                        boolean recursive) {
        this.address = address;
        this.label = label;
        this.timeout = timeout;
        this.tcp = tcp;
        this.tsig = tsig;
        this.recursive = recursive;
    }

    /**
     * Questions to an authoritative server over UDP (TCP when the answer is truncated),
     * without recursion: the server answers from its own zones or not at all.
     */
    static DnsExchange direct(InetSocketAddress address, String label, Duration timeout) {
        return new DnsExchange(address, label, timeout, false, null, false);
    }

    /** Questions to a recursive resolver (the system's), recursion desired. */
    static DnsExchange recursive(InetSocketAddress address, String label, Duration timeout) {
        return new DnsExchange(address, label, timeout, false, null, true);
    }

    /** Updates over TCP (no lost datagram leaves us guessing), signed with {@code tsig}. */
    static DnsExchange signedTcp(InetSocketAddress address, String label, Duration timeout, TSIG tsig) {
        return new DnsExchange(address, label, timeout, true, tsig, false);
    }

    /** The resolvers of this host ({@code /etc/resolv.conf}), for names outside the zone being changed. */
    static List<DnsExchange> system(Duration timeout) {
        return ResolverConfig.getCurrentConfig().servers().stream()
                .map(a -> recursive(a, "the system resolver " + a.getAddress().getHostAddress() + ":" + a.getPort(),
                        timeout))
                .collect(Collectors.toList());
    }

    /** The server as named in messages, e.g. {@code 192.0.2.53:53}. */
    String label() {
        return label;
    }

    /** Asks for {@code name}/{@code type}: the answer, whatever its RCODE. */
    Message ask(Name name, int type) throws DnsException, InterruptedException {
        return send(question(name, type));
    }

    /**
     * Asks without waiting; the future fails with dnsjava's exception, which
     * {@link #failure(Throwable)} explains.
     */
    CompletableFuture<Message> askAsync(Name name, int type) {
        return sendAsync(question(name, type));
    }

    private Message question(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (!recursive) {
            query.getHeader().unsetFlag(Flags.RD);
        }
        return query;
    }

    private CompletableFuture<Message> sendAsync(Message message) {
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setTCP(tcp);
        resolver.setTimeout(timeout);
        if (tsig != null) {
            resolver.setTSIGKey(tsig);
        }
        return resolver.sendAsync(message).toCompletableFuture();
    }

    /**
     * Sends {@code message} and waits for the answer, whatever its RCODE.
     *
     * @throws DnsException {@link DnsException.Kind#TIMEOUT} or {@link DnsException.Kind#UNREACHABLE}
     */
    Message send(Message message) throws DnsException, InterruptedException {
        CompletableFuture<Message> answer = sendAsync(message);
        try {
            // a little longer than dnsjava's own timeout, so that its more precise exception wins
            return answer.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw timeout(e);
        } catch (ExecutionException e) {
            throw failure(e.getCause() == null ? e : e.getCause());
        }
    }

    private DnsException timeout(Throwable cause) {
        return new DnsException(DnsException.Kind.TIMEOUT, label, "no answer from " + label + " over "
                + (tcp ? "TCP" : "UDP") + " within " + describe(timeout), cause);
    }

    /** The exception for a failed exchange, from dnsjava's. */
    DnsException failure(Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof SocketTimeoutException) {
            return timeout(cause);
        }
        String why = cause instanceof ConnectException || cause instanceof PortUnreachableException
                ? "connection refused"
                : cause instanceof NoRouteToHostException ? "no route to host"
                : cause instanceof IOException && cause.getMessage() != null ? cause.getMessage()
                : cause.toString();
        return new DnsException(DnsException.Kind.UNREACHABLE, label, "cannot reach " + label + " over "
                + (tcp ? "TCP" : "UDP") + ": " + why, cause);
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
