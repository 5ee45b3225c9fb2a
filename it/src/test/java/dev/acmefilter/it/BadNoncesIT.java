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

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pebble rejects half of all nonces (badNonce): the client retries them and the order succeeds.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadNoncesIT {

    private static final ItWebapp webapp = new ItWebapp();

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "bad-nonces", managed = false, testable = false)
    static WebArchive badNonceDeployment() {
        return webapp.warWithOwnCa(Pebble.builder().httpPort(ItEnvironment.httpPort())
                .resolveAllNamesToLoopback(true).nonceRejectPercent(50));
    }

    @AfterAll
    static void stopPebble() {
        webapp.stopOwnCa();
    }

    @Test
    void withHalfOfAllNoncesRejectedTheOrderStillSucceeds() throws Exception {
        try (ManualDeployment deployed = ManualDeployment.deploy(deployer, "bad-nonces")) {
            ItEnvironment.Homeserver home = webapp.homeserver();
            ItEnvironment.awaitFiles(home, Duration.ofSeconds(60));
            List<X509Certificate> chain = AcmeFilterOutput.readCertificates(home.certificate());
            Pebble.verifyChain(chain, webapp.ownCa().roots());
            assertThat(AcmeFilterOutput.keyMatches(chain.get(0),
                    AcmeFilterOutput.readPrivateKey(home.privateKey()))).isTrue();
            long retried = deployed.logSince().stream()
                    .filter(line -> line.contains("Bad Replay Nonce, trying again")).count();
            assertThat(retried).as("nonces rejected by Pebble and retried by the client").isPositive();
        }
    }
}
