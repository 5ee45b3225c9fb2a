package dev.acmefilter.testing;

import java.util.Objects;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link Pebble} per test class: started in {@code beforeAll}, closed in {@code afterAll}.
 * Register it on a <em>static</em> field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.resolveAllNamesToLoopback(true));
 *
 * @Test void issues(Pebble pebble) { ... }   // or PEBBLE.get()
 * }</pre>
 */
public final class PebbleExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final Consumer<Pebble.Builder> configuration;
    private Pebble pebble;

    private PebbleExtension(Consumer<Pebble.Builder> configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /** Pebble with the builder's defaults. */
    public static PebbleExtension withDefaults() {
        return new PebbleExtension(b -> { });
    }

    /** Pebble configured by {@code configuration} before {@code start()}. */
    public static PebbleExtension configure(Consumer<Pebble.Builder> configuration) {
        return new PebbleExtension(configuration);
    }

    /** The running Pebble; only between beforeAll and afterAll. */
    public Pebble get() {
        if (pebble == null) {
            throw new IllegalStateException("Pebble not started: register PebbleExtension on a static field");
        }
        return pebble;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (pebble == null) {
            Pebble.Builder builder = Pebble.builder();
            configuration.accept(builder);
            pebble = builder.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (pebble != null) {
            try {
                pebble.close();
            } finally {
                pebble = null;
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Pebble.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        try {
            return get();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }
}
