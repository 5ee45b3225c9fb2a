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

    private static final ItWebapp webapp = new ItWebapp();

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return webapp.war(true);
    }

    @Test
    void certificateFleetIsAnApplicationScopedBeanInjectedAsClientProxy() throws Exception {
        Properties cdi = ProbeClient.get(base, "cdi");
        assertInjectedApplicationScoped(cdi, "fleet");
        assertThat(cdi.getProperty("fleet.beanClass")).isEqualTo("dev.acmefilter.provision.CertificateFleet");
        // a normal-scoped bean is injected as Weld's client proxy, a subclass
        assertThat(cdi.getProperty("fleet.class"))
                .startsWith("dev.acmefilter.provision.CertificateFleet$")
                .contains("Proxy");
    }

    @Test
    void provisionerReadsTheHomeserverYamlGivenByContextParam() throws Exception {
        Properties settings = ProbeClient.get(base, "settings");
        assertThat(settings.getProperty("configFile")).isEqualTo(webapp.homeserver().yaml().toString());
        assertThat(settings.getProperty("enabled")).isEqualTo("true");
        assertThat(settings.getProperty("domains")).isEqualTo("localhost," + ItEnvironment.EXTRA_DOMAIN);
    }

    @Test
    void bootstrapIsInjectedAndRunsTheRenewalLoop() throws Exception {
        Properties cdi = ProbeClient.get(base, "cdi");
        assertInjectedApplicationScoped(cdi, "bootstrap");
        assertThat(cdi.getProperty("scheduler.present")).isEqualTo("true");
    }

    @Test
    void injectedChallengeStoreIsTheOneTheFilterAnswersFrom() throws Exception {
        Properties cdi = ProbeClient.get(base, "cdi");
        assertInjectedApplicationScoped(cdi, "store");
        // the WAR's store: its own tokens first, then the admin command's files in the state dir
        assertThat(cdi.getProperty("store.beanClass")).isEqualTo("dev.acmefilter.war.ChallengeStoreProducer");

        String token = "it-" + UUID.randomUUID().toString().replace("-", "");
        String keyAuthorization = keyAuthorization(token);
        URI challenge = challenge(token);
        assertNotAnswered(challenge, "before the put");

        ProbeClient.get(base, "put?token=" + token + "&value="
                + URLEncoder.encode(keyAuthorization, StandardCharsets.UTF_8));
        assertAnswered(challenge, keyAuthorization, "after the put through the injected store");

        ProbeClient.get(base, "remove?token=" + token);
        assertNotAnswered(challenge, "after the remove");
    }

    @Test
    void aTokenFileWrittenByTheAdminCommandIntoTheStateDirIsAnswered() throws Exception {
        String token = "admin-" + UUID.randomUUID().toString().replace("-", "");
        String keyAuthorization = keyAuthorization(token);
        URI challenge = challenge(token);
        // what DirectoryChallengeStore writes: <state_dir>/challenges/<token>, the state dir being the account key's
        Path file = webapp.homeserver().yaml().resolveSibling("challenges").resolve(token);
        Files.createDirectories(file.getParent());
        assertNotAnswered(challenge, "before the file");

        Files.writeString(file, keyAuthorization);
        assertAnswered(challenge, keyAuthorization, "with the file");

        Files.delete(file);
        assertNotAnswered(challenge, "after the file is gone");
    }

    /** The probe's {@code <bean>.injected} and {@code <bean>.scope}: injected, and application-scoped. */
    private static void assertInjectedApplicationScoped(Properties cdi, String bean) {
        assertThat(cdi.getProperty(bean + ".injected")).isEqualTo("true");
        assertThat(cdi.getProperty(bean + ".scope")).isEqualTo("jakarta.enterprise.context.ApplicationScoped");
    }

    /** The only form the folder's files are served in: the token, a dot, a base64url SHA-256 thumbprint. */
    private static String keyAuthorization(String token) throws Exception {
        return token + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes()));
    }

    private URI challenge(String token) throws Exception {
        return base.toURI().resolve("/.well-known/acme-challenge/" + token);
    }

    private static void assertNotAnswered(URI challenge, String when) {
        assertThat(ItEnvironment.get(challenge).statusCode()).as(when).isEqualTo(404);
    }

    private static void assertAnswered(URI challenge, String keyAuthorization, String when) {
        HttpResponse<String> answer = ItEnvironment.get(challenge);
        assertThat(answer.statusCode()).as(when).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(keyAuthorization);
    }
}
