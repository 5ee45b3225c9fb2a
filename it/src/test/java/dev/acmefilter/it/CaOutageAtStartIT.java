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

    private static Pebble outage;
    private static ItEnvironment.Homeserver outageHome;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "outage", managed = false, testable = false)
    static WebArchive outageDeployment() {
        LogCapture.install();
        outage = Pebble.builder().httpPort(ItEnvironment.httpPort()).resolveAllNamesToLoopback(true).start();
        outageHome = ItEnvironment.homeserver(outage, true);
        return ItEnvironment.acmeWar(outageHome.yaml());
    }


    @AfterAll
    static void stopPebble() {
        if (outage != null) {
            outage.close();
        }
    }

    @Test
    void whenTheCaIsDownAtStartTheWebappServesAndTheCertificateArrivesOnceTheCaIsBack() throws Exception {
        outage.stopServer();
        int mark = LogCapture.install().mark();
        deployer.deploy("outage");
        try {
            assertThat(ItEnvironment.get(ItEnvironment.base().resolve("/index.html")).statusCode())
                    .as("the webapp serves while the CA is down").isEqualTo(200);
            String failure = LogCapture.install().await(mark, "failed (1 in a row)", Duration.ofSeconds(20));
            assertThat(failure).as("the failed first attempt is logged").isNotNull()
                    .contains("next attempt at");
            outage.startServer();

            // the backoff's first step is one minute (plus up to 20% jitter)
            ItEnvironment.awaitFiles(outageHome, Duration.ofSeconds(100));
            Pebble.verifyChain(AcmeFilterOutput.readCertificates(outageHome.certificate()), outage.roots());
        } finally {
            deployer.undeploy("outage");
        }
    }
}
