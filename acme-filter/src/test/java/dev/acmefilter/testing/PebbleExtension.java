package dev.acmefilter.testing;

import dev.acmefilter.challenge.InMemoryChallengeStore;
import dev.acmefilter.config.CertificateSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

import org.eclipse.jetty.server.Server;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link Pebble} per test class: started in {@code beforeAll}, closed in {@code afterAll};
 * with {@link #answeringChallenges()}, also a {@link ChallengeJetty} on Pebble's http-01 port
 * that answers from {@link #store()}, as the webapp would. {@link #settings(Path)} gives the
 * settings of a certificate for {@code localhost} from this Pebble, with its files in a
 * folder of the test's. Register it on a <em>static</em> field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PebbleExtension PEBBLE = PebbleExtension.configure(b -> b.resolveAllNamesToLoopback(true))
 *         .answeringChallenges();
 *
 * @Test void issues(@TempDir Path dir) { new Provisioner(PEBBLE.settings(dir).build(), PEBBLE.store()) ... }
 * }</pre>
 */
public final class PebbleExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final Consumer<Pebble.Builder> configuration;
    private final InMemoryChallengeStore store = new InMemoryChallengeStore();
    private boolean answering;
    private Pebble pebble;
    private Server jetty;

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

    /** Also answers Pebble's http-01 requests from {@link #store()} through a real challenge filter. */
    public PebbleExtension answeringChallenges() {
        this.answering = true;
        return this;
    }

    /** The challenge store the challenge Jetty answers from. */
    public InMemoryChallengeStore store() {
        return store;
    }

    /**
     * Settings of a certificate for {@code localhost} from this Pebble (trusting its CA), with
     * the account key {@code dir/client.key} and the pair {@code dir/tls/homeserver.tls.crt}
     * and {@code .key}; the test changes what it needs.
     */
    public CertificateSettings.Builder settings(Path dir) {
        return CertificateSettings.builder()
                .domain("localhost")
                .directoryUrl(get().directoryUrl())
                .caCertificates(get().caCertificatesPem())
                .accountKeyFile(dir.resolve("client.key"))
                .certificatePath(dir.resolve("tls/homeserver.tls.crt"))
                .privateKeyPath(dir.resolve("tls/homeserver.tls.key"));
    }

    /**
     * Writes {@code home/homeserver.yaml}: Synapse's keys for {@code localhost} with its pair in
     * {@code home/tls/}, and an {@code acme} section that orders from this Pebble (trusting
     * its CA) with the pre-flight off; {@code moreAcmeLines} are appended as they are (keys of
     * the acme section indented by two spaces).
     */
    public Path homeserverYaml(Path home, String moreAcmeLines) throws IOException {
        return Files.writeString(home.resolve("homeserver.yaml"), """
                server_name: localhost
                tls_certificate_path: tls/localhost.crt
                tls_private_key_path: tls/localhost.key
                acme:
                  enabled: true
                  url: '%s'
                  ca_certificates: '%s'
                  preflight: {mode: off}
                """.formatted(get().directoryUrl(), get().caCertificatesPem()) + moreAcmeLines);
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
            if (answering) {
                try {
                    jetty = ChallengeJetty.start(store, pebble.httpPort());
                } catch (Exception e) {
                    int port = pebble.httpPort();
                    pebble.close();
                    pebble = null;
                    throw new IllegalStateException("Cannot start the challenge Jetty on port " + port, e);
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (jetty != null) {
                jetty.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the challenge Jetty", e);
        } finally {
            jetty = null;
            if (pebble != null) {
                try {
                    pebble.close();
                } finally {
                    pebble = null;
                }
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
