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

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAR keeps three certificates from one {@code homeserver.yaml}: Synapse's own, one
 * listed under {@code acme.certificates}, and one whose name the CA cannot look up (the test
 * DNS answers SERVFAIL). The first two are issued; the third
 * fails and records its failure on its own.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SeveralCertificatesIT {

    private static final String DEPLOYMENT = "several";
    private static final ItWebapp webapp = new ItWebapp();
    private static Path dir;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        LogCapture.install();
        ItEnvironment.pebble().failLookups("unreachable.example.org");
        WebArchive war = webapp.war(true,
                "preflight: {mode: 'off'}",
                "certificates:",
                "  - id: element",
                "    domains: [element.example.org]",
                "    certificate_path: element.crt",
                "    private_key_path: element.key",
                "  - id: unreachable",
                "    domains: [unreachable.example.org]",
                "    certificate_path: unreachable.crt",
                "    private_key_path: unreachable.key");
        dir = webapp.homeserver().yaml().getParent();
        return war;
    }

    @Test
    void twoCertificatesAreIssuedWhileTheThirdFailsOnItsOwn() throws Exception {
        ItEnvironment.Homeserver homeserver = webapp.homeserver();
        try (ManualDeployment deployed = ManualDeployment.deploy(deployer, DEPLOYMENT)) {
            Path failureState = dir.resolve("acme-state@unreachable.properties");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && !(Files.exists(homeserver.certificate())
                    && Files.exists(dir.resolve("element.crt")) && failed(failureState))) {
                Thread.sleep(100);
            }
            assertThat(failed(failureState)).as("a failure recorded in " + failureState + "; files in " + dir
                    + ": " + list(dir)).isTrue();
            assertIssued(homeserver.certificate(), homeserver.privateKey(), "localhost");
            assertIssued(dir.resolve("element.crt"), dir.resolve("element.key"), "element.example.org");
            assertThat(dir.resolve("unreachable.crt")).doesNotExist();
            assertThat(dir.resolve("unreachable.key")).doesNotExist();
            assertThat(Files.readString(failureState)).contains("unreachable.example.org");
            assertThat(deployed.awaitLog("Certificate check of unreachable", Duration.ofSeconds(5)))
                    .as("the failure logged with the certificate's id").isNotNull();

            // status, metrics and health: one entry per certificate; the one without a certificate is unhealthy
            String status = ItEnvironment.get(ItEnvironment.base().resolve("/acme/status")).body();
            assertThat(status).contains("\"id\": \"default\"", "\"id\": \"element\"", "\"id\": \"unreachable\"",
                    "\"certificate_problem\": \"no certificate at " + dir.resolve("unreachable.crt") + "\"");
            String metrics = ItEnvironment.get(ItEnvironment.base().resolve("/acme/metrics")).body();
            assertThat(metrics).contains("acme_certificate_present{certificate=\"element\"} 1\n",
                    "acme_certificate_present{certificate=\"unreachable\"} 0\n");
            var health = ItEnvironment.get(ItEnvironment.base().resolve("/acme/health"));
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).startsWith("unhealthy\n").contains("default: ok\n", "element: ok\n",
                    "unreachable: no certificate at " + dir.resolve("unreachable.crt") + "\n");
        }
    }

    private static boolean failed(Path state) throws Exception {
        return Files.exists(state) && Files.readString(state).matches("(?s).*consecutive_failures=[1-9].*");
    }

    private static List<String> list(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertIssued(Path certificate, Path key, String name) throws Exception {
        assertThat(certificate).as("certificate for " + name).exists();
        List<X509Certificate> chain = AcmeFilterOutput.readCertificates(certificate);
        Pebble.verifyChain(chain, ItEnvironment.pebble().roots());
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1)).contains(name);
        assertThat(AcmeFilterOutput.keyMatches(leaf, AcmeFilterOutput.readPrivateKey(key))).isTrue();
    }
}
