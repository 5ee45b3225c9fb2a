package dev.acmefilter.it;

import dev.acmefilter.testing.Pebble;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's package layout, as the WAR reads it: {@code homeserver.yaml} without
 * {@code server_name} plus {@code conf.d/}, where the package's post-install wrote
 * {@code server_name.yaml} and {@code report_stats.yaml}; {@code conf.d/README} and a
 * sub-folder are skipped as Synapse skips them (the sub-folder's file would switch ACME off).
 * {@code acme.config} is Debian's two paths, as Debian's unit passes them to Synapse.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DebianLayoutIT {

    private static final String DEPLOYMENT = "debian";
    private static Path etc;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        LogCapture.install();
        Pebble pebble = ItEnvironment.pebble();
        try {
            etc = Files.createTempDirectory("it-etc-matrix-synapse-");
            Files.writeString(etc.resolve("homeserver.yaml"), """
                    # server_name is in conf.d/server_name.yaml, as Debian's package writes it
                    tls_certificate_path: tls/homeserver.crt
                    tls_private_key_path: tls/homeserver.key
                    acme:
                      enabled: true
                      url: '%s'
                      ca_certificates: '%s'
                      domains: [%s]
                    """.formatted(pebble.directoryUrl(), pebble.caCertificatesPem(), ItEnvironment.EXTRA_DOMAIN));
            Path confD = Files.createDirectories(etc.resolve("conf.d"));
            Files.writeString(confD.resolve("server_name.yaml"), "server_name: localhost\n");
            Files.writeString(confD.resolve("report_stats.yaml"), "report_stats: false\n");
            Files.writeString(confD.resolve("README"), "Synapse reads the *.yaml files of this folder.\n");
            Files.writeString(Files.createDirectories(confD.resolve("disabled")).resolve("acme.yaml"),
                    "acme: {enabled: false}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ItEnvironment.acmeWar(etc.resolve("homeserver.yaml") + ":" + etc.resolve("conf.d"));
    }

    @Test
    void aDebianStyleFolderIssuesTheCertificateForTheServerNameFromConfD() throws Exception {
        try (ManualDeployment deployed = ManualDeployment.deploy(deployer, DEPLOYMENT)) {
            Path certificate = etc.resolve("tls/homeserver.crt");
            Path key = etc.resolve("tls/homeserver.key");
            ItEnvironment.awaitFiles(new ItEnvironment.Homeserver(etc.resolve("homeserver.yaml"), certificate, key),
                    Duration.ofSeconds(60));

            List<X509Certificate> chain = AcmeFilterOutput.readCertificates(certificate);
            Pebble.verifyChain(chain, ItEnvironment.pebble().roots());
            assertThat(chain.get(0).getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                    .containsExactlyInAnyOrder("localhost", ItEnvironment.EXTRA_DOMAIN);
            assertThat(AcmeFilterOutput.keyMatches(chain.get(0), AcmeFilterOutput.readPrivateKey(key))).isTrue();
            assertThat(deployed.awaitLog("Read the configuration from " + etc.resolve("homeserver.yaml") + ", "
                    + etc.resolve("conf.d/report_stats.yaml") + ", " + etc.resolve("conf.d/server_name.yaml")
                    + ", in this order", Duration.ofSeconds(5))).as("the files read, in order").isNotNull();
            assertThat(deployed.awaitLog(etc.resolve("conf.d") + ": README does not end in .yaml; ignored",
                    Duration.ofSeconds(1))).isNotNull();
        }
    }
}
