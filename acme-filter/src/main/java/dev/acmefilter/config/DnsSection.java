package dev.acmefilter.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code dns:} (under {@code acme:} or an entry of {@code acme.certificates}) into
 * {@link DnsSettings}: one way to change TXT records ({@code rfc2136} or {@code command}),
 * the records' {@code ttl}, how long to wait for every server ({@code propagation_timeout})
 * and whom to ask ({@code check_servers}). An entry's {@code dns:} inherits each of these
 * it leaves out; a way to change DNS it sets replaces the inherited one whole, so that a
 * server, key or zone meant for another zone is never mixed in.
 *
 * <p>The TSIG secret never appears in a message, warning or log line: a wrong one is
 * described by its kind ("a number", "not base64"), never by its text.
 */
final class DnsSection {

    static final List<String> KEYS = List.of("rfc2136", "command", "command_timeout", "ttl", "propagation_timeout",
            "check_servers");
    static final List<String> RFC2136_KEYS = List.of("server", "tsig_key", "tsig_algorithm", "tsig_secret",
            "tsig_secret_file", "zone");
    static final String EXPECTED = "a mapping with rfc2136 (dynamic update with a TSIG key) or command (a hook"
            + " program), and optionally command_timeout, ttl, propagation_timeout, check_servers";
    private static final String RFC2136_EXPECTED = "a mapping with " + String.join(", ", RFC2136_KEYS);
    private static final String SERVER_EXPECTED = "the address[:port] of the primary server that accepts updates,"
            + " e.g. 192.0.2.53:53 or [2001:db8::53]:53";
    private static final String KEY_EXPECTED = "the name of the TSIG key, as in tsig-keygen's key \"acme-update\" {"
            + " ... }";
    private static final String SECRET_EXPECTED = "the key's base64 secret, as tsig-keygen prints it";
    private static final String SECRET_FILE_EXPECTED = "a file holding tsig-keygen's key block or the base64 secret"
            + " alone";
    private static final String ZONE_EXPECTED = "the zone the records go into, such as example.org";
    private static final String COMMAND_EXPECTED = "an executable program, run as '<command> present|cleanup <fqdn>"
            + " <value>'";
    private static final String TTL_EXPECTED = "a whole number of seconds from 1 to 86400";
    private static final String CHECK_EXPECTED = "a list of DNS servers as address[:port], e.g. ['192.0.2.53:53',"
            + " '[2001:db8::53]:53']";

    private DnsSection() {
    }

    /** {@code dns} of {@code owner} (which has it); what it leaves out is {@code inherited}. */
    static DnsSettings parse(Section owner, Optional<DnsSettings> inherited) {
        Section dns = owner.section("dns", EXPECTED, KEYS);
        boolean rfc2136 = dns.has("rfc2136");
        boolean command = dns.has("command");
        if (rfc2136 && command) {
            throw dns.valueError("command", "set together with " + dns.key("rfc2136"),
                    "one way to change DNS: rfc2136 or command, not both");
        }
        Duration hookTimeout = dns.seconds("command_timeout", inherited.flatMap(DnsSettings::hook)
                .map(HookSettings::timeout).orElse(HookSettings.DEFAULT_TIMEOUT));
        Optional<Rfc2136Settings> update;
        Optional<HookSettings> hook;
        if (rfc2136) {
            update = Optional.of(rfc2136(dns.section("rfc2136", RFC2136_EXPECTED, RFC2136_KEYS)));
            hook = Optional.empty();
        } else if (command) {
            update = Optional.empty();
            hook = Optional.of(new HookSettings(command(dns), hookTimeout));
        } else if (inherited.isPresent()) {
            update = inherited.get().rfc2136();
            hook = inherited.get().hook().map(h -> new HookSettings(h.command(), hookTimeout));
        } else {
            throw owner.valueError("dns", "neither rfc2136 nor command is set", EXPECTED);
        }
        if (hook.isEmpty() && dns.has("command_timeout")) {
            dns.warn(dns.key("command_timeout") + ": ignored: DNS is changed by rfc2136, not by a command");
        }
        Duration ttl = Duration.ofSeconds(dns.positive("ttl", (int) inherited.map(DnsSettings::ttl)
                .orElse(DnsSettings.DEFAULT_TTL).toSeconds(), 86_400, "is not a TTL in seconds", TTL_EXPECTED));
        Duration timeout = dns.seconds("propagation_timeout", inherited.map(DnsSettings::propagationTimeout)
                .orElse(DnsSettings.DEFAULT_PROPAGATION_TIMEOUT));
        List<DnsServer> checkServers = dns.has("check_servers") ? checkServers(dns)
                : inherited.map(DnsSettings::checkServers).orElse(List.of());
        return new DnsSettings(update, hook, ttl, timeout, checkServers);
    }

    private static Rfc2136Settings rfc2136(Section r) {
        String serverText = r.text("server", "the address is empty", SERVER_EXPECTED);
        if (serverText == null) {
            throw r.valueError("server", "missing", SERVER_EXPECTED);
        }
        DnsServer server;
        try {
            server = DnsServer.parse(serverText, DnsServer.DNS_PORT);
        } catch (IllegalArgumentException e) {
            throw r.valueError("server", Shown.quote(serverText) + " is not a DNS server address", SERVER_EXPECTED);
        }
        String keyName = r.text("tsig_key", "the key name is empty", KEY_EXPECTED);
        if (keyName != null && !DnsNames.isOwnerName(strip(keyName))) {
            throw r.valueError("tsig_key", Shown.quote(keyName) + " is not a key name", KEY_EXPECTED);
        }
        String algorithmText = r.text("tsig_algorithm", "the algorithm is empty", "one of " + TsigAlgorithm.names());
        Optional<TsigAlgorithm> algorithm = Optional.ofNullable(algorithmText).map(a -> TsigAlgorithm.fromName(a)
                .orElseThrow(() -> r.valueError("tsig_algorithm", Shown.quote(a)
                        + " is not a supported TSIG algorithm", "one of " + TsigAlgorithm.names())));

        boolean inline = r.has("tsig_secret");
        boolean inFile = r.has("tsig_secret_file");
        if (inline && inFile) {
            throw r.valueError("tsig_secret", "set together with " + r.key("tsig_secret_file"), "one of them");
        }
        String secret;
        String secretKey;
        if (inline) {
            secretKey = "tsig_secret";
            Object value = r.get("tsig_secret");
            if (!(value instanceof String text)) {
                throw r.error("tsig_secret", "expected " + SECRET_EXPECTED + ", found " + Shown.describeType(value));
            }
            secret = text;
        } else if (inFile) {
            secretKey = "tsig_secret_file";
            Path file = r.requiredPath("tsig_secret_file", SECRET_FILE_EXPECTED);
            TsigKeyFile read;
            try {
                read = TsigKeyFile.read(file, keyName);
            } catch (IllegalArgumentException e) {
                throw r.valueError("tsig_secret_file", e.getMessage(), SECRET_FILE_EXPECTED);
            }
            warnWhenOthersCanRead(r, file);
            if (keyName == null) {
                keyName = read.name().orElse(null);
            }
            if (read.algorithm().isPresent()) {
                TsigAlgorithm inKeyFile = TsigAlgorithm.fromName(read.algorithm().get()).orElseThrow(() ->
                        r.valueError("tsig_secret_file", "the key in " + file + " is " + read.algorithm().get()
                                + ", which is not supported", "a key of " + TsigAlgorithm.names()));
                if (algorithm.isPresent() && algorithm.get() != inKeyFile) {
                    throw r.valueError("tsig_algorithm", Shown.quote(algorithmText) + ", but the key in " + file
                            + " is " + inKeyFile, "the key's own algorithm, or no tsig_algorithm");
                }
                algorithm = Optional.of(inKeyFile);
            }
            secret = read.secret();
        } else {
            throw r.valueError("tsig_secret_file", "missing", SECRET_FILE_EXPECTED + " (or tsig_secret with the"
                    + " secret itself)");
        }
        if (keyName == null) {
            throw r.valueError("tsig_key", "missing", KEY_EXPECTED);
        }
        TsigKey key;
        try {
            key = TsigKey.of(keyName, algorithm.orElse(TsigAlgorithm.DEFAULT), secret);
        } catch (IllegalArgumentException e) {
            // the name was checked above: this is about the secret, whose message never quotes it
            throw r.valueError(secretKey, e.getMessage(), inline ? SECRET_EXPECTED : SECRET_FILE_EXPECTED);
        }
        String zone = r.text("zone", "the zone is empty", ZONE_EXPECTED);
        try {
            return new Rfc2136Settings(server, key, Optional.ofNullable(zone));
        } catch (IllegalArgumentException e) {
            throw r.valueError("zone", Shown.quote(zone) + " is not a domain name", ZONE_EXPECTED);
        }
    }

    private static Path command(Section dns) {
        Path program = dns.requiredPath("command", COMMAND_EXPECTED);
        if (!Files.isRegularFile(program)) {
            throw dns.valueError("command", program + (Files.exists(program) ? " is not a regular file"
                    : " does not exist"), COMMAND_EXPECTED);
        }
        if (!Files.isExecutable(program)) {
            throw dns.valueError("command", program + " is not executable", COMMAND_EXPECTED);
        }
        return program;
    }

    private static List<DnsServer> checkServers(Section dns) {
        List<DnsServer> servers = new ArrayList<>();
        for (String text : dns.strings("check_servers", CHECK_EXPECTED, true)) {
            try {
                servers.add(DnsServer.parse(text, DnsServer.DNS_PORT));
            } catch (IllegalArgumentException e) {
                throw dns.valueError("check_servers", Shown.quote(text) + " is not a DNS server address",
                        CHECK_EXPECTED);
            }
        }
        return servers;
    }

    /** A secret file anyone may read gives anyone the power to change the zone's TXT records. */
    private static void warnWhenOthersCanRead(Section r, Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.OTHERS_READ)) {
                r.warn(r.key("tsig_secret_file") + ": " + file + " can be read by every user of this host; expected"
                        + " mode 0600 or 0640 (the secret lets whoever has it change the zone's TXT records)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX modes here: nothing to say
        }
    }

    private static String strip(String name) {
        String n = name.strip();
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
