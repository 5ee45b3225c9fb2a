package dev.acmefilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code acme.dns} in {@code homeserver.yaml}: every key, the inheritance of entries, every wrong value. */
class DnsSectionTest {

    /** A TSIG secret as tsig-keygen prints it; it must never show up in a message. */
    static final String SECRET = "R/LlO5NANpPWeialjxIGaEEoNNsSEQNInIg87Uaycp4=";
    static final String KEY_BLOCK = "key \"acme-update\" {\n\talgorithm hmac-sha512;\n\tsecret \"" + SECRET
            + "\";\n};\n";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Path key = Files.writeString(dir.resolve("acme-tsig.key"), KEY_BLOCK);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path hook = Files.writeString(dir.resolve("hook.sh"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("not-executable.sh"), "#!/bin/sh\n");
    }

    private AcmeConfig load(String... acmeLines) throws Exception {
        return TestConfig.loadEnabledWith(dir, acmeLines);
    }

    @Test
    void anRfc2136SectionWithAKeyFileLoadsEveryValue() throws Exception {
        AcmeConfig c = load("challenge: dns-01",
                "domains: ['*.Example.org']",
                "dns:",
                "  rfc2136:",
                "    server: 192.0.2.53:5353",
                "    tsig_secret_file: acme-tsig.key",
                "    zone: example.org",
                "  ttl: 30",
                "  propagation_timeout: 90",
                "  check_servers: ['127.0.0.1:15353', '[::1]:15353']");
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.domains()).containsExactly("example.org", "*.example.org");
        assertThat(s.challenge().type()).isEqualTo(ChallengeType.DNS_01);
        DnsSettings dns = s.challenge().dns01().orElseThrow();
        Rfc2136Settings update = dns.rfc2136().orElseThrow();
        assertThat(update.server()).isEqualTo(new DnsServer("192.0.2.53", 5353));
        assertThat(update.key()).as("name and algorithm from the key block")
                .isEqualTo(TsigKey.of("acme-update.", TsigAlgorithm.HMAC_SHA512, SECRET));
        assertThat(update.zone()).contains("example.org.");
        assertThat(dns.hook()).isEmpty();
        assertThat(dns.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(dns.propagationTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(dns.checkServers()).containsExactly(new DnsServer("127.0.0.1", 15353),
                new DnsServer("::1", 15353));
        assertThat(s.challenge().describe()).isEqualTo("dns-01 (RFC 2136 at 192.0.2.53:5353 with TSIG key"
                + " acme-update. (hmac-sha512) in the zone example.org.)");
        assertThat(c.warnings()).isEmpty();
        assertThat(c.toString()).doesNotContain(SECRET);
    }

    @Test
    void anInlineSecretAndTheDefaultsAreTaken() throws Exception {
        CertificateSettings s = load("challenge: DNS-01",
                "dns: {rfc2136: {server: ns1.example.org, tsig_key: acme-update, tsig_secret: '" + SECRET + "'}}")
                .certificates().get(0);

        DnsSettings dns = s.challenge().dns01().orElseThrow();
        assertThat(dns.rfc2136().orElseThrow().server()).isEqualTo(new DnsServer("ns1.example.org", 53));
        assertThat(dns.rfc2136().orElseThrow().key())
                .isEqualTo(TsigKey.of("acme-update.", TsigAlgorithm.HMAC_SHA256, SECRET));
        assertThat(dns.rfc2136().orElseThrow().zone()).isEmpty();
        assertThat(dns.ttl()).isEqualTo(DnsSettings.DEFAULT_TTL);
        assertThat(dns.propagationTimeout()).isEqualTo(DnsSettings.DEFAULT_PROPAGATION_TIMEOUT);
        assertThat(dns.checkServers()).isEmpty();
    }

    @Test
    void aHookCommandIsResolvedBesideTheConfigWithItsTimeout() throws Exception {
        CertificateSettings s = load("challenge: dns-01", "dns:", "  command: hook.sh", "  command_timeout: 20")
                .certificates().get(0);

        assertThat(s.challenge().dns01().orElseThrow().hook())
                .contains(new HookSettings(dir.resolve("hook.sh"), Duration.ofSeconds(20)));
        assertThat(s.challenge().describe()).isEqualTo("dns-01 (the hook " + dir.resolve("hook.sh") + ")");
    }

    @Test
    void withoutTheKeysTheChallengeIsHttp01() throws Exception {
        CertificateSettings s = load().certificates().get(0);

        assertThat(s.challenge()).isEqualTo(ChallengeSettings.DEFAULTS);
        assertThat(s.challenge().describe()).isEqualTo("http-01");
    }

    @Test
    void anEntryInheritsTheDnsSettingsItLeavesOutAndReplacesTheWayToChangeDnsWhole() throws Exception {
        AcmeConfig c = load("challenge: dns-01",
                "dns:",
                "  rfc2136: {server: 192.0.2.53, tsig_secret_file: acme-tsig.key, zone: example.org}",
                "  ttl: 30",
                "  check_servers: ['192.0.2.54']",
                "certificates:",
                "  - id: same",
                "    domains: ['*.example.org']",
                "    certificate_path: same.crt",
                "    private_key_path: same.key",
                "  - id: other-zone",
                "    domains: [other.example]",
                "    certificate_path: other.crt",
                "    private_key_path: other.key",
                "    dns:",
                "      command: hook.sh",
                "      propagation_timeout: 300",
                "  - id: web",
                "    challenge: http-01",
                "    domains: [www.example.org]",
                "    certificate_path: web.crt",
                "    private_key_path: web.key");
        DnsSettings top = c.certificate("default").orElseThrow().challenge().dns01().orElseThrow();

        CertificateSettings same = c.certificate("same").orElseThrow();
        assertThat(same.challenge().dns01()).contains(top);

        DnsSettings other = c.certificate("other-zone").orElseThrow().challenge().dns01().orElseThrow();
        assertThat(other.rfc2136()).as("the hook replaces rfc2136 whole").isEmpty();
        assertThat(other.hook()).contains(HookSettings.of(dir.resolve("hook.sh")));
        assertThat(other.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(other.propagationTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(other.checkServers()).containsExactly(new DnsServer("192.0.2.54", 53));

        CertificateSettings web = c.certificate("web").orElseThrow();
        assertThat(web.challenge().type()).isEqualTo(ChallengeType.HTTP_01);
        assertThat(web.challenge().dns01()).isEmpty();
    }

    @Test
    void anEntryMayChooseDns01AloneWithItsOwnSettings() throws Exception {
        AcmeConfig c = load("certificates:",
                "  - id: wild",
                "    domains: ['*.example.org', example.org]",
                "    certificate_path: wild.crt",
                "    private_key_path: wild.key",
                "    challenge: dns-01",
                "    dns: {command: hook.sh}");

        assertThat(c.certificate("default").orElseThrow().challenge()).isEqualTo(ChallengeSettings.DEFAULTS);
        CertificateSettings wild = c.certificate("wild").orElseThrow();
        assertThat(wild.domains()).containsExactly("*.example.org", "example.org");
        assertThat(wild.challenge().dns01().orElseThrow().hook()).isPresent();
    }

    @Test
    void dnsSettingsNoCertificateUsesAreAWarning() throws Exception {
        Path file = dir.resolve("homeserver.yaml");
        AcmeConfig c = load("dns: {command: hook.sh}",
                "certificates:",
                "  - id: web",
                "    domains: [www.example.org]",
                "    certificate_path: web.crt",
                "    private_key_path: web.key",
                "    dns: {command: hook.sh}");

        assertThat(c.warnings()).containsExactly(
                file + ": acme.certificates[0].dns: ignored: the certificate is answered with http-01 (set"
                        + " acme.certificates[0].challenge: dns-01)",
                file + ": acme.dns: ignored: no certificate is answered with dns-01 (set acme.challenge: dns-01)");
    }

    @Test
    void aKeyFileOthersCanReadIsAWarning() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("acme-tsig.key"), PosixFilePermissions.fromString("rw-r--r--"));

        AcmeConfig c = load("challenge: dns-01", "dns: {rfc2136: {server: 192.0.2.53, tsig_secret_file: acme-tsig.key}}");

        assertThat(c.warnings()).containsExactly(dir.resolve("homeserver.yaml") + ": acme.dns.rfc2136.tsig_secret_file: "
                + dir.resolve("acme-tsig.key") + " can be read by every user of this host; expected mode 0600 or 0640"
                + " (the secret lets whoever has it change the zone's TXT records)");
    }

    // ------------------------------------------------------------ configs that fail

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void aWrongValueFailsWithOneMessageNamingTheKey(String name, List<String> acmeLines, String expected)
            throws Exception {
        Path file = dir.resolve("homeserver.yaml");
        String message = expected.replace("{file}", file.toString()).replace("{dir}", dir.toString());

        assertThatThrownBy(() -> load(acmeLines.toArray(String[]::new)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> malformed() {
        String server = "expected the address[:port] of the primary server that accepts updates, e.g. 192.0.2.53:53"
                + " or [2001:db8::53]:53";
        String dnsExpected = "expected a mapping with rfc2136 (dynamic update with a TSIG key) or command (a hook"
                + " program), and optionally command_timeout, ttl, propagation_timeout, check_servers";
        String fileExpected = "expected a file holding tsig-keygen's key block or the base64 secret alone";
        String rfc = "  rfc2136: {server: 192.0.2.53, ";
        return Stream.of(
                Arguments.of("unknown challenge", List.of("challenge: tls-alpn-01"),
                        "{file}: acme.challenge: 'tls-alpn-01' is not a challenge this provisioner answers; expected"
                                + " http-01 or dns-01"),
                Arguments.of("challenge a list", List.of("challenge: [dns-01]"),
                        "{file}: acme.challenge: expected http-01 or dns-01, found a list"),
                Arguments.of("dns-01 without dns", List.of("challenge: dns-01"),
                        "{file}: acme.dns: missing, but acme.challenge is dns-01; " + dnsExpected),
                Arguments.of("dns a string", List.of("challenge: dns-01", "dns: rfc2136"),
                        "{file}: acme.dns: " + dnsExpected + ", found 'rfc2136'"),
                Arguments.of("neither way", List.of("challenge: dns-01", "dns: {ttl: 30}"),
                        "{file}: acme.dns: neither rfc2136 nor command is set; " + dnsExpected),
                Arguments.of("both ways", List.of("dns:", rfc + "tsig_secret_file: acme-tsig.key}", "  command: hook.sh"),
                        "{file}: acme.dns.command: set together with acme.dns.rfc2136; expected one way to change"
                                + " DNS: rfc2136 or command, not both"),
                Arguments.of("server missing", List.of("dns:", "  rfc2136: {tsig_secret_file: acme-tsig.key}"),
                        "{file}: acme.dns.rfc2136.server: missing; " + server),
                Arguments.of("server with a bad port", List.of("dns:", "  rfc2136: {server: '192.0.2.53:dns'}"),
                        "{file}: acme.dns.rfc2136.server: '192.0.2.53:dns' is not a DNS server address; " + server),
                Arguments.of("server a URL", List.of("dns:", "  rfc2136: {server: 'http://ns1.example.org'}"),
                        "{file}: acme.dns.rfc2136.server: 'http://ns1.example.org' is not a DNS server address; "
                                + server),
                Arguments.of("secret missing", List.of("dns:", rfc + "tsig_key: acme-update}"),
                        "{file}: acme.dns.rfc2136.tsig_secret_file: missing; " + fileExpected
                                + " (or tsig_secret with the secret itself)"),
                Arguments.of("both secrets", List.of("dns:", rfc + "tsig_key: k, tsig_secret: AAAA,"
                                + " tsig_secret_file: acme-tsig.key}"),
                        "{file}: acme.dns.rfc2136.tsig_secret: set together with"
                                + " acme.dns.rfc2136.tsig_secret_file; expected one of them"),
                Arguments.of("key name missing with an inline secret", List.of("dns:", rfc + "tsig_secret: AAAA}"),
                        "{file}: acme.dns.rfc2136.tsig_key: missing; expected the name of the TSIG key, as in"
                                + " tsig-keygen's key \"acme-update\" { ... }"),
                Arguments.of("key name with a blank", List.of("dns:", rfc + "tsig_key: 'acme update', tsig_secret: AAAA}"),
                        "{file}: acme.dns.rfc2136.tsig_key: 'acme update' is not a key name; expected the name of"
                                + " the TSIG key, as in tsig-keygen's key \"acme-update\" { ... }"),
                Arguments.of("unknown algorithm", List.of("dns:", rfc + "tsig_key: k, tsig_algorithm: hmac-md5,"
                                + " tsig_secret: AAAA}"),
                        "{file}: acme.dns.rfc2136.tsig_algorithm: 'hmac-md5' is not a supported TSIG algorithm;"
                                + " expected one of hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha1"),
                Arguments.of("algorithm not the key file's", List.of("dns:", rfc + "tsig_algorithm: hmac-sha256,"
                                + " tsig_secret_file: acme-tsig.key}"),
                        "{file}: acme.dns.rfc2136.tsig_algorithm: 'hmac-sha256', but the key in {dir}/acme-tsig.key"
                                + " is hmac-sha512; expected the key's own algorithm, or no tsig_algorithm"),
                Arguments.of("key file missing", List.of("dns:", rfc + "tsig_secret_file: missing.key}"),
                        "{file}: acme.dns.rfc2136.tsig_secret_file: {dir}/missing.key does not exist; "
                                + fileExpected),
                Arguments.of("key file without that key", List.of("dns:", rfc + "tsig_key: other,"
                                + " tsig_secret_file: acme-tsig.key}"),
                        "{file}: acme.dns.rfc2136.tsig_secret_file: {dir}/acme-tsig.key holds the key acme-update.,"
                                + " not other.; " + fileExpected),
                Arguments.of("key file a folder", List.of("dns:", rfc + "tsig_secret_file: .}"),
                        "{file}: acme.dns.rfc2136.tsig_secret_file: {dir} is not a regular file; " + fileExpected),
                Arguments.of("zone not a name", List.of("dns:", rfc + "tsig_secret_file: acme-tsig.key, zone: 'a b'}"),
                        "{file}: acme.dns.rfc2136.zone: 'a b' is not a domain name; expected the zone the records"
                                + " go into, such as example.org"),
                Arguments.of("unknown rfc2136 key is only a warning, a missing server is not",
                        List.of("dns:", "  rfc2136: {tsig_secret_file: acme-tsig.key, port: 53}"),
                        "{file}: acme.dns.rfc2136.server: missing; " + server),
                Arguments.of("command missing file", List.of("dns: {command: /nonexistent/hook}"),
                        "{file}: acme.dns.command: /nonexistent/hook does not exist; expected an executable program,"
                                + " run as '<command> present|cleanup <fqdn> <value>'"),
                Arguments.of("command not executable", List.of("dns: {command: not-executable.sh}"),
                        "{file}: acme.dns.command: {dir}/not-executable.sh is not executable; expected an executable"
                                + " program, run as '<command> present|cleanup <fqdn> <value>'"),
                Arguments.of("command timeout 0", List.of("dns: {command: hook.sh, command_timeout: 0}"),
                        "{file}: acme.dns.command_timeout: 0 is not a positive number of seconds; expected a whole"
                                + " number of seconds from 1 to 3600"),
                Arguments.of("ttl 0", List.of("dns: {command: hook.sh, ttl: 0}"),
                        "{file}: acme.dns.ttl: 0 is not a TTL in seconds; expected a whole number of seconds from 1"
                                + " to 86400"),
                Arguments.of("ttl a day and more", List.of("dns: {command: hook.sh, ttl: 86401}"),
                        "{file}: acme.dns.ttl: 86401 is not a TTL in seconds; expected a whole number of seconds"
                                + " from 1 to 86400"),
                Arguments.of("propagation timeout a word", List.of("dns: {command: hook.sh, propagation_timeout: long}"),
                        "{file}: acme.dns.propagation_timeout: 'long' is not a number of seconds; expected a whole"
                                + " number of seconds from 1 to 3600"),
                Arguments.of("check server not an address", List.of("dns: {command: hook.sh, check_servers:"
                                + " ['ns1:x']}"),
                        "{file}: acme.dns.check_servers: 'ns1:x' is not a DNS server address; expected a list of"
                                + " DNS servers as address[:port], e.g. ['192.0.2.53:53', '[2001:db8::53]:53']"),
                Arguments.of("check servers a mapping", List.of("dns: {command: hook.sh, check_servers: {a: b}}"),
                        "{file}: acme.dns.check_servers: expected a list of DNS servers as address[:port], e.g."
                                + " ['192.0.2.53:53', '[2001:db8::53]:53'], found a mapping"),
                Arguments.of("entry dns-01 without dns anywhere", List.of("certificates:",
                                "  - id: wild", "    domains: [a.example.org]", "    certificate_path: a.crt",
                                "    private_key_path: a.key", "    challenge: dns-01"),
                        "{file}: acme.certificates[0].dns: missing, but acme.certificates[0].challenge is dns-01; "
                                + dnsExpected),
                Arguments.of("entry wildcard with http-01", List.of("certificates:",
                                "  - id: wild", "    domains: ['*.example.org']", "    certificate_path: a.crt",
                                "    private_key_path: a.key"),
                        "{file}: acme.certificates[0].domains: '*.example.org' is a wildcard name, which the http-01"
                                + " challenge cannot validate; expected each name spelled out, such as"
                                + " matrix.example.org, or acme.certificates[0].challenge: dns-01 (the only challenge"
                                + " that can validate a wildcard)"),
                Arguments.of("wildcard of a single label", List.of("challenge: dns-01", "domains: ['*.org']",
                                "dns: {command: hook.sh}"),
                        "{file}: acme.domains: '*.org' is not a valid wildcard name: 'org' is a single label, not a"
                                + " full DNS name; expected a DNS name such as matrix.example.org, made of"
                                + " dot-separated labels of 1 to 63 letters, digits and inner hyphens"
                                + " (internationalised names in their xn-- form)"),
                Arguments.of("wildcard in the middle", List.of("challenge: dns-01", "domains: ['a.*.example.org']",
                                "dns: {command: hook.sh}"),
                        "{file}: acme.domains: 'a.*.example.org' is a wildcard name, which the http-01 challenge"
                                + " cannot validate; expected each name spelled out, such as matrix.example.org, or"
                                + " acme.challenge: dns-01 (the only challenge that can validate a wildcard)"));
    }

    // ------------------------------------------------------------ the secret

    @Test
    void theTsigSecretNeverAppearsInAnyMessageWarningOrText() throws Exception {
        Path file = dir.resolve("homeserver.yaml");
        String rfc = "  rfc2136: {server: 192.0.2.53, tsig_key: acme-update, ";
        List<List<String>> broken = List.of(
                List.of("dns:", rfc + "tsig_secret: '" + SECRET + "*'}"),
                List.of("dns:", rfc + "tsig_secret: ['" + SECRET + "']}"),
                List.of("dns:", rfc + "tsig_secret: " + SECRET + ", zone: 'a b'}"),
                List.of("dns:", rfc + "tsig_secret: " + SECRET + ", tsig_algorithm: md5}"),
                List.of("dns:", rfc + "tsig_secret: " + SECRET + ": [}"),
                List.of("dns:", rfc + "tsig_secret: *" + SECRET + "}"),
                List.of("dns:", rfc + "tsig_secret: !!" + SECRET + " x}"));
        for (List<String> lines : broken) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(lines.toArray(String[]::new)));
            assertThat(e).as(String.join("\n", lines)).isNotNull();
            assertThat(e.getMessage()).as(String.join("\n", lines)).doesNotContain(SECRET)
                    .doesNotContain(SECRET.substring(0, 12));
        }
        Files.writeString(dir.resolve("garbled.key"), "key \"acme-update\" { secret \"" + SECRET + "\" }");
        ConfigException garbled = catchThrowableOfType(ConfigException.class, () -> load("dns:",
                "  rfc2136: {server: 192.0.2.53, tsig_secret_file: garbled.key}"));
        assertThat(garbled.getMessage()).doesNotContain(SECRET.substring(0, 12))
                .startsWith(file + ": acme.dns.rfc2136.tsig_secret_file: " + dir.resolve("garbled.key")
                        + " holds neither a key block");

        AcmeConfig c = load("challenge: dns-01", "dns:", rfc + "tsig_secret: '" + SECRET + "', port: 1}");
        assertThat(c.warnings()).hasSize(1).allSatisfy(w -> assertThat(w).doesNotContain(SECRET));
        assertThat(c.toString()).doesNotContain(SECRET);
        assertThat(c.certificates().get(0).challenge().describe()).doesNotContain(SECRET);
        assertThat(c.certificates().get(0).challenge().dns01().map(Object::toString)).hasValueSatisfying(
                text -> assertThat(text).doesNotContain(SECRET));
        assertThat(Optional.of(c.certificates().get(0).challenge().dns01().orElseThrow().rfc2136().orElseThrow()
                .key().secret())).hasValueSatisfying(bytes -> assertThat(bytes).hasSize(32));
    }
}
