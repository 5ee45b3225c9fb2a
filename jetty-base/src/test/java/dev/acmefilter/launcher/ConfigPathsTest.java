package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPathsTest {

    @TempDir
    Path dir;

    @Test
    void debiansListNamesTheFileFirst() {
        ConfigPaths paths = ConfigPaths.parse("/etc/matrix-synapse/homeserver.yaml:/etc/matrix-synapse/conf.d", "ACME_CONFIG");

        assertThat(paths.entries()).containsExactly(Path.of("/etc/matrix-synapse/homeserver.yaml"),
                Path.of("/etc/matrix-synapse/conf.d"));
        assertThat(paths.first()).isEqualTo(Path.of("/etc/matrix-synapse/homeserver.yaml"));
    }

    @Test
    void oneFileIsAListOfOneAndRelativePathsBecomeAbsolute() {
        ConfigPaths paths = ConfigPaths.parse(" hs.yaml ", "ACME_CONFIG");

        assertThat(paths.entries()).containsExactly(Path.of("hs.yaml").toAbsolutePath());
        assertThat(paths.unread()).isEmpty();
    }

    @Test
    void emptyEntriesAreSkippedButASettingWithoutAPathIsRefusedByName() {
        assertThat(ConfigPaths.parse("::/a.yaml:", "ACME_CONFIG").entries()).containsExactly(Path.of("/a.yaml"));
        assertThatThrownBy(() -> ConfigPaths.parse(" : ", "ACME_CONFIG"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ACME_CONFIG: ' : ' holds no path; expected Synapse's config files and folders");
    }

    @Test
    void theYamlFilesOfTheOtherEntriesAreNamedAsUnreadInSynapsesOrder() throws Exception {
        Path confd = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(confd.resolve("server_name.yaml"), "server_name: example.org\n");
        Files.writeString(confd.resolve("report_stats.yaml"), "report_stats: false\n");
        Files.writeString(confd.resolve("README"), "not yaml\n");
        Files.createDirectories(confd.resolve("sub.yaml"));
        Path extra = Files.writeString(dir.resolve("extra.yaml"), "a: 1\n");
        Path home = Files.writeString(dir.resolve("homeserver.yaml"), "a: 1\n");

        ConfigPaths paths = ConfigPaths.parse(home + ":" + confd + ":" + extra + ":" + dir.resolve("missing"), "ACME_CONFIG");

        assertThat(paths.unread()).containsExactly(confd.resolve("report_stats.yaml"), confd.resolve("server_name.yaml"), extra);
    }
}
