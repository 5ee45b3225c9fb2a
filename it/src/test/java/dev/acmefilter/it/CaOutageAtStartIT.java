package dev.acmefilter.it;

import dev.acmefilter.testing.Pebble;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CA is down when the webapp starts: the webapp starts and serves anyway, logs the
 * failure with the next attempt, and the certificate arrives once the CA is back (after the
 * first backoff step, one minute).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CaOutageAtStartIT {

    private static final ItWebapp webapp = new ItWebapp();

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "outage", managed = false, testable = false)
    static WebArchive outageDeployment() {
        return webapp.warWithOwnCa(Pebble.builder().httpPort(ItEnvironment.httpPort()).resolveAllNamesToLoopback(true));
    }

    @AfterAll
    static void stopPebble() {
        webapp.stopOwnCa();
    }

    @Test
    void whenTheCaIsDownAtStartTheWebappServesAndTheCertificateArrivesOnceTheCaIsBack() throws Exception {
        Pebble outage = webapp.ownCa();
        outage.stopServer();
        try (ManualDeployment deployed = ManualDeployment.deploy(deployer, "outage")) {
            assertThat(ItEnvironment.get(ItEnvironment.base().resolve("/index.html")).statusCode())
                    .as("the webapp serves while the CA is down").isEqualTo(200);
            String failure = deployed.awaitLog("failed (1 in a row)", Duration.ofSeconds(20));
            assertThat(failure).as("the failed first attempt is logged").isNotNull()
                    .contains("next attempt at");
            outage.startServer();

            // the backoff's first step is one minute (plus up to 20% jitter)
            ItEnvironment.awaitFiles(webapp.homeserver(), Duration.ofSeconds(100));
            Pebble.verifyChain(AcmeFilterOutput.readCertificates(webapp.homeserver().certificate()), outage.roots());
        }
    }
}
