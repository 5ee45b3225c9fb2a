package dev.acmefilter.provision;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.testing.Pebble;
import dev.acmefilter.testing.PebbleExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class WarmupTest {

    @RegisterExtension
    static final PebbleExtension PEBBLE = PebbleExtension.withDefaults();

    @TempDir
    Path dir;

    /** A config with ACME switched on or off, around one certificate from this Pebble. */
    private AcmeConfig config(boolean enabled) {
        return AcmeConfig.builder().enabled(enabled).certificate(PEBBLE.settings(dir).build()).build();
    }

    @Test
    void theWarmUpWorkSucceedsAndLeavesTheJvmsProvidersAsTheyWere() {
        List<String> before = providerNames();

        assertThatCode(Warmup::run).doesNotThrowAnyException();

        assertThat(providerNames()).isEqualTo(before);
    }

    @Test
    void theWarmUpRunsOnADaemonThreadThatEnds() throws Exception {
        Thread thread = Warmup.start();

        thread.join(60_000);

        assertThat(thread.getName()).isEqualTo("acme-warmup");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void withAcmeEnabledTheWarmUpFetchesTheCasDirectoryOnceAndWritesNothing() throws Exception {
        Pebble pebble = PEBBLE.get();
        long all = pebble.requests();
        long directory = pebble.requests("GET /dir");

        Warmup.start(() -> Optional.of(config(true))).join(60_000);

        assertThat(pebble.requests("GET /dir") - directory).isEqualTo(1);
        assertThat(pebble.requests() - all).as("no account, no nonce, no order").isEqualTo(1);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void withAcmeDisabledTheWarmUpAsksTheCaNothing() throws Exception {
        Pebble pebble = PEBBLE.get();
        long all = pebble.requests();

        Warmup.start(() -> Optional.of(config(false))).join(60_000);

        assertThat(pebble.requests() - all).isZero();
    }

    private static List<String> providerNames() {
        return Arrays.stream(Security.getProviders()).map(Provider::getName).toList();
    }
}
