package dev.acmefilter.provision;

import org.junit.jupiter.api.Test;

import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class WarmupTest {

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

    private static List<String> providerNames() {
        return Arrays.stream(Security.getProviders()).map(Provider::getName).toList();
    }
}
