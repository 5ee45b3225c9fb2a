package dev.acmefilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DnsSettingsTest {

    private static final TsigKey KEY = TsigKey.of("acme-update", TsigAlgorithm.DEFAULT,
            "R/LlO5NANpPWeialjxIGaEEoNNsSEQNInIg87Uaycp4=");
    private static final Rfc2136Settings RFC2136 = Rfc2136Settings.of(DnsServer.parse("192.0.2.53", 53), KEY);
    private static final HookSettings HOOK = HookSettings.of(Path.of("/usr/local/bin/acme-dns-hook"));

    @Test
    void theDefaultsAreAMinuteOfTtlAndTwoMinutesOfWaiting() {
        DnsSettings settings = DnsSettings.rfc2136(RFC2136);

        assertThat(settings.ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.propagationTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.checkServers()).isEmpty();
        assertThat(DnsSettings.hook(HOOK).hook()).contains(HOOK);
        assertThat(HOOK.timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void exactlyOneWayToChangeDnsIsConfigured() {
        assertThatThrownBy(() -> new DnsSettings(Optional.of(RFC2136), Optional.of(HOOK), DnsSettings.DEFAULT_TTL,
                DnsSettings.DEFAULT_PROPAGATION_TIMEOUT, List.of()))
                .hasMessage("dns-01 needs exactly one of rfc2136 and command, not both");
        assertThatThrownBy(() -> new DnsSettings(Optional.empty(), Optional.empty(), DnsSettings.DEFAULT_TTL,
                DnsSettings.DEFAULT_PROPAGATION_TIMEOUT, List.of()))
                .hasMessage("dns-01 needs exactly one of rfc2136 and command, not neither");
    }

    @Test
    void badDurationsAndPathsAreRefused() {
        assertThatThrownBy(() -> DnsSettings.rfc2136(RFC2136).withTtl(Duration.ofMillis(1500)))
                .hasMessageStartingWith("the TTL must be whole seconds");
        assertThatThrownBy(() -> DnsSettings.rfc2136(RFC2136).withPropagationTimeout(Duration.ZERO))
                .hasMessage("the propagation timeout must be positive: PT0S");
        assertThatThrownBy(() -> HookSettings.of(Path.of("acme-dns-hook")))
                .hasMessage("the DNS hook command must be an absolute path, not 'acme-dns-hook'");
    }

    @Test
    void aZoneIsKeptAbsoluteAndChecked() {
        assertThat(new Rfc2136Settings(RFC2136.server(), KEY, Optional.of("Example.org")).zone())
                .contains("Example.org.");
        assertThatThrownBy(() -> new Rfc2136Settings(RFC2136.server(), KEY, Optional.of("bad zone")))
                .hasMessage("'bad zone' is not a domain name");
    }

    @Test
    void theSettingsTextHidesTheSecret() {
        assertThat(DnsSettings.rfc2136(RFC2136).toString()).contains("acme-update.", "192.0.2.53:53")
                .doesNotContain("R/LlO5NANpPWeialjxIGaEEoNNsSEQNInIg87Uaycp4=");
    }
}
