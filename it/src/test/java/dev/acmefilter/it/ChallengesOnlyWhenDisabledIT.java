package dev.acmefilter.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code acme.enabled: false} the webapp starts, says so in the log, answers challenges
 * put into its store, and orders nothing: no renewal thread, no certificate files.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChallengesOnlyWhenDisabledIT {

    private static final ItWebapp webapp = new ItWebapp();

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return webapp.war(false);
    }

    @Test
    void startupLogSaysAcmeIsDisabledAndOnlyChallengesAreServed() throws Exception {
        ItEnvironment.Homeserver homeserver = webapp.homeserver();
        String line = LogCapture.install().await(0, "acme.enabled is false in " + homeserver.yaml(),
                Duration.ofSeconds(5));
        assertThat(line).as("log line 'acme.enabled is false in " + homeserver.yaml() + "'").isNotNull();
        assertThat(line).contains("serving ACME challenges at /.well-known/acme-challenge/ only");
    }

    @Test
    void noRenewalLoopRunsAndNoCertificateIsWritten() throws Exception {
        ItEnvironment.Homeserver homeserver = webapp.homeserver();
        Properties cdi = ProbeClient.get(base, "cdi");
        assertThat(cdi.getProperty("scheduler.present")).isEqualTo("false");
        assertThat(ItEnvironment.renewalThreads()).as("threads named acme-renewal").isEmpty();
        assertThat(Files.exists(homeserver.certificate())).as(homeserver.certificate() + " exists").isFalse();
        assertThat(Files.exists(homeserver.privateKey())).as(homeserver.privateKey() + " exists").isFalse();
    }

    @Test
    void challengesAreStillAnswered() throws Exception {
        URI challenge = base.toURI().resolve("/.well-known/acme-challenge/disabledToken_1");
        assertThat(ItEnvironment.get(challenge).statusCode()).isEqualTo(404);
        ProbeClient.get(base, "put?token=disabledToken_1&value=disabledToken_1.abc");
        HttpResponse<String> answer = ItEnvironment.get(challenge);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("disabledToken_1.abc");
    }
}
