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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    @CsvSource(delimiter = '|', textBlock = """
            # name | the lines under acme:, see ExpectedMessages | the message
            unknown challenge | challenge: tls-alpn-01 | {file}: acme.challenge: 'tls-alpn-01' is not a challenge this provisioner answers; expected http-01 or dns-01
            challenge a list | challenge: [dns-01] | {file}: acme.challenge: expected http-01 or dns-01, found a list
            dns-01 without dns | challenge: dns-01 | {file}: acme.dns: missing, but acme.challenge is dns-01; {dns}
            dns a string | challenge: dns-01\\ndns: rfc2136 | {file}: acme.dns: {dns}, found 'rfc2136'
            neither way | challenge: dns-01\\ndns: {ttl: 30} | {file}: acme.dns: neither rfc2136 nor command is set; {dns}
            both ways | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_secret_file: acme-tsig.key}\\n  command: hook.sh | {file}: acme.dns.command: set together with acme.dns.rfc2136; expected one way to change DNS: rfc2136 or command, not both
            server missing | dns:\\n  rfc2136: {tsig_secret_file: acme-tsig.key} | {file}: acme.dns.rfc2136.server: missing; {dns-server}
            server with a bad port | dns:\\n  rfc2136: {server: '192.0.2.53:dns'} | {file}: acme.dns.rfc2136.server: '192.0.2.53:dns' is not a DNS server address; {dns-server}
            server a URL | dns:\\n  rfc2136: {server: 'http://ns1.example.org'} | {file}: acme.dns.rfc2136.server: 'http://ns1.example.org' is not a DNS server address; {dns-server}
            secret missing | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_key: acme-update} | {file}: acme.dns.rfc2136.tsig_secret_file: missing; {key-block} (or tsig_secret with the secret itself)
            both secrets | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_key: k, tsig_secret: AAAA, tsig_secret_file: acme-tsig.key} | {file}: acme.dns.rfc2136.tsig_secret: set together with acme.dns.rfc2136.tsig_secret_file; expected one of them
            key name missing with an inline secret | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_secret: AAAA} | {file}: acme.dns.rfc2136.tsig_key: missing; {tsig-key}
            key name with a blank | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_key: 'acme update', tsig_secret: AAAA} | {file}: acme.dns.rfc2136.tsig_key: 'acme update' is not a key name; {tsig-key}
            unknown algorithm | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_key: k, tsig_algorithm: hmac-md5, tsig_secret: AAAA} | {file}: acme.dns.rfc2136.tsig_algorithm: 'hmac-md5' is not a supported TSIG algorithm; expected one of hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha1
            algorithm not the key file's | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_algorithm: hmac-sha256, tsig_secret_file: acme-tsig.key} | {file}: acme.dns.rfc2136.tsig_algorithm: 'hmac-sha256', but the key in {dir}/acme-tsig.key is hmac-sha512; expected the key's own algorithm, or no tsig_algorithm
            key file missing | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_secret_file: missing.key} | {file}: acme.dns.rfc2136.tsig_secret_file: {dir}/missing.key does not exist; {key-block}
            key file without that key | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_key: other, tsig_secret_file: acme-tsig.key} | {file}: acme.dns.rfc2136.tsig_secret_file: {dir}/acme-tsig.key holds the key acme-update., not other.; {key-block}
            key file a folder | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_secret_file: .} | {file}: acme.dns.rfc2136.tsig_secret_file: {dir} is not a regular file; {key-block}
            zone not a name | dns:\\n  rfc2136: {server: 192.0.2.53, tsig_secret_file: acme-tsig.key, zone: 'a b'} | {file}: acme.dns.rfc2136.zone: 'a b' is not a domain name; expected the zone the records go into, such as example.org
            unknown rfc2136 key is only a warning, a missing server is not | dns:\\n  rfc2136: {tsig_secret_file: acme-tsig.key, port: 53} | {file}: acme.dns.rfc2136.server: missing; {dns-server}
            command missing file | dns: {command: /nonexistent/hook} | {file}: acme.dns.command: /nonexistent/hook does not exist; {hook}
            command not executable | dns: {command: not-executable.sh} | {file}: acme.dns.command: {dir}/not-executable.sh is not executable; {hook}
            command timeout 0 | dns: {command: hook.sh, command_timeout: 0} | {file}: acme.dns.command_timeout: 0 is not a positive number of seconds; {seconds}
            ttl 0 | dns: {command: hook.sh, ttl: 0} | {file}: acme.dns.ttl: 0 is not a TTL in seconds; expected a whole number of seconds from 1 to 86400
            ttl a day and more | dns: {command: hook.sh, ttl: 86401} | {file}: acme.dns.ttl: 86401 is not a TTL in seconds; expected a whole number of seconds from 1 to 86400
            propagation timeout a word | dns: {command: hook.sh, propagation_timeout: long} | {file}: acme.dns.propagation_timeout: 'long' is not a number of seconds; {seconds}
            check server not an address | dns: {command: hook.sh, check_servers: ['ns1:x']} | {file}: acme.dns.check_servers: 'ns1:x' is not a DNS server address; {check-servers}
            check servers a mapping | dns: {command: hook.sh, check_servers: {a: b}} | {file}: acme.dns.check_servers: {check-servers}, found a mapping
            entry dns-01 without dns anywhere | certificates:\\n  - id: wild\\n    domains: [a.example.org]\\n    certificate_path: a.crt\\n    private_key_path: a.key\\n    challenge: dns-01 | {file}: acme.certificates[0].dns: missing, but acme.certificates[0].challenge is dns-01; {dns}
            entry wildcard with http-01 | certificates:\\n  - id: wild\\n    domains: ['*.example.org']\\n    certificate_path: a.crt\\n    private_key_path: a.key | {file}: acme.certificates[0].domains: '*.example.org' is a wildcard name, {wildcard} acme.certificates[0].challenge: dns-01 (the only challenge that can validate a wildcard)
            wildcard of a single label | challenge: dns-01\\ndomains: ['*.org']\\ndns: {command: hook.sh} | {file}: acme.domains: '*.org' is not a valid wildcard name: 'org' is a single label, not a full DNS name; {dns-name}
            wildcard in the middle | challenge: dns-01\\ndomains: ['a.*.example.org']\\ndns: {command: hook.sh} | {file}: acme.domains: 'a.*.example.org' is a wildcard name, {wildcard} acme.challenge: dns-01 (the only challenge that can validate a wildcard)
            """)
    void aWrongValueFailsWithOneMessageNamingTheKey(String name, String acmeLines, String expected) {
        assertThatThrownBy(() -> load(ExpectedMessages.lines(acmeLines)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(ExpectedMessages.expand(expected, dir));
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
