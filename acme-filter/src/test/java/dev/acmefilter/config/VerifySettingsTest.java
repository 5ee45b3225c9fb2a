package dev.acmefilter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code acme.verify}, and what Synapse's own {@code listeners} say when it is not set: its
 * TLS listener serves {@code tls_certificate_path}, so it is where a new certificate must show.
 */
class VerifySettingsTest {

    @TempDir
    Path dir;

    private static final String LISTENERS = """
            listeners:
              - port: 8008
                type: http
                tls: false
                bind_addresses: ['::1', '127.0.0.1']
              - port: 8448
                type: http
                tls: true
                resources: [{names: [federation]}]
            """;

    private CertificateSettings synapse(String yaml) throws Exception {
        return TestConfig.load(dir, yaml).certificates().get(0);
    }

    @Test
    void withoutAcmeVerifyTheFirstTlsListenerIsCheckedOnLoopbackWithTheFirstDomain() throws Exception {
        VerifySettings v = synapse(LISTENERS + TestConfig.ENABLED).verify().orElseThrow();

        assertThat(v.address()).isEqualTo("127.0.0.1:8448");
        assertThat(v.serverName()).isEqualTo("example.org");
        assertThat(v.timeout()).isEqualTo(VerifySettings.DEFAULT_TIMEOUT);
        assertThat(v.from()).isEqualTo("listeners[1]");
    }

    @Test
    void aListenerOnOneAddressIsAskedThere() throws Exception {
        String yaml = LISTENERS.replace("tls: true", "tls: true\n    bind_addresses: ['::1']") + TestConfig.ENABLED;

        assertThat(synapse(yaml).verify().orElseThrow().address()).isEqualTo("[::1]:8448");
    }

    @Test
    void acmeVerifyWinsOverTheListeners() throws Exception {
        VerifySettings v = synapse(LISTENERS + TestConfig.enabledWith("verify: {address: 'localhost:9448'}"))
                .verify().orElseThrow();

        assertThat(v.address()).isEqualTo("localhost:9448");
        assertThat(v.from()).isEqualTo("acme.verify");
    }

    @Test
    void verifyFalseSwitchesTheCheckOff() throws Exception {
        assertThat(synapse(LISTENERS + TestConfig.enabledWith("verify: false")).verify()).isEmpty();
    }

    @Test
    void withoutATlsListenerNothingIsVerified() throws Exception {
        assertThat(synapse(LISTENERS.replace("tls: true", "tls: false") + TestConfig.ENABLED).verify()).isEmpty();
    }

    @Test
    void anEntryOfAcmeCertificatesIsNeverVerifiedAgainstSynapsesListener() throws Exception {
        AcmeConfig config = TestConfig.load(dir, LISTENERS + TestConfig.enabledWith("certificates:",
                "  - id: element", "    domains: [element.example.org]", "    certificate_path: e.crt",
                "    private_key_path: e.key"));

        assertThat(config.certificate("element").orElseThrow().verify()).isEmpty();
    }

    @Test
    void aTlsListenerWithoutAUsablePortDerivesNothingAndSaysSo() throws Exception {
        AcmeConfig config = TestConfig.load(dir, LISTENERS.replace("8448", "federation") + TestConfig.ENABLED);

        assertThat(config.certificates().get(0).verify()).isEmpty();
        assertThat(config.warnings()).containsExactly(dir.resolve("homeserver.yaml")
                + ": listeners[1]: tls is true but its port is not a port number; no acme.verify is derived from it");
    }
}
