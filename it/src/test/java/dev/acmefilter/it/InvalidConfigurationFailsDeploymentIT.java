package dev.acmefilter.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A WAR whose homeserver.yaml has a wrong value must not come up as if all were well: the
 * configuration is read while the application scope starts, so the webapp fails to start,
 * and the config loader's message reaches the deployer or the container's log.
 * Deployed by hand, so that the test sees what the adapter does with the failure.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class InvalidConfigurationFailsDeploymentIT {

    private static final String DEPLOYMENT = "invalid-key-type";

    private static final ItWebapp webapp = new ItWebapp();

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        return webapp.war(true, "key_type: dsa");
    }

    @Test
    void unsupportedKeyTypeFailsTheDeploymentWithTheConfigLoadersMessage() throws Exception {
        FailedDeployment.deploy(deployer, DEPLOYMENT)
                .assertReported(webapp.homeserver().yaml() + ": acme.key_type: 'dsa' is not a supported key type");
    }
}
