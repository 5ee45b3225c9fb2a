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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The challenge filter only answers {@code /.well-known/acme-challenge/*}: the WAR's static
 * file and a servlet added to the webapp are served as before.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChallengeFilterPassThroughIT {

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        LogCapture.install();
        return ItEnvironment.acmeWar(ItEnvironment.homeserver(true).yaml());
    }

    @Test
    void deploymentIsAtTheContextRoot() throws Exception {
        assertThat(base.toURI().resolve("/")).isEqualTo(ItEnvironment.base());
        assertThat(base.getPath()).isIn("", "/");
    }

    @Test
    void staticFileOfTheWarIsStillServed() {
        HttpResponse<String> index = ItEnvironment.get(ItEnvironment.base().resolve("/index.html"));
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<h1>ACME provisioner</h1>");
        HttpResponse<String> welcome = ItEnvironment.get(ItEnvironment.base());
        assertThat(welcome.statusCode()).as("welcome file at /").isEqualTo(200);
        assertThat(welcome.body()).contains("<h1>ACME provisioner</h1>");
    }

    @Test
    void secondServletAddedToTheWebappIsStillServed() {
        HttpResponse<String> hello = ItEnvironment.get(ItEnvironment.base().resolve("/it-hello"));
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("hello from a second servlet"); // HelloServlet.GREETING
        assertThat(hello.headers().firstValue("Cache-Control")).as("not touched by the filter").isEmpty();
    }

    @Test
    void unknownChallengeTokenIsA404FromTheFilter() {
        URI uri = ItEnvironment.base().resolve("/.well-known/acme-challenge/unknownToken");
        HttpResponse<String> answer = ItEnvironment.get(uri);
        assertThat(answer.statusCode()).isEqualTo(404);
        // the filter's own answer, not the container's error page
        assertThat(answer.body()).isEqualTo("No pending ACME challenge for this token.\n");
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
    }

    @Test
    void otherMethodsOnTheChallengePathAre405FromTheFilter() {
        URI uri = ItEnvironment.base().resolve("/.well-known/acme-challenge/unknownToken");
        HttpResponse<String> answer = ItEnvironment.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
}
