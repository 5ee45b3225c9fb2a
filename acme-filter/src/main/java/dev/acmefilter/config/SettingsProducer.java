package dev.acmefilter.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;
import jakarta.servlet.ServletContext;

/**
 * Produces the {@link AcmeConfig} bean in a CDI webapp: the configuration file is found
 * by {@link ConfigLocator} (context-param first) and read once, when something first
 * injects the settings. A webapp that only serves challenges never reads a file.
 */
@ApplicationScoped
public class SettingsProducer {

    private volatile ServletContext context;
    private volatile AcmeConfig settings;

    /** Captures the servlet context before any other observer of the same event runs. */
    void capture(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE)
                 @Initialized(ApplicationScoped.class) Object event) {
        if (event instanceof ServletContext servletContext) {
            this.context = servletContext;
        }
    }

    @Produces
    @Dependent
    public AcmeConfig settings() {
        AcmeConfig loaded = settings;
        if (loaded == null) {
            synchronized (this) {
                if (settings == null) {
                    ServletContext ctx = context;
                    settings = ConfigLoader.load(ConfigLocator.locate(
                            name -> ctx == null ? null : ctx.getInitParameter(name),
                            System::getProperty, System::getenv));
                }
                loaded = settings;
            }
        }
        return loaded;
    }
}
