package dev.acmefilter.war;

import dev.acmefilter.config.ConfigLocator;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.provision.Warmup;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starts the {@link Warmup} of the first order as the deployment begins, before Weld boots:
 * containers run the initializers of WEB-INF/classes before those of the WAR's jars, and they
 * run them even though web.xml is metadata-complete. The warm-up thread reads the config
 * ahead (quietly: {@link AcmeBootstrap} reads it again and reports) to fetch the CA's
 * directory while Weld boots.
 */
public class WarmupInitializer implements ServletContainerInitializer {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        // found here, on the container's thread; read on the warm-up thread
        Optional<List<Path>> config = ConfigLocator.find(context::getInitParameter, System::getProperty, System::getenv);
        Warmup.start(() -> config.map(ConfigLoader::loadQuietly));
    }
}
