package dev.acmefilter.dns;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Update;

import dev.acmefilter.config.DnsSettings;
import dev.acmefilter.config.Rfc2136Settings;
import dev.acmefilter.config.TsigKey;

/**
 * Changes TXT records by RFC 2136 dynamic update, signed with a TSIG key (RFC 8945), at the
 * configured primary: "add to an RRset" to add (other values at the name stay), "delete an
 * RR from an RRset" to remove exactly our value. Updates go over TCP. The zone is the
 * configured one, or the one whose SOA the server returns for the name.
 *
 * <p>Every refusal becomes a {@link DnsException} that names the server and what it said:
 * an unknown key (BADKEY), a wrong secret (BADSIG), a clock off by minutes (BADTIME), a
 * policy that does not allow the key this name (REFUSED), a server that does not serve the
 * zone (NOTAUTH). A success is believed only when its answer is signed with our key.
 */
final class Rfc2136Solver extends JournalledSolver {

    /** How long one update or question may take. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Rfc2136Settings rfc2136;
    private final Duration timeout;

    Rfc2136Solver(DnsSettings settings, DnsJournal journal, int nameServerPort, Duration timeout) {
        super(settings, journal, nameServerPort);
        this.rfc2136 = settings.rfc2136().orElseThrow(() -> new IllegalArgumentException("no rfc2136 settings"));
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return settings().describe();
    }

    @Override
    String target() {
        return "rfc2136 " + rfc2136.server() + " " + rfc2136.key().name();
    }

    @Override
    void change(ChallengeRecord record, boolean add) throws DnsException, InterruptedException {
        Name zone = zoneOf(record);
        Update update = new Update(zone);
        TXTRecord txt = new TXTRecord(record.ownerName(), DClass.IN, settings().ttl().toSeconds(), record.value());
        if (add) {
            update.add(txt);
        } else {
            update.delete(txt);
        }
        DnsExchange server = DnsExchange.signedTcp(address(), rfc2136.server().toString(), timeout,
                signer(rfc2136.key()));
        Message answer = server.send(update);
        check(answer, record, zone, add);
    }

    /** A dnsjava signer for {@code key}; a new one for each message (it keeps no state between them). */
    static TSIG signer(TsigKey key) {
        Name algorithm = switch (key.algorithm()) {
            case HMAC_SHA256 -> TSIG.HMAC_SHA256;
            case HMAC_SHA384 -> TSIG.HMAC_SHA384;
            case HMAC_SHA512 -> TSIG.HMAC_SHA512;
            case HMAC_SHA1 -> TSIG.HMAC_SHA1;
        };
        try {
            return new TSIG(algorithm, Name.fromString(key.name(), Name.root), key.secret());
        } catch (TextParseException e) {
            throw new IllegalStateException("checked by TsigKey: " + key.name(), e);
        }
    }

    @Override
    Name zoneOf(ChallengeRecord record) throws DnsException, InterruptedException {
        if (rfc2136.zone().isPresent()) {
            try {
                return Name.fromString(rfc2136.zone().get(), Name.root);
            } catch (TextParseException e) {
                throw new IllegalStateException("checked by Rfc2136Settings: " + rfc2136.zone().get(), e);
            }
        }
        try {
            return ZoneLookup.zoneOf(record.ownerName(), List.of(updateServerQuestions()));
        } catch (DnsException e) {
            if (e.kind() != DnsException.Kind.ZONE_NOT_FOUND) {
                throw e;
            }
            throw new DnsException(e.kind(), rfc2136.server().toString(), e.getMessage() + "; expected "
                    + rfc2136.server() + " to be the primary of the zone of " + record.domain()
                    + " (or set the zone)", e);
        }
    }

    @Override
    List<DnsExchange> discovery() {
        List<DnsExchange> ask = new ArrayList<>();
        try {
            ask.add(updateServerQuestions());
        } catch (DnsException e) {
            // the host name does not resolve now: the system's resolvers may still know the name servers
        }
        ask.addAll(DnsExchange.system(timeout));
        return ask;
    }

    private DnsExchange updateServerQuestions() throws DnsException {
        return DnsExchange.direct(address(), rfc2136.server().toString(), timeout);
    }

    private InetSocketAddress address() throws DnsException {
        try {
            return rfc2136.server().socketAddress();
        } catch (UnknownHostException e) {
            throw new DnsException(DnsException.Kind.UNREACHABLE, rfc2136.server().toString(), "cannot find the"
                    + " address of the update server " + rfc2136.server() + ": " + e.getMessage(), e);
        }
    }

    /** Turns the server's answer into success or a typed failure that says what to fix. */
    private void check(Message answer, ChallengeRecord record, Name zone, boolean add) throws DnsException {
        String server = rfc2136.server().toString();
        String key = rfc2136.key().name();
        String what = (add ? "adding " : "removing ") + "the TXT record " + record.name() + " in the zone " + zone;
        TSIGRecord tsig = answer.getTSIG();
        int tsigError = tsig == null ? Rcode.NOERROR : tsig.getError();
        int rcode = answer.getRcode();
        String said = Rcode.string(rcode) + (tsigError == Rcode.NOERROR ? "" : ", TSIG error "
                + Rcode.TSIGstring(tsigError));
        if (tsigError == Rcode.BADKEY) {
            throw new DnsException(DnsException.Kind.UNKNOWN_KEY, server, server + " does not know the TSIG key "
                    + key + " with algorithm " + rfc2136.key().algorithm() + " (" + said + ") when " + what
                    + "; expected the name and algorithm of a key in the server's configuration");
        }
        if (tsigError == Rcode.BADSIG) {
            throw new DnsException(DnsException.Kind.BAD_SIGNATURE, server, server + " rejected the signature of the"
                    + " TSIG key " + key + " (" + said + ") when " + what + ": the secret is not the server's");
        }
        if (tsigError == Rcode.BADTIME) {
            throw new DnsException(DnsException.Kind.CLOCK_SKEW, server, server + " rejected the time of the TSIG"
                    + " signature (" + said + ") when " + what + ": this host's clock and the server's differ by more"
                    + " than 5 minutes");
        }
        if (rcode == Rcode.REFUSED) {
            throw new DnsException(DnsException.Kind.REFUSED, server, server + " refused " + what + " (" + said
                    + "): the key " + key + " may not change TXT records at that name; expected a policy such as"
                    + " BIND's 'update-policy { grant " + key + " zonesub TXT; };' in the zone " + zone);
        }
        if (rcode == Rcode.NOTAUTH || rcode == Rcode.NOTZONE) {
            throw new DnsException(DnsException.Kind.NOT_AUTHORITATIVE, server, server + " is not authoritative"
                    + " for the zone " + zone + " (" + said + ") when " + what + "; expected the zone's primary"
                    + " server, or the right zone");
        }
        if (rcode != Rcode.NOERROR || tsigError != Rcode.NOERROR) {
            throw new DnsException(DnsException.Kind.SERVER_ERROR, server, server + " answered " + said + " when "
                    + what);
        }
        if (!answer.isVerified()) {
            throw new DnsException(DnsException.Kind.UNVERIFIED_ANSWER, server, "the answer of " + server + " when "
                    + what + " is not signed with the TSIG key " + key + (tsig != null ? " (its signature does"
                    + " not verify)" : " (it is unsigned)") + "; it may not come from the server");
        }
    }
}
