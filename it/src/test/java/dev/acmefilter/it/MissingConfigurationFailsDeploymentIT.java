package dev.acmefilter.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A WAR given no homeserver.yaml at all (no context-param, no system property, no
 * environment variable acme.config / ACME_CONFIG) fails to start and says how to give one.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MissingConfigurationFailsDeploymentIT {

    private static final String DEPLOYMENT = "no-config";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        LogCapture.install();
        return ItEnvironment.acmeWar((Path) null);
    }

    @Test
    void noConfigurationAnywhereFailsTheDeploymentWithTheConfigLocatorsMessage() throws Exception {
        assumeTrue(System.getProperty("acme.config") == null, "system property acme.config is set");
        assumeTrue(System.getenv("ACME_CONFIG") == null, "environment variable ACME_CONFIG is set");
        FailedDeployment.deploy(deployer, DEPLOYMENT)
                .assertReported("No configuration file given: set the servlet context-param acme.config");
    }
}
