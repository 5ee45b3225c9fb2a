package dev.acmefilter.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundsTest {

    @Test
    void aPortIsOneTo65535() {
        assertThat(Bounds.isPort(1)).isTrue();
        assertThat(Bounds.isPort(65535)).isTrue();
        assertThat(Bounds.isPort(0)).isFalse();
        assertThat(Bounds.isPort(65536)).isFalse();
        assertThatThrownBy(() -> Bounds.requirePort(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port out of range: 0");
    }

    @Test
    void everySettingsRecordRefusesThePortsAndTimeoutsTheBoundsRefuse() {
        assertThatThrownBy(() -> new PreflightSettings(PreflightSettings.Mode.STRICT, 65536, Duration.ofSeconds(1)))
                .hasMessage("port out of range: 65536");
        assertThatThrownBy(() -> new PreflightSettings(PreflightSettings.Mode.STRICT, 80, Duration.ZERO))
                .hasMessage("timeout must be positive: PT0S");
        assertThatThrownBy(() -> new DnsServer("127.0.0.1", 0)).hasMessage("port out of range: 0");
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatCode(() -> Bounds.requirePositiveTimeout(Duration.ofMillis(1))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Bounds.requirePositiveTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive: PT-1S");
    }
}
