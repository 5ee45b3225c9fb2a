package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigPathsTest {

    @Test
    void debiansListNamesTheFileFirst() {
        ConfigPaths paths = ConfigPaths.parse("/etc/matrix-synapse/homeserver.yaml:/etc/matrix-synapse/conf.d", "ACME_CONFIG");

        assertThat(paths.entries()).containsExactly(Path.of("/etc/matrix-synapse/homeserver.yaml"),
                Path.of("/etc/matrix-synapse/conf.d"));
        assertThat(paths.setting()).as("what the webapp's acme.config gets: every path, in order")
                .isEqualTo("/etc/matrix-synapse/homeserver.yaml:/etc/matrix-synapse/conf.d");
    }

    @Test
    void oneFileIsAListOfOneAndRelativePathsBecomeAbsolute() {
        ConfigPaths paths = ConfigPaths.parse(" hs.yaml ", "ACME_CONFIG");

        assertThat(paths.entries()).containsExactly(Path.of("hs.yaml").toAbsolutePath());
    }

    @Test
    void emptyEntriesAreSkippedButASettingWithoutAPathIsRefusedByName() {
        assertThat(ConfigPaths.parse("::/a.yaml:", "ACME_CONFIG").entries()).containsExactly(Path.of("/a.yaml"));
        assertThatThrownBy(() -> ConfigPaths.parse(" : ", "ACME_CONFIG"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ACME_CONFIG: ' : ' holds no path; expected Synapse's config files and folders");
    }
}
