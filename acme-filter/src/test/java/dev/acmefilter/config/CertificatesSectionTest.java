package dev.acmefilter.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code acme.certificates} and {@code acme.max_concurrent_orders} in {@code homeserver.yaml}. */
class CertificatesSectionTest {

    private static final String SYNAPSE = String.join("\n",
            "server_name: matrix.example.org",
            "tls_certificate_path: tls/homeserver.crt",
            "tls_private_key_path: tls/homeserver.key",
            "");

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void setUp() {
        file = dir.resolve("homeserver.yaml");
    }

    private AcmeConfig load(String yaml) throws Exception {
        return TestConfig.load(dir, yaml);
    }

    private static String acme(String... lines) {
        return "acme:\n  enabled: true\n" + Stream.of(lines).map(l -> "  " + l + "\n").collect(Collectors.joining());
    }

    @Test
    void entriesBecomeOneSettingsEachAfterSynapsesOwnCertificate() throws Exception {
        AcmeConfig settings = load(SYNAPSE + acme(
                "key_type: rsa2048",
                "profile: classic",
                "reload: {command: 'systemctl reload matrix-synapse'}",
                "max_concurrent_orders: 3",
                "certificates:",
                "  - id: element",
                "    domains: [element.example.org, Chat.Example.org]",
                "    certificate_path: /etc/ssl/element.crt",
                "    private_key_path: /etc/ssl/element.key",
                "    key_type: ec384",
                "    keep_key: true",
                "    profile: tlsserver",
                "    preferred_chain: ISRG Root X1",
                "    reload: {command: 'systemctl reload nginx'}",
                "  - id: federation",
                "    domains: [example.org]",
                "    certificate_path: tls/federation.crt",
                "    private_key_path: tls/federation.key"));

        assertThat(settings.maxConcurrentOrders()).isEqualTo(3);
        List<CertificateSettings> each = settings.certificates();
        assertThat(each).extracting(CertificateSettings::id).containsExactly("default", "element", "federation");

        CertificateSettings synapse = each.get(0);
        assertThat(synapse.domains()).containsExactly("matrix.example.org");
        assertThat(synapse.certificatePath()).isEqualTo(dir.resolve("tls/homeserver.crt"));
        assertThat(synapse.reload().orElseThrow().command()).contains("systemctl reload matrix-synapse");

        CertificateSettings element = each.get(1);
        assertThat(element.domains()).containsExactly("element.example.org", "chat.example.org");
        assertThat(element.certificatePath()).isEqualTo(Path.of("/etc/ssl/element.crt"));
        assertThat(element.privateKeyPath()).isEqualTo(Path.of("/etc/ssl/element.key"));
        assertThat(element.order().keyType()).isEqualTo(KeyType.EC384);
        assertThat(element.reload().orElseThrow().command()).contains("systemctl reload nginx");
        assertThat(element.order().keepKey()).isTrue();
        assertThat(element.order().profile()).contains("tlsserver");
        assertThat(element.order().preferredChain()).contains("ISRG Root X1");

        CertificateSettings federation = each.get(2);
        assertThat(federation.order().keyType()).as("acme.key_type").isEqualTo(KeyType.RSA2048);
        assertThat(federation.reload()).as("delivery is per certificate, not inherited").isEmpty();
        assertThat(federation.certificatePath()).isEqualTo(dir.resolve("tls/federation.crt"));
        assertThat(federation.account().accountKeyFile()).as("one account for all").isEqualTo(synapse.account().accountKeyFile());
        assertThat(federation.account().directoryUrl()).isEqualTo(synapse.account().directoryUrl());
        assertThat(federation.order().profile()).as("acme.profile").contains("classic");
        assertThat(federation.order().keepKey()).isFalse();
        assertThat(federation.order().preferredChain()).isEmpty();
    }

    @Test
    void withoutSynapsesPathsOnlyTheEntriesAreKeptValid() throws Exception {
        AcmeConfig settings = load("server_name: matrix.example.org\n" + acme(
                "certificates:",
                "  - id: site",
                "    domains: [www.example.org]",
                "    certificate_path: site.crt",
                "    private_key_path: site.key"));

        assertThat(settings.certificate(CertificateSettings.DEFAULT_ID)).isEmpty();
        assertThat(settings.certificates()).extracting(CertificateSettings::id).containsExactly("site");
    }

    @Test
    void withoutEntriesTheSynapseCertificateIsTheOnlyOneAndDefaultsApply() throws Exception {
        AcmeConfig settings = load(SYNAPSE + acme());

        assertThat(settings.certificates()).singleElement().extracting(CertificateSettings::id).isEqualTo("default");
        assertThat(settings.maxConcurrentOrders()).isEqualTo(AcmeConfig.DEFAULT_MAX_CONCURRENT_ORDERS);
    }

    @Test
    void aHundredNamesAreAcceptedAHundredAndOneAreNot() throws Exception {
        String hundred = IntStream.range(0, 100).mapToObj(i -> "n" + i + ".example.org")
                .collect(Collectors.joining(", ", "[", "]"));
        assertThat(load(SYNAPSE + acme("certificates:", "  - id: many", "    domains: " + hundred,
                "    certificate_path: many.crt", "    private_key_path: many.key")).certificates().get(1).domains())
                .hasSize(100);

        String more = hundred.replace("]", ", n100.example.org]");
        assertThatThrownBy(() -> load(SYNAPSE + acme("certificates:", "  - id: many", "    domains: " + more,
                "    certificate_path: many.crt", "    private_key_path: many.key")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": acme.certificates[0].domains: 101 names; expected at most 100 (the limit of"
                        + " Let's Encrypt and most CAs)");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void malformedEntryFailsNamingTheEntryAndKey(String name, String yaml, String expected) {
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage(expected.replace("{file}", file.toString()).replace("{dir}", dir.toString()));
    }

    static Stream<Arguments> malformed() {
        String entry = "  - id: element\n    domains: [element.example.org]\n    certificate_path: e.crt\n"
                + "    private_key_path: e.key\n";
        return Stream.of(
                Arguments.of("not a list", SYNAPSE + acme("certificates: element"),
                        "{file}: acme.certificates: expected a list of certificates, each a mapping with id, domains,"
                                + " certificate_path, private_key_path, key_type, keep_key, profile, preferred_chain,"
                                + " challenge, dns, reload, verify, keystore, found"
                                + " 'element'"),
                Arguments.of("missing id", SYNAPSE + acme("certificates:", "  - domains: [a.example.org]"),
                        "{file}: acme.certificates[0].id: missing; expected a short name of lower-case letters,"
                                + " digits, '.', '_' or '-', such as element"),
                Arguments.of("id with a slash", SYNAPSE + acme("certificates:", "  - id: ../x"),
                        "{file}: acme.certificates[0].id: '../x' is not a plain name; expected a short name of"
                                + " lower-case letters, digits, '.', '_' or '-', such as element"),
                Arguments.of("id default", SYNAPSE + acme("certificates:", "  - id: default"),
                        "{file}: acme.certificates[0].id: 'default' is the name of Synapse's own certificate"
                                + " (tls_certificate_path); expected another name"),
                Arguments.of("id twice", SYNAPSE + acme("certificates:") + entry + entry.replace("e.crt", "f.crt"),
                        "{file}: acme.certificates[1].id: 'element' is already the id of another certificate;"
                                + " expected a name used once"),
                Arguments.of("no domains", SYNAPSE + acme("certificates:", "  - id: element"),
                        "{file}: acme.certificates[0].domains: missing; expected a list of DNS names for the"
                                + " certificate"),
                Arguments.of("bad domain", SYNAPSE + acme("certificates:", "  - id: element",
                                "    domains: [bad_name.example.org]"),
                        "{file}: acme.certificates[0].domains: 'bad_name.example.org' is not a valid DNS name;"
                                + " expected a DNS name such as matrix.example.org, made of dot-separated labels of 1 to 63 letters,"
                                + " digits and inner hyphens (internationalised names in their xn-- form)"),
                Arguments.of("no key path", SYNAPSE + acme("certificates:", "  - id: element",
                                "    domains: [element.example.org]", "    certificate_path: e.crt"),
                        "{file}: acme.certificates[0].private_key_path: missing; expected the file the private key"
                                + " is written to"),
                Arguments.of("shares Synapse's key", SYNAPSE + acme("certificates:", "  - id: element",
                                "    domains: [element.example.org]", "    certificate_path: e.crt",
                                "    private_key_path: tls/homeserver.key"),
                        "{file}: acme.certificates[0].private_key_path: '{dir}/tls/homeserver.key' is also"
                                + " tls_private_key_path; expected a file of its own: two certificates writing one"
                                + " file would overwrite each other"),
                Arguments.of("two entries, one file", SYNAPSE + acme("certificates:") + entry
                                + entry.replace("id: element", "id: other").replace("e.key", "o.key"),
                        "{file}: acme.certificates[1].certificate_path: '{dir}/e.crt' is also"
                                + " acme.certificates[0].certificate_path; expected a file of its own: two"
                                + " certificates writing one file would overwrite each other"),
                Arguments.of("keystore of an entry over the account key", SYNAPSE + acme("certificates:") + entry
                                + "    keystore: {path: client.key, password: pw}\n",
                        "{file}: acme.certificates[0].keystore.path: '{dir}/client.key' is also acme.account_key_file;"
                                + " expected a file of its own: two settings writing one file would overwrite each"
                                + " other"),
                Arguments.of("bad key type", SYNAPSE + acme("certificates:") + entry + "    key_type: dsa\n",
                        "{file}: acme.certificates[0].key_type: 'dsa' is not a supported key type; expected one of"
                                + " " + KeyType.acceptedNames()),
                Arguments.of("bad reload", SYNAPSE + acme("certificates:") + entry + "    reload: {signal: KILL9}\n",
                        "{file}: acme.certificates[0].reload.signal: 'KILL9' is not a reload signal; expected one of "
                                + ReloadSignal.acceptedNames() + ", or none"),
                Arguments.of("concurrency 0", SYNAPSE + acme("max_concurrent_orders: 0"),
                        "{file}: acme.max_concurrent_orders: 0 is out of range; expected a whole number from 1 to"
                                + " 64"),
                Arguments.of("concurrency text", SYNAPSE + acme("max_concurrent_orders: many"),
                        "{file}: acme.max_concurrent_orders: 'many' is out of range; expected a whole number from 1"
                                + " to 64"));
    }
}
