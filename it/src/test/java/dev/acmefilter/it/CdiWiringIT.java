package dev.acmefilter.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Weld wires the WAR: a servlet added to the webapp gets the application-scoped certificate fleet
 * (as a client proxy), the bootstrap, and the very challenge store the filter answers from.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CdiWiringIT {

    private static ItEnvironment.Homeserver homeserver;

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        LogCapture.install();
        homeserver = ItEnvironment.homeserver(true);
        return ItEnvironment.acmeWar(homeserver.yaml());
    }

    private Properties probe(String path) throws Exception {
        HttpResponse<String> answer = ItEnvironment.get(base.toURI().resolve("/it-probe/" + path));
        assertThat(answer.statusCode()).as("GET /it-probe/" + path + ": " + answer.body()).isEqualTo(200);
        Properties p = new Properties();
        p.load(new StringReader(answer.body()));
        return p;
    }

    @Test
    void certificateFleetIsAnApplicationScopedBeanInjectedAsClientProxy() throws Exception {
        Properties cdi = probe("cdi");
        assertThat(cdi.getProperty("fleet.injected")).isEqualTo("true");
        assertThat(cdi.getProperty("fleet.scope")).isEqualTo("jakarta.enterprise.context.ApplicationScoped");
        assertThat(cdi.getProperty("fleet.beanClass")).isEqualTo("dev.acmefilter.provision.CertificateFleet");
        // a normal-scoped bean is injected as Weld's client proxy, a subclass
        assertThat(cdi.getProperty("fleet.class"))
                .startsWith("dev.acmefilter.provision.CertificateFleet$")
                .contains("Proxy");
    }

    @Test
    void provisionerReadsTheHomeserverYamlGivenByContextParam() throws Exception {
        Properties settings = probe("settings");
        assertThat(settings.getProperty("configFile")).isEqualTo(homeserver.yaml().toString());
        assertThat(settings.getProperty("enabled")).isEqualTo("true");
        assertThat(settings.getProperty("domains")).isEqualTo("localhost," + ItEnvironment.EXTRA_DOMAIN);
    }

    @Test
    void bootstrapIsInjectedAndRunsTheRenewalLoop() throws Exception {
        Properties cdi = probe("cdi");
        assertThat(cdi.getProperty("bootstrap.injected")).isEqualTo("true");
        assertThat(cdi.getProperty("bootstrap.scope")).isEqualTo("jakarta.enterprise.context.ApplicationScoped");
        assertThat(cdi.getProperty("scheduler.present")).isEqualTo("true");
    }

    @Test
    void injectedChallengeStoreIsTheOneTheFilterAnswersFrom() throws Exception {
        Properties cdi = probe("cdi");
        assertThat(cdi.getProperty("store.injected")).isEqualTo("true");
        // the WAR's store: its own tokens first, then the admin command's files in the state dir
        assertThat(cdi.getProperty("store.beanClass")).isEqualTo("dev.acmefilter.war.ChallengeStoreProducer");
        assertThat(cdi.getProperty("store.scope")).isEqualTo("jakarta.enterprise.context.ApplicationScoped");

        String token = "it-" + UUID.randomUUID().toString().replace("-", "");
        // the only form the folder's files are served in: the token, a dot, a base64url SHA-256 thumbprint
        String keyAuthorization = token + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes()));
        URI challenge = base.toURI().resolve("/.well-known/acme-challenge/" + token);
        assertThat(ItEnvironment.get(challenge).statusCode()).as("before the put").isEqualTo(404);

        probe("put?token=" + token + "&value=" + URLEncoder.encode(keyAuthorization, StandardCharsets.UTF_8));
        HttpResponse<String> answer = ItEnvironment.get(challenge);
        assertThat(answer.statusCode()).as("after the put through the injected store").isEqualTo(200);
        assertThat(answer.body()).isEqualTo(keyAuthorization);

        probe("remove?token=" + token);
        assertThat(ItEnvironment.get(challenge).statusCode()).as("after the remove").isEqualTo(404);
    }

    @Test
    void aTokenFileWrittenByTheAdminCommandIntoTheStateDirIsAnswered() throws Exception {
        String token = "admin-" + UUID.randomUUID().toString().replace("-", "");
        // the only form the folder's files are served in: the token, a dot, a base64url SHA-256 thumbprint
        String keyAuthorization = token + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes()));
        URI challenge = base.toURI().resolve("/.well-known/acme-challenge/" + token);
        // what DirectoryChallengeStore writes: <state_dir>/challenges/<token>, the state dir being the account key's
        Path file = homeserver.yaml().resolveSibling("challenges").resolve(token);
        Files.createDirectories(file.getParent());
        assertThat(ItEnvironment.get(challenge).statusCode()).as("before the file").isEqualTo(404);

        Files.writeString(file, keyAuthorization);
        HttpResponse<String> answer = ItEnvironment.get(challenge);
        assertThat(answer.statusCode()).as("with the file").isEqualTo(200);
        assertThat(answer.body()).isEqualTo(keyAuthorization);

        Files.delete(file);
        assertThat(ItEnvironment.get(challenge).statusCode()).as("after the file is gone").isEqualTo(404);
    }
}
