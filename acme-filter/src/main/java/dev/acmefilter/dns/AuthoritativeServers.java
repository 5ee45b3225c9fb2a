package dev.acmefilter.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The servers that answer for a zone: its NS records, each name server resolved to its
 * addresses, each address to be asked on its own. Glue in the NS answer is used first; other
 * addresses are asked of the same servers, then of the system's resolvers (a name server
 * outside the zone). Addresses of a family this host has no route for (IPv6 on an IPv4-only
 * host) are left out: they could never answer.
 */
final class AuthoritativeServers {

    /** One address of one name server, to be asked directly. */
    record Server(Name nameServer, InetSocketAddress address) {
        /** e.g. {@code ns2.example.org. (192.0.2.54:53)}. */
        String label() {
            String host = text(address.getAddress());
            return nameServer + " (" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort()
                    + ")";
        }
    }

    private AuthoritativeServers() {
    }

    /**
     * Every address of every name server of {@code zone}.
     *
     * @param ask  whom to ask for the NS records and addresses, in order
     * @param port the port to ask the name servers on (53; another in tests)
     * @throws DnsException {@link DnsException.Kind#NAME_SERVERS_NOT_FOUND} when the zone has
     *                      no NS records or a name server has no usable address
     */
    static List<Server> of(Name zone, List<DnsExchange> ask, int port) throws DnsException, InterruptedException {
        Map<Name, Set<InetAddress>> servers = new LinkedHashMap<>();
        List<String> said = new ArrayList<>();
        for (DnsExchange source : ask) {
            Message answer;
            try {
                answer = source.ask(zone, Type.NS);
            } catch (DnsException e) {
                said.add(e.getMessage());
                continue;
            }
            for (Record r : answer.getSection(Section.ANSWER)) {
                if (r instanceof NSRecord ns && r.getName().equals(zone)) {
                    servers.computeIfAbsent(ns.getTarget(), n -> new LinkedHashSet<>());
                }
            }
            if (servers.isEmpty()) {
                said.add(source.label() + " answered " + Rcode.string(answer.getRcode()) + " without NS records");
                continue;
            }
            for (Record r : answer.getSection(Section.ADDITIONAL)) {
                Set<InetAddress> glue = servers.get(r.getName());
                if (glue != null && r instanceof ARecord a) {
                    glue.add(a.getAddress());
                } else if (glue != null && r instanceof AAAARecord aaaa) {
                    glue.add(aaaa.getAddress());
                }
            }
            break;
        }
        if (servers.isEmpty()) {
            throw new DnsException(DnsException.Kind.NAME_SERVERS_NOT_FOUND, null, "cannot find the name servers of "
                    + zone + ": " + String.join("; ", said));
        }
        List<Server> result = new ArrayList<>();
        for (Map.Entry<Name, Set<InetAddress>> entry : servers.entrySet()) {
            Set<InetAddress> addresses = entry.getValue();
            if (addresses.isEmpty()) {
                addresses.addAll(addresses(entry.getKey(), ask));
            }
            List<InetAddress> usable = addresses.stream().filter(AuthoritativeServers::routable).toList();
            if (usable.isEmpty()) {
                throw new DnsException(DnsException.Kind.NAME_SERVERS_NOT_FOUND, null, "cannot find an address of "
                        + entry.getKey() + ", a name server of " + zone + (addresses.isEmpty() ? ""
                        : " this host can reach (it has " + addresses + ")"));
            }
            usable.forEach(a -> result.add(new Server(entry.getKey(), new InetSocketAddress(a, port))));
        }
        return result;
    }

    /** The A and AAAA addresses of {@code host}, from the first source that has any. */
    private static Set<InetAddress> addresses(Name host, List<DnsExchange> ask) throws InterruptedException {
        for (DnsExchange source : ask) {
            Set<InetAddress> found = new LinkedHashSet<>();
            for (int type : new int[] {Type.A, Type.AAAA}) {
                try {
                    for (Record r : source.ask(host, type).getSection(Section.ANSWER)) {
                        if (r instanceof ARecord a && r.getName().equals(host)) {
                            found.add(a.getAddress());
                        } else if (r instanceof AAAARecord aaaa && r.getName().equals(host)) {
                            found.add(aaaa.getAddress());
                        }
                    }
                } catch (DnsException e) {
                    // this source cannot say: the next may
                }
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        return Collections.emptySet();
    }

    /** An address as people write it: IPv6 with its longest run of zero groups as {@code ::} (RFC 5952). */
    static String text(InetAddress address) {
        String full = address.getHostAddress();
        int scope = full.indexOf('%');
        if (!(address instanceof Inet6Address)) {
            return full;
        }
        String[] groups = (scope < 0 ? full : full.substring(0, scope)).split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays as it is
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    /** Whether this host has an address of the same family that is not link-local (loopback counts for loopback). */
    static boolean routable(InetAddress target) {
        if (target.isLoopbackAddress()) {
            return true;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress local : Collections.list(nic.getInetAddresses())) {
                    boolean sameFamily = target instanceof Inet4Address ? local instanceof Inet4Address
                            : local instanceof Inet6Address;
                    if (sameFamily && !local.isLoopbackAddress() && !local.isLinkLocalAddress()) {
                        return true;
                    }
                }
            }
            return false;
        } catch (SocketException e) {
            return true; // cannot tell: ask, and let the answer (or its absence) speak
        }
    }
}
