package dev.acmefilter.config;

import dev.acmefilter.net.AddressRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusSettingsTest {

    @TempDir
    Path dir;

    private AcmeConfig load(String... statusLines) throws IOException {
        return TestConfig.loadEnabledWith(dir, statusLines);
    }

    /** A config whose status endpoints take their token from {@code name} in the test's folder. */
    private AcmeConfig loadWithTokenFile(String name) throws IOException {
        return load("status: {token_file: " + name + "}");
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
            status: [a, b]          | acme.status: expected a mapping with enabled, allow, token_file, found a list
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
                + ": acme.status.allowed: unknown setting, ignored; known settings are enabled, allow, token_file");
    }

    // ------------------------------------------------------------ token_file

    private static final String TOKEN = "c2VjcmV0LXRva2VuLWZvci10aGUtc3RhdHVz";
    private static final String TOKEN_EXPECTED = "expected a file that only this process's user (and group) can read,"
            + " holding one token of at least 16 characters, such as one made by 'openssl rand -hex 32'";

    private Path tokenFile(String content, String mode) throws IOException {
        Path file = dir.resolve("status.token");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void theTokenFileIsReadAtStartAndItsTokenIsNeverShown() throws Exception {
        tokenFile(TOKEN + "\n", "rw-r-----");

        AcmeConfig c = loadWithTokenFile("status.token");

        StatusToken token = c.status().token().orElseThrow();
        assertThat(token.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(token.accepts("Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(token.accepts(null)).isFalse();
        assertThat(c.toString()).doesNotContain(TOKEN).contains("StatusToken[hidden]");
        assertThat(load().status().token()).as("no token_file: no token").isEmpty();
    }

    @Test
    void aTokenFileEveryUserMayReadIsRefused() throws Exception {
        Path file = tokenFile(TOKEN, "rw-r--r--");

        assertThatThrownBy(() -> loadWithTokenFile("status.token"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": acme.status.token_file: " + file
                        + " is readable by every user (mode 0644); chmod o-r it; " + TOKEN_EXPECTED)
                .message().doesNotContain(TOKEN);
    }

    @Test
    void aSymbolicLinkAsTokenFileIsNotFollowed() throws Exception {
        Path real = tokenFile(TOKEN, "rw-------");
        Path link = Files.createSymbolicLink(dir.resolve("link.token"), real);

        assertThatThrownBy(() -> loadWithTokenFile("link.token"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": acme.status.token_file: " + link
                        + " is a symbolic link, which is not followed; " + TOKEN_EXPECTED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            short-token                        | holds a token of 11 characters, fewer than 16
            ''                                 | is empty
            c2VjcmV0LXRva2Vu c2VjcmV0LXRva2Vu  | holds more than one token, or characters a bearer token cannot have (letters, digits and -._~+/ then = only)
            """)
    void aTokenFileWithoutOneGoodTokenIsRefused(String content, String problem) throws Exception {
        Path file = tokenFile(content, "rw-------");

        assertThatThrownBy(() -> loadWithTokenFile("status.token"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": acme.status.token_file: " + file + " " + problem + "; "
                        + TOKEN_EXPECTED);
    }

    @Test
    void aHugeMissingOrOddTokenFileIsRefusedWithoutReadingIt() throws Exception {
        Path big = tokenFile("a".repeat(5000), "rw-------");
        assertThatThrownBy(() -> loadWithTokenFile("status.token")).hasMessageContaining(big
                + " holds 5000 bytes, more than the 4096 of a token file; ");
        assertThatThrownBy(() -> loadWithTokenFile("missing.token")).hasMessageContaining(
                dir.resolve("missing.token") + " does not exist; ");
        Path fifo = dir.resolve("fifo.token");
        assertThat(new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> loadWithTokenFile("fifo.token")).hasMessageContaining(fifo
                + " is not a regular file; ");
    }
}
