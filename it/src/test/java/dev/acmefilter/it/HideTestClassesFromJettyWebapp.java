package dev.acmefilter.it;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.util.ClassMatcher;
import org.jboss.arquillian.container.jetty.embedded_12_ee10.WebAppContextProcessor;
import org.jboss.shrinkwrap.api.Archive;

/**
 * Jetty adapter hook (registered in META-INF/services): the test JVM's class path is the
 * parent of the webapp's class loader, and it holds this module's classes, among them the
 * probe servlets also added to WEB-INF/classes. Without this, Jetty ran ProbeServlet from the
 * parent, where acme-filter's classes are not ({@code NoClassDefFoundError:
 * dev/acmefilter/provision/Provisioner}). Hidden ("server") classes are never taken from the
 * parent, so the webapp uses its own copies, as in a real server.
 */
public class HideTestClassesFromJettyWebapp implements WebAppContextProcessor {

    @Override
    public void process(WebAppContext webAppContext, Archive<?> archive) {
        webAppContext.addHiddenClassMatcher(new ClassMatcher("dev.acmefilter."));
    }
}
