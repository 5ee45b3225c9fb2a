package dev.acmefilter.dns;

import dev.acmefilter.config.DnsSettings;
import dev.acmefilter.config.DnsServer;
import dev.acmefilter.config.Rfc2136Settings;
import dev.acmefilter.config.TsigKey;
import dev.acmefilter.config.TsigAlgorithm;
import java.nio.file.Path;

/**
 * A process that adds one TXT record through RFC 2136 and then waits to be killed: the
 * "crash" of {@link DnsJournalTest}. Arguments: state folder, server, domain, value; the
 * key is the fixture's {@code acme-update.} (hmac-sha256) with the secret in
 * {@code TSIG_SECRET}.
 */
public final class AddThenHang {

    private AddThenHang() {
    }

    public static void main(String[] args) throws Exception {
        DnsSettings settings = DnsSettings.rfc2136(Rfc2136Settings.of(DnsServer.parse(args[1], 53),
                TsigKey.of("acme-update.", TsigAlgorithm.HMAC_SHA256, System.getenv("TSIG_SECRET"))));
        DnsSolver solver = DnsSolver.create(settings, Path.of(args[0]));
        solver.add(args[2], args[3]);
        System.out.println("ADDED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
