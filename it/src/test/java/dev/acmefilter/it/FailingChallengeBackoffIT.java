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

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A challenge the CA cannot validate (it connects to a port where nothing listens): the
 * failure is logged with the ACME problem and the next attempt, the state file keeps the
 * backoff, and neither the running webapp nor a redeployed one orders again before it ends.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FailingChallengeBackoffIT {

    private static final ItWebapp webapp = new ItWebapp();

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "failing", managed = false, testable = false)
    static WebArchive failingDeployment() throws IOException {
        int nothingListens;
        try (ServerSocket probe = new ServerSocket(0)) {
            nothingListens = probe.getLocalPort();
        }
        // Pebble validates on a port where nothing answers: every http-01 challenge fails
        // no rejected nonces: a retried POST would be counted as a second order
        return webapp.warWithOwnCa(Pebble.builder().httpPort(nothingListens).nonceRejectPercent(0)
                .resolveAllNamesToLoopback(true));
    }

    @AfterAll
    static void stopPebble() {
        webapp.stopOwnCa();
    }

    @Test
    void aChallengeThatCannotBeValidatedIsLoggedAndRetriedOnlyAfterTheBackoffEvenAcrossARedeploy()
            throws Exception {
        Pebble unreachable = webapp.ownCa();
        ItEnvironment.Homeserver failingHome = webapp.homeserver();
        try (ManualDeployment deployed = ManualDeployment.deploy(deployer, "failing")) {
            String failure = deployed.awaitLog("failed (1 in a row)", Duration.ofSeconds(30));
            assertThat(failure).as("the failure is logged").isNotNull()
                    .containsPattern("http-01 validation of (localhost|matrix\\.example\\.org) failed:"
                            + " urn:ietf:params:acme:error:connection: .*connection refused")
                    .contains("next attempt at");
            Thread.sleep(5_000);
            assertThat(unreachable.requests("POST /order-plz")).as("orders created within 5 s of the failure")
                    .isEqualTo(1);
            ItEnvironment.recordTiming("CA_REQUESTS container=" + ItEnvironment.container()
                    + " failed_attempt_requests=" + unreachable.requests());
        }
        Properties state = ItEnvironment.state(failingHome);
        assertThat(state.getProperty("consecutive_failures")).isEqualTo("1");
        Instant lastAttempt = Instant.parse(state.getProperty("last_attempt"));
        Instant nextAttempt = Instant.parse(state.getProperty("next_attempt"));
        assertThat(Duration.between(lastAttempt, nextAttempt)).isGreaterThanOrEqualTo(Duration.ofMinutes(1));

        // a redeploy inside the backoff waits for it
        try (ManualDeployment again = ManualDeployment.deploy(deployer, "failing")) {
            String waiting = again.awaitLog("before the next attempt", Duration.ofSeconds(20));
            assertThat(waiting).as("the restart says it waits").isNotNull();
            Thread.sleep(5_000);
            assertThat(unreachable.requests("POST /order-plz")).as("orders after the redeploy").isEqualTo(1);
            assertThat(Files.exists(failingHome.certificate())).isFalse();
        }
    }
}
