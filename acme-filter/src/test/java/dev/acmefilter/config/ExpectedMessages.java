package dev.acmefilter.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The error messages the config tests' tables expect, written with placeholders: {@code {file}} for the
 * test's homeserver.yaml, {@code {dir}} for its folder, and {@code {name}} for each phrase that several
 * messages share, so that a phrase is written once here and every message still compares in full.
 * A table's YAML cell holds its lines with a literal {@code \n} between them ({@code \\n} in a text block).
 */
final class ExpectedMessages {

    /** name = phrase, one a line. */
    private static final String PHRASES = """
            dns-name = expected a DNS name such as matrix.example.org, made of dot-separated labels of 1 to 63 letters, digits and inner hyphens (internationalised names in their xn-- form)
            acme-url = expected an absolute https:// URL of the CA's ACME v2 directory, such as https://acme-v02.api.letsencrypt.org/directory
            key-mode = expected 0600 or 0640 (owner read and write, group at most read, others nothing)
            ca-file = expected a readable PEM file with at least one X.509 CA certificate
            seconds = expected a whole number of seconds from 1 to 3600
            signals = expected one of HUP, USR1, USR2, INT, TERM, QUIT, WINCH, or none
            key-types = expected one of ec256, ec384, rsa2048, rsa3072, rsa4096
            profile = expected the name of a certificate profile the CA offers, such as tlsserver or shortlived (Let's Encrypt)
            chain = expected the common name or distinguished name of the root or an issuer of the chain to prefer, such as 'ISRG Root X1'
            port = expected an integer from 1 to 65535
            days = expected a whole number of days, 1 or more
            ip-literals = expected literal IPv4 or IPv6 addresses such as '::' or '0.0.0.0', not host names
            ip-list = expected a list of IP addresses such as ['::', '0.0.0.0']
            hmac-key = expected the MAC key (hmac_key) your CA gave you, in base64url or base64
            wildcard = which the http-01 challenge cannot validate; expected each name spelled out, such as matrix.example.org, or
            tls-listener = expected host:port of the homeserver's TLS listener, such as localhost:8448
            own-file = expected a file of its own: two settings writing one file would overwrite each other
            dns-server = expected the address[:port] of the primary server that accepts updates, e.g. 192.0.2.53:53 or [2001:db8::53]:53
            dns = expected a mapping with rfc2136 (dynamic update with a TSIG key) or command (a hook program), and optionally command_timeout, ttl, propagation_timeout, check_servers
            key-block = expected a file holding tsig-keygen's key block or the base64 secret alone
            hook = expected an executable program, run as '<command> present|cleanup <fqdn> <value>'
            check-servers = expected a list of DNS servers as address[:port], e.g. ['192.0.2.53:53', '[2001:db8::53]:53']
            tsig-key = expected the name of the TSIG key, as in tsig-keygen's key "acme-update" { ... }
            """;

    private static final Map<String, String> BY_NAME = new LinkedHashMap<>();

    static {
        PHRASES.lines().forEach(line -> {
            int eq = line.indexOf(" = ");
            BY_NAME.put("{" + line.substring(0, eq) + "}", line.substring(eq + 3));
        });
    }

    private ExpectedMessages() {
    }

    /** The message {@code template} stands for, for a homeserver.yaml in {@code dir}. */
    static String expand(String template, Path dir) {
        String message = template.replace("{file}", dir.resolve("homeserver.yaml").toString())
                .replace("{dir}", dir.toString());
        for (Map.Entry<String, String> phrase : BY_NAME.entrySet()) {
            message = message.replace(phrase.getKey(), phrase.getValue());
        }
        return message;
    }

    /** The YAML lines of a table cell. */
    static String[] lines(String cell) {
        return cell.split("\\\\n", -1);
    }

    /** The YAML document of a table cell, {@code null} for none. */
    static String document(String cell) {
        return cell == null ? null : cell.replace("\\n", "\n");
    }
}
