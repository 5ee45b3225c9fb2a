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

    private static Pebble badNonces;
    private static ItEnvironment.Homeserver badNonceHome;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "bad-nonces", managed = false, testable = false)
    static WebArchive badNonceDeployment() {
        LogCapture.install();
        badNonces = Pebble.builder().httpPort(ItEnvironment.httpPort()).resolveAllNamesToLoopback(true)
                .nonceRejectPercent(50).start();
        badNonceHome = ItEnvironment.homeserver(badNonces, true);
        return ItEnvironment.acmeWar(badNonceHome.yaml());
    }


    @AfterAll
    static void stopPebble() {
        if (badNonces != null) {
            badNonces.close();
        }
    }

    @Test
    void withHalfOfAllNoncesRejectedTheOrderStillSucceeds() throws Exception {
        int mark = LogCapture.install().mark();
        deployer.deploy("bad-nonces");
        try {
            ItEnvironment.awaitFiles(badNonceHome, Duration.ofSeconds(60));
            List<X509Certificate> chain = AcmeFilterOutput.readCertificates(badNonceHome.certificate());
            Pebble.verifyChain(chain, badNonces.roots());
            assertThat(AcmeFilterOutput.keyMatches(chain.get(0),
                    AcmeFilterOutput.readPrivateKey(badNonceHome.privateKey()))).isTrue();
            long retried = LogCapture.install().since(mark).stream()
                    .filter(line -> line.contains("Bad Replay Nonce, trying again")).count();
            assertThat(retried).as("nonces rejected by Pebble and retried by the client").isPositive();
        } finally {
            deployer.undeploy("bad-nonces");
        }
    }
}
