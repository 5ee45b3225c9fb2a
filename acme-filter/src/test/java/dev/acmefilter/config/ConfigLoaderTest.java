package dev.acmefilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.testing.LogCapture;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    /** The EAB MAC key used in the secrecy tests; it must never show up anywhere. */
    private static final String SECRET = "c2VjcmV0LW1hYy1rZXktdmFsdWU";

    private static final String ENABLED = TestConfig.ENABLED;

    @TempDir
    Path dir;
    Path file;
    String group;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("homeserver.yaml");
        Files.writeString(dir.resolve("ca.pem"), "# our private CA\n" + pem(selfSignedCertificate()));
        Files.writeString(dir.resolve("not-certificates.pem"), "just some text, no PEM blocks\n");
        Files.writeString(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        group = Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
    }

    private AcmeConfig load(String yaml) throws IOException {
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private static String enabledWith(String... acmeLines) {
        return TestConfig.enabledWith(acmeLines);
    }

    // ------------------------------------------------------------ configs that load

    @Test
    void fullSynapseStyleConfigLoadsEveryValue() throws Exception {
        AcmeConfig c = load("""
                server_name: "Example.ORG"
                pid_file: /var/run/synapse.pid
                listeners:
                  - port: 8448
                    type: http
                    tls: true
                tls_certificate_path: "certs/example.org.tls.crt"
                tls_private_key_path: "/etc/synapse/example.org.tls.key"
                acme:
                  enabled: true
                  url: https://ca.internal.example/acme/directory
                  port: 8009
                  bind_addresses: ['127.0.0.1', '::1']
                  reprovision_threshold: 14
                  domain: Matrix.Example.org
                  account_key_file: ./keys/../acme/account.key
                  domains: [example.org, MATRIX.example.org, chat.example.org]
                  contact: ["mailto:admin@example.org", ops@example.org]
                  key_type: RSA3072
                  eab:
                    kid: kid-123
                    hmac_key: %s
                  ca_certificates: ca.pem
                  file_group: %s
                  key_file_mode: 0640
                  state_dir: state
                """.formatted(SECRET, group));
        CertificateSettings s = c.certificates().get(0);

        assertThat(c.files().get(0)).isEqualTo(file.toAbsolutePath());
        assertThat(c.serverName()).isEqualTo("Example.ORG");
        assertThat(c.enabled()).isTrue();
        assertThat(s.account().directoryUrl()).hasToString("https://ca.internal.example/acme/directory");
        assertThat(c.listen().port()).isEqualTo(8009);
        assertThat(c.listen().bindAddresses()).containsExactly("127.0.0.1", "::1");
        assertThat(s.reprovisionThreshold()).isEqualTo(Duration.ofDays(14));
        assertThat(s.domains()).containsExactly("matrix.example.org", "example.org", "chat.example.org");
        assertThat(s.domains().get(0)).isEqualTo("matrix.example.org");
        assertThat(s.account().contacts()).containsExactly("admin@example.org", "ops@example.org");
        assertThat(s.order().keyType()).isEqualTo(KeyType.RSA3072);
        assertThat(s.account().eab()).contains(new ExternalAccountBinding("kid-123", SECRET));
        assertThat(s.account().caCertificates()).contains(dir.resolve("ca.pem"));
        assertThat(s.account().accountKeyFile()).isEqualTo(dir.resolve("acme/account.key"));
        assertThat(s.certificatePath()).isEqualTo(dir.resolve("certs/example.org.tls.crt"));
        assertThat(s.privateKeyPath()).isEqualTo(Path.of("/etc/synapse/example.org.tls.key"));
        assertThat(s.files().group()).contains(group);
        assertThat(s.files().keyFileMode()).contains(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(s.stateDir()).isEqualTo(dir.resolve("state"));
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void enabledConfigWithOnlyTheRequiredKeysGetsSynapsesDefaults() throws Exception {
        AcmeConfig c = load(ENABLED);
        CertificateSettings s = c.certificates().get(0);

        assertThat(c.serverName()).isEqualTo("example.org");
        assertThat(s.account().directoryUrl()).isEqualTo(AccountSettings.LETS_ENCRYPT);
        assertThat(c.listen().port()).as("the Jetty base's port behind Synapse's proxy snippet").isEqualTo(8009);
        assertThat(c.listen().bindAddresses()).containsExactly("::", "0.0.0.0");
        assertThat(s.reprovisionThreshold()).isEqualTo(Duration.ofDays(30));
        assertThat(s.domains()).containsExactly("example.org");
        assertThat(s.account().contacts()).isEmpty();
        assertThat(s.order().keyType()).isEqualTo(KeyType.EC256);
        assertThat(s.account().eab()).isEmpty();
        assertThat(s.account().caCertificates()).isEmpty();
        assertThat(s.account().accountKeyFile()).isEqualTo(dir.resolve("client.key"));
        assertThat(s.stateDir()).as("beside the account key").isEqualTo(dir);
        assertThat(s.certificatePath()).isEqualTo(dir.resolve("tls.crt"));
        assertThat(s.privateKeyPath()).isEqualTo(dir.resolve("tls.key"));
        assertThat(s.files().group()).isEmpty();
        assertThat(s.files().keyFileMode()).isEmpty();
        assertThat(c.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "server_name: example.org\n",
        "server_name: example.org\nacme:\n",
        "server_name: example.org\nacme:\n  enabled: false\n",
        "report_stats: false\nacme:\n  enabled: off\n  port: 8009\n",
    })
    void minimalConfigWithAcmeDisabledLoads(String yaml) throws Exception {
        AcmeConfig c = load(yaml);

        assertThat(c.enabled()).isFalse();
        assertThat(c.certificates()).as("no tls_certificate_path, no certificate").isEmpty();
        assertThat(c.account().directoryUrl()).isEqualTo(AccountSettings.LETS_ENCRYPT);
        assertThat(c.account().accountKeyFile()).isEqualTo(dir.resolve("client.key"));
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void disabledAcmeAcceptsAnIpAddressAsServerNameAndOrdersNoNames() throws Exception {
        AcmeConfig c = load("server_name: 192.0.2.7:8448\n");

        assertThat(c.serverName()).isEqualTo("192.0.2.7:8448");
        assertThat(c.certificates()).as("no names, no certificate").isEmpty();
    }

    @Test
    void serverNameWithFederationPortGivesTheDomainWithoutPort() throws Exception {
        AcmeConfig c = load(ENABLED.replace("server_name: example.org", "server_name: Example.org:8448"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.domains()).containsExactly("example.org");
    }

    @ParameterizedTest
    @MethodSource("v1Urls")
    void acmeV1UrlIsReplacedByItsV2UrlWithAWarning(String v1, String v2) throws Exception {
        AcmeConfig c = load(enabledWith("url: " + v1));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.account().directoryUrl()).hasToString(v2);
        assertThat(c.warnings()).containsExactly(file + ": acme.url: " + v1 + " is Let's Encrypt's ACME v1 directory,"
                + " and ACME v1 is switched off; using the ACME v2 directory " + v2
                + " instead (put that URL into the file to silence this warning)");
    }

    static Stream<Arguments> v1Urls() {
        return Stream.of(
                Arguments.of("https://acme-v01.api.letsencrypt.org/directory", AccountSettings.LETS_ENCRYPT.toString()),
                Arguments.of("https://acme-staging.api.letsencrypt.org/directory",
                        AccountSettings.LETS_ENCRYPT_STAGING.toString()));
    }

    @Test
    void unknownAcmeKeyGivesAWarningButLoads() throws Exception {
        AcmeConfig c = load(enabledWith("reprovision_treshold: 10", "eab:", "  kid: k", "  hmac_key: AAAA",
                "  hmac: x"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.reprovisionThreshold()).isEqualTo(Duration.ofDays(30));
        assertThat(c.warnings()).containsExactly(
                file + ": acme.reprovision_treshold: unknown setting, ignored; known settings are enabled, url, port,"
                        + " bind_addresses, reprovision_threshold, domain, account_key_file, domains, contact,"
                        + " key_type, eab, ca_certificates, file_group, key_file_mode, state_dir, reload, verify,"
                        + " keystore, preflight, certificates, max_concurrent_orders, account_key_type, keep_key,"
                        + " profile, profile_required, preferred_chain, status, alerts, challenge, dns, cluster",
                file + ": acme.eab.hmac: unknown setting, ignored; known settings are kid, hmac_key");
    }

    @Test
    void warningsAreLoggedAtLevelWarning() throws Exception {
        Logger jul = Logger.getLogger(ConfigLoader.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        jul.addHandler(handler);
        try {
            AcmeConfig c = load(enabledWith("colour: blue"));

            assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING);
            assertThat(records).extracting(LogRecord::getMessage).containsExactlyElementsOf(c.warnings());
        } finally {
            jul.removeHandler(handler);
        }
    }

    @Test
    void aQuietLoadGivesTheSameSettingsAndWarningsButLogsNothing() throws Exception {
        Files.writeString(file, enabledWith("colour: blue"));
        AcmeConfig quiet;
        try (LogCapture log = LogCapture.of(ConfigLoader.class)) {
            quiet = ConfigLoader.loadQuietly(List.of(file));

            assertThat(log.lines()).isEmpty();
        }
        assertThat(quiet).isEqualTo(ConfigLoader.load(file));
        assertThat(quiet.warnings()).hasSize(1);
    }

    @Test
    void topLevelKeysThatAreNotOursAreIgnoredSilently() throws Exception {
        AcmeConfig c = load(ENABLED + "database:\n  name: sqlite3\nfederation_domain_whitelist: [a.org]\n");

        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void domainsAreLowerCasedDeduplicatedAndKeepTheirOrder() throws Exception {
        AcmeConfig c = load(enabledWith("domains: [B.example.org, example.org., a.example.org, b.EXAMPLE.org]"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.domains()).containsExactly("example.org", "b.example.org", "a.example.org");
    }

    @Test
    void localhostIsAcceptedAsASingleLabelName() throws Exception {
        AcmeConfig c = load(enabledWith("domain: localhost"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.domains()).containsExactly("localhost");
    }

    @Test
    void contactMayBeOneStringWithMailto() throws Exception {
        AcmeConfig c = load(enabledWith("contact: 'MAILTO:Admin@Example.org'"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.account().contacts()).containsExactly("Admin@Example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'::'", "'0.0.0.0'", "'2001:db8::1'", "'::ffff:192.0.2.1'", "'fe80:0:0:0:0:0:0:1'",
        "'255.255.255.255'", "'1::'"})
    void bindAddressesAcceptIpv4AndIpv6Literals(String address) throws Exception {
        AcmeConfig c = load(enabledWith("bind_addresses: [" + address + "]"));

        assertThat(c.listen().bindAddresses()).containsExactly(address.replace("'", ""));
    }

    @Test
    void yaml11BooleanWordsAndQuotedBooleansAreAccepted() throws Exception {
        assertThat(load(ENABLED.replace("enabled: true", "enabled: yes")).enabled()).isTrue();
        assertThat(load(ENABLED.replace("enabled: true", "enabled: 'true'")).enabled()).isTrue();
        assertThat(load("acme:\n  enabled: 'No'\n").enabled()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0640", "'0640'", "'640'", "\"0o640\""})
    void keyFileModeAcceptsAnOctalIntegerOrString(String mode) throws Exception {
        AcmeConfig c = load(enabledWith("key_file_mode: " + mode));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.files().keyFileMode()).contains(PosixFilePermissions.fromString("rw-r-----"));
    }

    @Test
    void keyFileMode0600GivesOwnerReadWriteOnly() throws Exception {
        AcmeConfig c = load(enabledWith("key_file_mode: 0600"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.files().keyFileMode()).contains(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void standardBase64MacKeyIsStoredAsUnpaddedBase64url() throws Exception {
        byte[] key = {(byte) 0xfb, (byte) 0xff, 0x01, 0x02};
        String standard = Base64.getEncoder().encodeToString(key); // "+/8BAg==": standard alphabet, padded
        AcmeConfig c = load(enabledWith("eab:", "  kid: k", "  hmac_key: '" + standard + "'"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.account().eab().orElseThrow().hmacKey()).isEqualTo(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(key));
    }

    @Test
    void configFileIsTakenAsAbsoluteAndNormalized() throws Exception {
        Files.writeString(file, ENABLED);
        Path messy = dir.resolve("sub/../homeserver.yaml");

        AcmeConfig s = ConfigLoader.load(messy);

        assertThat(s.files()).containsExactly(file);
        assertThat(s.account().accountKeyFile()).isEqualTo(dir.resolve("client.key"));
    }

    // ------------------------------------------------------------ configs that fail

    // Each table below gives a case's name, its YAML and the one message it fails with, written for
    // ExpectedMessages: {file}, {dir} and the phrases many messages share are filled in there.

    private void assertFailsWithExactly(String yaml, String expected) throws IOException {
        if (yaml != null) {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
        }

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(ExpectedMessages.expand(expected, dir));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # name | the whole file, none when missing | the message
            # file level
            missing file |  | {file}: no such file; expected Synapse's homeserver.yaml file
            invalid YAML | server_name: example.org\\nacme:\\n  enabled: true\\n   port: 80\\n | {file}: not valid YAML at line 4, column 8: mapping values are not allowed here
            unclosed flow list | acme:\\n  bind_addresses: ['::'\\n | {file}: not valid YAML at line 3, column 1: expected ',' or ']', but got <stream end>
            arbitrary Java type | acme: !!java.io.File [/etc/passwd]\\n | {file}: not valid YAML at line 1, column 7: Global tag is not allowed: tag:yaml.org,2002:java.io.File
            top level is a list | - server_name: example.org\\n | {file}: expected a mapping of Synapse settings at the top level, found a list
            empty file | '' | {file}: expected a mapping of Synapse settings at the top level, found an empty document
            # types and required keys
            acme is a list | acme:\\n  - enabled: true\\n | {file}: acme: expected a mapping of ACME settings, found a list
            acme is a string | acme: yes please\\n | {file}: acme: expected a mapping of ACME settings, found 'yes please'
            enabled maybe | acme:\\n  enabled: maybe\\n | {file}: acme.enabled: expected true or false, found 'maybe'
            enabled without server_name | tls_certificate_path: tls.crt\\ntls_private_key_path: tls.key\\nacme:\\n  enabled: true\\n | {file}: server_name: missing; expected the homeserver's public name, required when acme.enabled is true
            server_name is a number | server_name: 42\\ntls_certificate_path: tls.crt\\ntls_private_key_path: tls.key\\nacme:\\n  enabled: true\\n | {file}: server_name: expected the homeserver's public name, found 42
            server_name is an IP address | server_name: 192.0.2.1\\ntls_certificate_path: tls.crt\\ntls_private_key_path: tls.key\\nacme:\\n  enabled: true\\n | {file}: server_name: '192.0.2.1' is an IP address; {dns-name} (or set acme.domain to the name the certificate is for)
            enabled without tls_certificate_path | server_name: example.org\\ntls_private_key_path: tls.key\\nacme:\\n  enabled: true\\n | {file}: tls_certificate_path: missing; expected the file Synapse reads its TLS certificate from, required when acme.enabled is true
            enabled without tls_private_key_path | server_name: example.org\\ntls_certificate_path: tls.crt\\nacme:\\n  enabled: true\\n | {file}: tls_private_key_path: missing; expected the file Synapse reads its TLS private key from, required when acme.enabled is true
            empty tls_private_key_path | server_name: example.org\\ntls_certificate_path: tls.crt\\ntls_private_key_path: ''\\nacme:\\n  enabled: true\\n | {file}: tls_private_key_path: the path is empty; expected a file path
            # files that must each be a file of their own
            key path is the certificate path | server_name: example.org\\ntls_certificate_path: tls.crt\\ntls_private_key_path: tls.crt\\nacme:\\n  enabled: true\\n | {file}: tls_private_key_path: '{dir}/tls.crt' is also tls_certificate_path; {own-file}
            tls_certificate_path a mapping | server_name: example.org\\ntls_certificate_path: {path: tls.crt}\\ntls_private_key_path: tls.key\\nacme:\\n  enabled: true\\n | {file}: tls_certificate_path: expected a file path, found a mapping
            top-level pid_file a number | pid_file: 42\\nserver_name: example.org\\ntls_certificate_path: tls.crt\\ntls_private_key_path: tls.key\\nacme:\\n  enabled: true\\n  reload: {}\\n | {file}: pid_file: expected a file path, found 42
            """)
    void malformedConfigFailsWithOneExactMessage(String name, String yaml, String expected) throws Exception {
        assertFailsWithExactly(ExpectedMessages.document(yaml), expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # name | the lines under acme: | the message
            # files that must each be a file of their own
            account key is the certificate | account_key_file: tls.crt | {file}: tls_certificate_path: '{dir}/tls.crt' is also acme.account_key_file; {own-file}
            account key file is a folder | account_key_file: . | {file}: acme.account_key_file: '{dir}' is a directory; expected the file that holds (or will hold) the ACME account key, such as {dir}/client.key
            # url
            url not https | url: http://acme.example.org/directory | {file}: acme.url: 'http://acme.example.org/directory' does not use https; {acme-url}
            url not a URL | url: not a url | {file}: acme.url: 'not a url' is not a URL; {acme-url}
            url relative | url: acme/directory | {file}: acme.url: 'acme/directory' is not an absolute URL; {acme-url}
            url a list | url: [https://a.example] | {file}: acme.url: {acme-url}, found a list
            # port
            port 0 | port: 0 | {file}: acme.port: 0 is not a port number; {port}
            port eighty | port: eighty | {file}: acme.port: 'eighty' is not a port number; {port}
            port 70000 | port: 70000 | {file}: acme.port: 70000 is not a port number; {port}
            port a mapping | port: {http: 80} | {file}: acme.port: {port}, found a mapping
            # bind addresses
            bind_addresses not a list | bind_addresses: '0.0.0.0' | {file}: acme.bind_addresses: {ip-list}, found '0.0.0.0'
            bind address a host name | bind_addresses: ['::', localhost] | {file}: acme.bind_addresses: 'localhost' is not an IP address; {ip-literals}
            bind address bad IPv4 | bind_addresses: ['256.1.1.1'] | {file}: acme.bind_addresses: '256.1.1.1' is not an IP address; {ip-literals}
            bind address bad IPv6 | bind_addresses: ['1::2::3'] | {file}: acme.bind_addresses: '1::2::3' is not an IP address; {ip-literals}
            bind address a number | bind_addresses: [80] | {file}: acme.bind_addresses: {ip-list}, found 80 in the list
            bind_addresses empty | bind_addresses: [] | {file}: acme.bind_addresses: the list is empty; {ip-list}
            # reprovision threshold
            threshold 0 | reprovision_threshold: 0 | {file}: acme.reprovision_threshold: 0 is not a sensible number of days; {days}
            threshold -5 | reprovision_threshold: -5 | {file}: acme.reprovision_threshold: -5 is not a sensible number of days; {days}
            threshold soon | reprovision_threshold: soon | {file}: acme.reprovision_threshold: 'soon' is not a sensible number of days; {days}
            threshold 2.5 | reprovision_threshold: 2.5 | {file}: acme.reprovision_threshold: 2.5 is not a sensible number of days; {days}
            # names
            domain wildcard | domain: '*.example.org' | {file}: acme.domain: '*.example.org' is a wildcard name, {wildcard} acme.challenge: dns-01 (the only challenge that can validate a wildcard)
            domain invalid chars | domain: matrix_server.example.org | {file}: acme.domain: 'matrix_server.example.org' is not a valid DNS name; {dns-name}
            domain leading hyphen | domain: -matrix.example.org | {file}: acme.domain: '-matrix.example.org' is not a valid DNS name; {dns-name}
            domain label too long | domain: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org | {file}: acme.domain: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org' is not a valid DNS name; {dns-name}
            domain single label | domain: matrix | {file}: acme.domain: 'matrix' is a single label, not a full DNS name; {dns-name}
            domain an IPv6 address | domain: '2001:db8::1' | {file}: acme.domain: '2001:db8::1' is an IP address; {dns-name}
            domains not a list | domains: chat.example.org | {file}: acme.domains: expected a list of DNS names, found 'chat.example.org'
            domains entry wildcard | domains: [chat.example.org, '*.example.org'] | {file}: acme.domains: '*.example.org' is a wildcard name, {wildcard} acme.challenge: dns-01 (the only challenge that can validate a wildcard)
            # contact, key type
            contact not an e-mail | contact: admin | {file}: acme.contact: 'admin' is not an e-mail address; expected an e-mail address such as admin@example.org, or a list of them
            contact with bad domain | contact: ['mailto:admin@example..org'] | {file}: acme.contact: 'mailto:admin@example..org' is not an e-mail address; expected an e-mail address such as admin@example.org, or a list of them
            key_type dsa | key_type: dsa | {file}: acme.key_type: 'dsa' is not a supported key type; {key-types}
            key_type a number | key_type: 256 | {file}: acme.key_type: {key-types}, found 256
            # eab
            eab missing kid | eab:\\n  hmac_key: c2VjcmV0LW1hYy1rZXktdmFsdWU | {file}: acme.eab.kid: missing; expected the key identifier (kid) your CA gave you, as a string
            eab missing hmac_key | eab:\\n  kid: k1 | {file}: acme.eab.hmac_key: missing; {hmac-key}
            eab hmac_key not base64 | eab:\\n  kid: k1\\n  hmac_key: 'no*base64!' | {file}: acme.eab.hmac_key: the value is not valid base64url or base64; {hmac-key}
            eab hmac_key mixes alphabets | eab:\\n  kid: k1\\n  hmac_key: 'ab-c+def' | {file}: acme.eab.hmac_key: the value is not valid base64url or base64; {hmac-key}
            eab hmac_key a number | eab:\\n  kid: k1\\n  hmac_key: 123456 | {file}: acme.eab.hmac_key: {hmac-key}, found a number
            eab not a mapping | eab: kid-and-key | {file}: acme.eab: expected a mapping with kid and hmac_key, found 'kid-and-key'
            # files, group, mode
            ca_certificates missing file | ca_certificates: missing.pem | {file}: acme.ca_certificates: '{dir}/missing.pem' does not exist; {ca-file}
            ca_certificates without certificates | ca_certificates: not-certificates.pem | {file}: acme.ca_certificates: '{dir}/not-certificates.pem' contains no certificates; {ca-file}
            ca_certificates with a broken certificate | ca_certificates: broken.pem | {file}: acme.ca_certificates: '{dir}/broken.pem' does not hold valid certificates; {ca-file}
            ca_certificates a directory | ca_certificates: . | {file}: acme.ca_certificates: '{dir}' is a directory; {ca-file}
            key_file_mode 0666 | key_file_mode: 0666 | {file}: acme.key_file_mode: 0666 gives others access to the key; {key-mode}
            key_file_mode 0660 | key_file_mode: '0660' | {file}: acme.key_file_mode: 0660 lets the group write or execute the key; {key-mode}
            key_file_mode 0400 | key_file_mode: 0400 | {file}: acme.key_file_mode: 0400 does not let the owner read and write the key; {key-mode}
            key_file_mode 0700 | key_file_mode: 0700 | {file}: acme.key_file_mode: 0700 makes the key executable; {key-mode}
            key_file_mode setuid | key_file_mode: '4600' | {file}: acme.key_file_mode: 4600 sets the setuid, setgid or sticky bit; {key-mode}
            key_file_mode rw | key_file_mode: rw | {file}: acme.key_file_mode: 'rw' is not an octal file mode; {key-mode}
            key_file_mode decimal 640 | key_file_mode: 640 | {file}: acme.key_file_mode: 640 is the decimal number 640 (octal 1200), not a file mode; {key-mode}, written with a leading zero or in quotes
            file_group nonexistent | file_group: no-such-group-xq7 | {file}: acme.file_group: there is no group named 'no-such-group-xq7'; expected the name of an existing group, such as the group Synapse runs as
            account_key_file not a string | account_key_file: [a.key, b.key] | {file}: acme.account_key_file: expected a file path, found a list
            """)
    void malformedAcmeSettingFailsWithOneExactMessage(String name, String acmeLines, String expected)
            throws Exception {
        assertFailsWithExactly(enabledWith(ExpectedMessages.lines(acmeLines)), expected);
    }

    // ------------------------------------------------------------ secrets

    @Test
    void macKeyNeverAppearsInAnyErrorMessageWarningLogOrToString() throws Exception {
        String eab = "  eab:\n    kid: kid-1\n    hmac_key: " + SECRET + "\n";
        List<String> broken = List.of(
                // a syntax error on the hmac_key line itself
                ENABLED + "  eab:\n    kid: kid-1\n    hmac_key: " + SECRET + ": [\n",
                ENABLED + "  eab:\n    kid: kid-1\n     hmac_key: " + SECRET + "\n",
                ENABLED + "  eab:\n    kid: kid-1\n    hmac_key: *" + SECRET + "\n",
                ENABLED + "  eab:\n    kid: kid-1\n    hmac_key: !!" + SECRET + " x\n",
                ENABLED + "  eab:\n    kid: kid-1\n    hmac_key: !" + SECRET + " x\n",
                // the key itself is wrong, with the secret inside
                ENABLED + "  eab:\n    kid: kid-1\n    hmac_key: '" + SECRET + "*'\n",
                ENABLED + "  eab:\n    kid: kid-1\n    hmac_key: ['" + SECRET + "']\n",
                // something else is wrong next to it
                ENABLED + "  eab:\n    hmac_key: " + SECRET + "\n",
                ENABLED + eab + "  key_type: dsa\n");
        for (String yaml : broken) {
            Files.writeString(file, yaml);
            ConfigException ex = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
            assertThat(ex).as(yaml).isNotNull();
            assertThat(ex.getMessage()).as(yaml).doesNotContain(SECRET);
            assertThat(ex.toString()).doesNotContain(SECRET);
        }

        AcmeConfig c = load(ENABLED + eab + "  unknown_key: 1\n");
        CertificateSettings s = c.certificates().get(0);
        assertThat(s.account().eab().orElseThrow().hmacKey()).isEqualTo(SECRET);
        assertThat(c.toString()).doesNotContain(SECRET);
        assertThat(s.account().eab().orElseThrow().toString()).doesNotContain(SECRET);
        assertThat(String.join("\n", c.warnings())).doesNotContain(SECRET);
    }

    // ------------------------------------------------------------ after a write: reload, verify, keystore, pre-flight

    @Test
    void afterWriteSettingsLoadEveryValue() throws Exception {
        AcmeConfig c = load(ENABLED.replace("acme:\n", "pid_file: /run/synapse.pid\nacme:\n") + """
                  reload:
                    signal: SIGUSR1
                    pid_file: run/matrix.pid
                    command: systemctl reload matrix-synapse
                    timeout: 12
                  verify:
                    address: "[::1]:8449"
                    server_name: Matrix.Example.org
                    timeout: 7
                  keystore:
                    path: acme.p12
                    password: "s3cret pass"
                    alias: synapse
                  preflight:
                    mode: strict
                    port: 8080
                    timeout: 3
                """);
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.reload()).contains(new ReloadSettings(Optional.of(ReloadSignal.USR1),
                Optional.of(dir.resolve("run/matrix.pid")), Optional.of("systemctl reload matrix-synapse"),
                Duration.ofSeconds(12)));
        assertThat(s.verify()).contains(new VerifySettings("::1", 8449, "matrix.example.org", Duration.ofSeconds(7)));
        assertThat(s.keystore()).contains(new KeystoreSettings(dir.resolve("acme.p12"), "s3cret pass", "synapse"));
        assertThat(s.preflight()).isEqualTo(new PreflightSettings(PreflightSettings.Mode.STRICT, 8080,
                Duration.ofSeconds(3)));
        assertThat(c.warnings()).isEmpty();
        assertThat(c.toString()).doesNotContain("s3cret pass");
    }

    @Test
    void withoutTheNewKeysOnlySynapsesPidFileIsSignalledAndThePreflightAdvises() throws Exception {
        AcmeConfig c = load(ENABLED.replace("acme:\n", "pid_file: /run/synapse.pid\nacme:\n"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.reload()).contains(new ReloadSettings(Optional.of(ReloadSignal.HUP),
                Optional.of(Path.of("/run/synapse.pid")), Optional.empty(), ReloadSettings.DEFAULT_TIMEOUT));
        assertThat(s.verify()).isEmpty();
        assertThat(s.keystore()).isEmpty();
        assertThat(s.preflight()).isEqualTo(PreflightSettings.DEFAULTS);
    }

    @Test
    void emptyReloadSignalsHupToSynapsesOwnPidFile() throws Exception {
        AcmeConfig c = load(ENABLED.replace("acme:\n", "pid_file: /run/synapse.pid\nacme:\n") + "  reload:\n");
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.reload()).contains(new ReloadSettings(Optional.of(ReloadSignal.HUP),
                Optional.of(Path.of("/run/synapse.pid")), Optional.empty(), ReloadSettings.DEFAULT_TIMEOUT));
        assertThat(s.reload().orElseThrow().signals()).isTrue();
    }

    @Test
    void signalNoneWithACommandOnlyRunsTheCommand() throws Exception {
        AcmeConfig c = load(ENABLED.replace("acme:\n", "pid_file: /run/synapse.pid\nacme:\n")
                + "  reload: {signal: none, command: 'docker restart synapse'}\n");
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.reload().orElseThrow().signals()).isFalse();
        assertThat(s.reload().orElseThrow().command()).contains("docker restart synapse");
    }

    @Test
    void verifyDefaultsToPort8448AndTheFirstDomainAsSni() throws Exception {
        AcmeConfig c = load(enabledWith("domain: matrix.example.org", "verify: {address: localhost}"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.verify()).contains(new VerifySettings("localhost", 8448, "matrix.example.org",
                VerifySettings.DEFAULT_TIMEOUT));
    }

    @Test
    void unquotedOffIsTheOffMode() throws Exception {
        assertThat(load(enabledWith("preflight: {mode: off}")).certificates().get(0).preflight().mode())
                .isEqualTo(PreflightSettings.Mode.OFF);
    }

    @Test
    void keystorePasswordNeverAppearsInAnErrorMessage() throws Exception {
        Files.writeString(file, enabledWith("keystore: {path: tls.crt, password: 'hunter2-secret'}"));
        ConfigException ex = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(ex.getMessage()).doesNotContain("hunter2-secret");

        Files.writeString(file, enabledWith("keystore:", "  path: a.p12", "  password: hunter2-secret: ["));
        ex = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(ex.getMessage()).doesNotContain("hunter2-secret");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # name | the lines under acme: | the message
            reload a list | reload: [HUP] | {file}: acme.reload: expected a mapping with signal, pid_file, command, timeout, process_match, env, or false, found a list
            reload without pid file or command | reload: {signal: HUP} | {file}: acme.reload: there is no pid file to signal and no command; expected acme.reload.pid_file (or Synapse's top-level pid_file) or acme.reload.command
            signal none without command | reload: {signal: none, pid_file: a.pid} | {file}: acme.reload: signal is none and there is no command; expected acme.reload.pid_file (or Synapse's top-level pid_file) or acme.reload.command
            unknown signal | reload: {signal: KILL, pid_file: a.pid} | {file}: acme.reload.signal: 'KILL' is not a reload signal; {signals}
            signal a number | reload: {signal: 1, pid_file: a.pid} | {file}: acme.reload.signal: {signals}, found 1
            pid_file a list | reload: {pid_file: [a.pid]} | {file}: acme.reload.pid_file: expected a file path, found a list
            empty command | reload: {command: ' '} | {file}: acme.reload.command: the command is empty; expected a shell command such as 'systemctl reload matrix-synapse'
            timeout 0 | reload: {command: 'true', timeout: 0} | {file}: acme.reload.timeout: 0 is not a positive number of seconds; {seconds}
            timeout negative | reload: {command: 'true', timeout: -5} | {file}: acme.reload.timeout: -5 is not a positive number of seconds; {seconds}
            timeout words | reload: {command: 'true', timeout: soon} | {file}: acme.reload.timeout: 'soon' is not a number of seconds; {seconds}
            timeout two hours | reload: {command: 'true', timeout: 7200} | {file}: acme.reload.timeout: 7200 seconds is more than an hour; {seconds}
            verify without address | verify: {timeout: 5} | {file}: acme.verify.address: missing; {tls-listener}
            verify address port 0 | verify: {address: 'localhost:0'} | {file}: acme.verify.address: 'localhost:0' has no valid port; {tls-listener}
            verify address a URL | verify: {address: 'https://localhost:8448'} | {file}: acme.verify.address: 'https://localhost:8448' is not host:port; {tls-listener}
            keystore without password | keystore: {path: a.p12} | {file}: acme.keystore.password: missing; expected the keystore password, as a string
            keystore password a number | keystore: {path: a.p12, password: 123456} | {file}: acme.keystore.password: expected the keystore password, as a string (quote it), found a number
            keystore path a list | keystore: {path: [a.p12], password: pw} | {file}: acme.keystore.path: expected a file path, found a list
            keystore without path | keystore: {password: pw} | {file}: acme.keystore.path: missing; expected a file path for the PKCS#12 keystore
            keystore over the certificate | keystore: {path: tls.crt, password: pw} | {file}: acme.keystore.path: '{dir}/tls.crt' is also tls_certificate_path; expected a file of its own for the PKCS#12 keystore
            preflight mode unknown | preflight: {mode: always} | {file}: acme.preflight.mode: 'always' is not a mode; expected advisory, strict or off
            preflight port 0 | preflight: {port: 0} | {file}: acme.preflight.port: 0 is not a port number; {port}
            preflight timeout 0 | preflight: {timeout: 0} | {file}: acme.preflight.timeout: 0 is not a positive number of seconds; {seconds}
            """)
    void malformedAfterWriteSettingFailsWithOneExactMessage(String name, String acmeLines, String expected)
            throws Exception {
        assertFailsWithExactly(enabledWith(ExpectedMessages.lines(acmeLines)), expected);
    }

    // ------------------------------------------------------------ what to ask the CA for: keys, profile, chain

    @Test
    void caOptionsLoadEveryValue() throws Exception {
        AcmeConfig c = load(enabledWith("key_type: ec384", "account_key_type: RSA2048", "keep_key: yes",
                "profile: ' tlsserver '", "profile_required: true", "preferred_chain: 'ISRG Root X1'"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.order().keyType()).isEqualTo(KeyType.EC384);
        assertThat(s.account().accountKeyType()).isEqualTo(KeyType.RSA2048);
        assertThat(s.order().keepKey()).isTrue();
        assertThat(s.order().profile()).contains("tlsserver");
        assertThat(s.order().profileRequired()).isTrue();
        assertThat(s.order().preferredChain()).contains("ISRG Root X1");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void withoutTheCaOptionsAnEc256AccountKeyAFreshKeyNoProfileAndTheDefaultChain() throws Exception {
        AcmeConfig c = load(ENABLED);
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.account().accountKeyType()).isEqualTo(KeyType.EC256);
        assertThat(s.order().keepKey()).isFalse();
        assertThat(s.order().profile()).isEmpty();
        assertThat(s.order().profileRequired()).isFalse();
        assertThat(s.order().preferredChain()).isEmpty();
    }

    @Test
    void aPreferredChainMayBeAWholeDistinguishedName() throws Exception {
        AcmeConfig c = load(enabledWith("preferred_chain: 'CN=ISRG Root X1,O=Internet Security Research Group'",
                "profile_required: false", "profile: shortlived"));
        CertificateSettings s = c.certificates().get(0);

        assertThat(s.order().preferredChain()).contains("CN=ISRG Root X1,O=Internet Security Research Group");
        assertThat(s.order().profile()).contains("shortlived");
        assertThat(s.order().profileRequired()).isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # name | the lines under acme: | the message
            account_key_type dsa | account_key_type: dsa | {file}: acme.account_key_type: 'dsa' is not a supported key type; {key-types}
            account_key_type ed25519 | account_key_type: ed25519 | {file}: acme.account_key_type: 'ed25519' is not a supported key type; {key-types}
            account_key_type a number | account_key_type: 2048 | {file}: acme.account_key_type: {key-types}, found 2048
            keep_key a word | keep_key: always | {file}: acme.keep_key: expected true or false, found 'always'
            keep_key a number | keep_key: 1 | {file}: acme.keep_key: expected true or false, found 1
            profile empty | profile: '' | {file}: acme.profile: the profile name is empty; {profile}
            profile a list | profile: [tlsserver, classic] | {file}: acme.profile: {profile}, found a list
            profile a boolean | profile: yes | {file}: acme.profile: {profile}, found true
            profile_required a word | profile: tlsserver\\nprofile_required: must | {file}: acme.profile_required: expected true or false, found 'must'
            profile_required without profile | profile_required: true | {file}: acme.profile_required: true, but acme.profile is not set; expected acme.profile with the name of the profile to require
            preferred_chain empty | preferred_chain: '  ' | {file}: acme.preferred_chain: the name is empty; {chain}
            preferred_chain a mapping | preferred_chain: {cn: ISRG Root X1} | {file}: acme.preferred_chain: {chain}, found a mapping
            """)
    void malformedCaOptionFailsWithOneExactMessage(String name, String acmeLines, String expected) throws Exception {
        assertFailsWithExactly(enabledWith(ExpectedMessages.lines(acmeLines)), expected);
    }

    // ------------------------------------------------------------ helpers

    private static X509Certificate selfSignedCertificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=Test CA");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now),
                Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
