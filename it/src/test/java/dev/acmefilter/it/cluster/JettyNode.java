package dev.acmefilter.it.cluster;

import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.cdi.CdiConfiguration;
import org.eclipse.jetty.ee10.cdi.CdiDecoratingListener;
import org.eclipse.jetty.ee10.cdi.CdiServletContainerInitializer;
import org.eclipse.jetty.ee10.plus.webapp.EnvConfiguration;
import org.eclipse.jetty.ee10.plus.webapp.PlusConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cluster node in a JVM of its own, so that a test can kill it: an embedded Jetty 12 (ee10)
 * on 127.0.0.1 that deploys {@code acme.war} at the context root, with the CDI decorating
 * mode Weld needs (as the Jetty base's {@code ee10-cdi-decorate} module). The WAR finds its
 * homeserver.yaml through the system property {@code acme.config}. Stops (undeploying the
 * WAR) on SIGTERM; prints {@code STARTED <port>} once deployed.
 *
 * <p>Arguments: port, path of acme.war, a work folder for the unpacked WAR.
 */
public final class JettyNode {

    private JettyNode() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path war = Path.of(args[1]);
        Path work = Files.createDirectories(Path.of(args[2]));
        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        http.setPort(port);
        server.addConnector(http);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war.toString());
        webapp.setTempDirectory(work.toFile());
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.setInitParameter(CdiServletContainerInitializer.CDI_INTEGRATION_ATTRIBUTE, CdiDecoratingListener.MODE);
        webapp.addConfiguration(new AnnotationConfiguration(), new PlusConfiguration(), new EnvConfiguration(),
                new CdiConfiguration());
        server.setHandler(webapp);
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("STARTED " + port);
        System.out.flush();
        server.join();
    }
}
