package dev.acmefilter.war;

import dev.acmefilter.provision.Warmup;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;

import java.util.Set;

/**
 * Starts the {@link Warmup} of the first order as the deployment begins, before Weld boots:
 * containers run the initializers of WEB-INF/classes before those of the WAR's jars, and they
 * run them even though web.xml is metadata-complete.
 */
public class WarmupInitializer implements ServletContainerInitializer {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        Warmup.start();
    }
}
