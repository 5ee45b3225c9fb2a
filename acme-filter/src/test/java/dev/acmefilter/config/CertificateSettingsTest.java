package dev.acmefilter.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateSettingsTest {

    /** Settings with every component set to something other than its default. */
    private static CertificateSettings everythingSet() {
        return CertificateSettings.builder()
                .source(Path.of("/etc/synapse/homeserver.yaml"))
                .directoryUrl(URI.create("https://ca.example/dir"))
                .reprovisionThreshold(Duration.ofDays(10))
                .domain("matrix.example.org")
                .domain("example.org")
                .contact("admin@example.org")
                .keyType(KeyType.RSA3072)
                .eab(new ExternalAccountBinding("kid", "bWFjLWtleQ"))
                .caCertificates(Path.of("/etc/ca.pem"))
                .accountKeyFile(Path.of("/etc/synapse/client.key"))
                .certificatePath(Path.of("/etc/synapse/tls.crt"))
                .privateKeyPath(Path.of("/etc/synapse/tls.key"))
                .fileGroup("synapse")
                .keyFileMode(PosixFilePermissions.fromString("rw-r-----"))
                .stateDir(Path.of("/var/lib/acme"))
                .reload(new ReloadSettings(java.util.Optional.of(ReloadSignal.USR1), java.util.Optional.of(Path.of("/run/s.pid")),
                        java.util.Optional.of("true"), Duration.ofSeconds(5)))
                .verify(new VerifySettings("localhost", 8448, "example.org", Duration.ofSeconds(3)))
                .keystore(new KeystoreSettings(Path.of("/etc/ks.p12"), "secret", "acme"))
                .preflight(new PreflightSettings(PreflightSettings.Mode.STRICT, 8080, Duration.ofSeconds(2)))
                .id("element")
                .accountKeyType(KeyType.RSA4096)
                .keepKey(true)
                .profile("shortlived")
                .profileRequired(true)
                .preferredChain("ISRG Root X2")
                .dns01(DnsSettings.hook(HookSettings.of(Path.of("/usr/local/bin/acme-dns-hook"))))
                .build();
    }

    @Test
    void toBuilderCopiesEveryComponent() throws Exception {
        CertificateSettings original = everythingSet();
        CertificateSettings defaults = CertificateSettings.builder().domain("default.example")
                .certificatePath(Path.of("/default.crt")).privateKeyPath(Path.of("/default.key")).build();
        for (RecordComponent component : CertificateSettings.class.getRecordComponents()) {
            assertThat(component.getAccessor().invoke(original)).as("everythingSet() sets " + component.getName())
                    .isNotEqualTo(component.getAccessor().invoke(defaults));
        }

        CertificateSettings copy = original.toBuilder().build();

        for (RecordComponent component : CertificateSettings.class.getRecordComponents()) {
            assertThat(component.getAccessor().invoke(copy)).as(component.getName())
                    .isEqualTo(component.getAccessor().invoke(original));
        }
    }

    @Test
    void toBuilderChangesOnlyWhatIsSetAgain() {
        CertificateSettings original = everythingSet();

        CertificateSettings changed = original.toBuilder().directoryUrl(URI.create("https://staging.example/dir"))
                .reload(null).build();

        assertThat(changed.account().directoryUrl()).isEqualTo(URI.create("https://staging.example/dir"));
        assertThat(changed.reload()).isEmpty();
        assertThat(changed.domains()).isEqualTo(original.domains());
        assertThat(changed.keystore()).isEqualTo(original.keystore());
    }
}
