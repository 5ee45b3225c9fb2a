package dev.acmefilter.config;

import dev.acmefilter.net.AddressRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusSettingsTest {

    @TempDir
    Path dir;

    private AcmeConfig load(String... statusLines) throws IOException {
        return TestConfig.loadEnabledWith(dir, statusLines);
    }

    @Test
    void withoutTheSectionTheEndpointsAnswerLoopbackOnly() throws Exception {
        StatusSettings s = load().status();

        assertThat(s.enabled()).isTrue();
        assertThat(s.allow()).containsExactly(AddressRange.IPV4_LOOPBACK, AddressRange.IPV6_LOOPBACK);
    }

    @Test
    void anAllowListReplacesTheDefault() throws Exception {
        StatusSettings s = load("status:", "  allow: ['10.0.0.0/8', '2001:db8::/32', 192.0.2.7]").status();

        assertThat(s.allow()).extracting(Object::toString).containsExactly("10.0.0.0/8", "2001:db8::/32", "192.0.2.7");
        assertThat(load("status:", "  allow: 192.0.2.7").status().allow()).as("a single address")
                .extracting(Object::toString).containsExactly("192.0.2.7");
    }

    @Test
    void theEndpointsCanBeTurnedOff() throws Exception {
        assertThat(load("status:", "  enabled: false").status().enabled()).isFalse();
        assertThat(load("status: off").status().enabled()).as("YAML 1.1 off").isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            status: [a, b]          | acme.status: expected a mapping with enabled, allow, found a list
            status: {enabled: 3}    | acme.status.enabled: expected true or false, found 3
            status: {allow: []}     | acme.status.allow: the list is empty; expected a list of IP addresses or CIDR ranges, such as ['127.0.0.1', '::1', '192.168.1.0/24'] (to turn the endpoints off, set acme.status.enabled: false)
            status: {allow: [localhost]} | acme.status.allow: 'localhost' is not an IP address or CIDR range; expected a list of IP addresses or CIDR ranges, such as ['127.0.0.1', '::1', '192.168.1.0/24']; host names are not looked up
            status: {allow: ['10.0.0.0/33']} | acme.status.allow: '10.0.0.0/33' is not an IP address or CIDR range; expected a list of IP addresses or CIDR ranges, such as ['127.0.0.1', '::1', '192.168.1.0/24']; host names are not looked up
            status: {allow: [[1]]}  | acme.status.allow: expected a list of IP addresses or CIDR ranges, such as ['127.0.0.1', '::1', '192.168.1.0/24'], found a list in the list
            """)
    void aWrongValueNamesTheKey(String line, String message) {
        assertThatThrownBy(() -> load(line))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": " + message);
    }

    @Test
    void anUnknownKeyIsAWarning() throws Exception {
        assertThat(load("status: {allowed: [10.0.0.1]}").warnings()).containsExactly(dir.resolve("homeserver.yaml")
                + ": acme.status.allowed: unknown setting, ignored; known settings are enabled, allow");
    }
}
