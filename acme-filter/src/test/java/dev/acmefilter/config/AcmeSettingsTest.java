package dev.acmefilter.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AcmeSettingsTest {

    /** Settings with every component set to something other than its default. */
    private static AcmeSettings everythingSet() {
        return AcmeSettings.builder()
                .configFile(Path.of("/etc/synapse/homeserver.yaml"))
                .serverName("example.org")
                .enabled(false)
                .directoryUrl(URI.create("https://ca.example/dir"))
                .port(8009)
                .bindAddresses(List.of("127.0.0.1"))
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
                .certificateId("element")
                .certificate(new CertificateEntry("chat", List.of("chat.example.org"), Path.of("/etc/c.crt"),
                        Path.of("/etc/c.key"), java.util.Optional.of(KeyType.EC384), java.util.Optional.empty(),
                        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(true),
                        java.util.Optional.of("tlsserver"), java.util.Optional.empty()))
                .maxConcurrentOrders(7)
                .accountKeyType(KeyType.RSA4096)
                .keepKey(true)
                .profile("shortlived")
                .profileRequired(true)
                .preferredChain("ISRG Root X2")
                .status(new StatusSettings(false, List.of()))
                .alerts(new AlertSettings(java.util.Optional.of("notify"), java.util.Optional.of(
                        URI.create("https://hooks.example/x")), 5, Duration.ofDays(3), Duration.ofSeconds(4)))
                .build();
    }

    @Test
    void toBuilderCopiesEveryComponent() throws Exception {
        AcmeSettings original = everythingSet();
        AcmeSettings defaults = AcmeSettings.builder().directoryUrl(original.directoryUrl()).build();
        for (RecordComponent component : AcmeSettings.class.getRecordComponents()) {
            if (!component.getName().equals("directoryUrl") && !component.getName().equals("warnings")) {
                assertThat(component.getAccessor().invoke(original)).as("everythingSet() sets " + component.getName())
                        .isNotEqualTo(component.getAccessor().invoke(defaults));
            }
        }

        AcmeSettings copy = original.toBuilder().build();

        for (RecordComponent component : AcmeSettings.class.getRecordComponents()) {
            assertThat(component.getAccessor().invoke(copy)).as(component.getName())
                    .isEqualTo(component.getAccessor().invoke(original));
        }
    }

    @Test
    void toBuilderChangesOnlyWhatIsSetAgain() {
        AcmeSettings original = everythingSet();

        AcmeSettings changed = original.toBuilder().directoryUrl(URI.create("https://staging.example/dir"))
                .reload(null).build();

        assertThat(changed.directoryUrl()).isEqualTo(URI.create("https://staging.example/dir"));
        assertThat(changed.reload()).isEmpty();
        assertThat(changed.domains()).isEqualTo(original.domains());
        assertThat(changed.keystore()).isEqualTo(original.keystore());
    }
}
