package dev.acmefilter.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HookEnvironmentTest {

    private static final Map<String, String> JVM = Map.of("PATH", "/opt/bin:/usr/bin", "HOME", "/var/lib/jetty",
            "DATABASE_PASSWORD", "hunter2", "ACME_NAMES", "from the container");

    @Test
    void onlyPathAndTheDocumentedVariablesByDefault() {
        assertThat(HookEnvironment.of(List.of(), Map.of("ACME_NAMES", "example.org"), JVM::get))
                .containsExactly(Map.entry("PATH", "/opt/bin:/usr/bin"), Map.entry("ACME_NAMES", "example.org"));
    }

    @Test
    void listedNamesArePassedThroughAndTheDocumentedOnesWin() {
        assertThat(HookEnvironment.of(List.of("HOME", "ACME_NAMES", "UNSET"), Map.of("ACME_NAMES", "example.org"),
                JVM::get)).containsExactly(Map.entry("PATH", "/opt/bin:/usr/bin"), Map.entry("HOME", "/var/lib/jetty"),
                Map.entry("ACME_NAMES", "example.org"));
    }

    @Test
    void withoutAPathTheHookGetsDebiansDefault() {
        assertThat(HookEnvironment.of(List.of(), Map.of(), name -> null))
                .containsExactly(Map.entry("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    }
}
