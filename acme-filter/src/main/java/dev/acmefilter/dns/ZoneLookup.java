package dev.acmefilter.dns;

import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Finds the zone a name belongs to from the SOA record a server returns for it: in the
 * answer when the name is the zone's apex, else in the authority section of the negative
 * answer (RFC 2308). One question, no walking up the labels.
 */
final class ZoneLookup {

    private ZoneLookup() {
    }

    /**
     * The zone of {@code name}, from the first of {@code servers} that knows it.
     *
     * @throws DnsException {@link DnsException.Kind#ZONE_NOT_FOUND} with what each server said
     */
    static Name zoneOf(Name name, List<DnsExchange> servers) throws DnsException, InterruptedException {
        List<String> said = new ArrayList<>();
        DnsException last = null;
        for (DnsExchange server : servers) {
            Message answer;
            try {
                answer = server.ask(name, Type.SOA);
            } catch (DnsException e) {
                said.add(e.getMessage());
                last = e;
                continue;
            }
            int rcode = answer.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                said.add(server.label() + " answered " + Rcode.string(rcode));
                continue;
            }
            for (Record r : answer.getSection(Section.ANSWER)) {
                if (r.getType() == Type.CNAME && r.getName().equals(name)) {
                    throw new DnsException(DnsException.Kind.ZONE_NOT_FOUND, server.label(), name + " is a CNAME to "
                            + r.rdataToString() + " (at " + server.label() + "); dns-01 records are added at the name"
                            + " itself: remove the CNAME or answer the challenge in that zone with a hook");
                }
                if (r.getType() == Type.SOA && r.getName().equals(name)) {
                    return r.getName();
                }
            }
            for (Record r : answer.getSection(Section.AUTHORITY)) {
                if (r.getType() == Type.SOA && name.subdomain(r.getName())) {
                    return r.getName();
                }
            }
            said.add(server.label() + " answered " + Rcode.string(rcode) + " without a SOA record");
        }
        if (servers.isEmpty()) {
            said.add("no server to ask");
        }
        String server = servers.size() == 1 ? servers.get(0).label() : null;
        if (last != null && said.size() == 1) {
            // the only server did not answer at all: that (a timeout, a refused connection) is the problem
            throw new DnsException(last.kind(), server, "cannot find the zone of " + name + ": " + said.get(0), last);
        }
        throw new DnsException(DnsException.Kind.ZONE_NOT_FOUND, server, "cannot find the zone of " + name + ": "
                + String.join("; ", said), last);
    }
}
