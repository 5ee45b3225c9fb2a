package dev.acmefilter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLocatorTest {

    private static UnaryOperator<String> source(Map<String, String> values) {
        return values::get;
    }

    private static final UnaryOperator<String> NONE = name -> null;

    /** A machine root with nothing of Synapse's on it, so that only the settings count. */
    @TempDir
    Path root;

    private List<Path> locate(UnaryOperator<String> contextParam, UnaryOperator<String> property,
                              UnaryOperator<String> env) {
        return ConfigLocator.locate(contextParam, property, env, root);
    }

    @Test
    void contextParamWinsOverSystemPropertyAndEnvironment() {
        List<Path> found = locate(source(Map.of("acme.config", "/srv/a.yaml")),
                source(Map.of("acme.config", "/srv/b.yaml")), source(Map.of("ACME_CONFIG", "/srv/c.yaml")));

        assertThat(found).containsExactly(Path.of("/srv/a.yaml"));
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        List<Path> found = locate(NONE, source(Map.of("acme.config", "/srv/b.yaml")),
                source(Map.of("ACME_CONFIG", "/srv/c.yaml")));

        assertThat(found).containsExactly(Path.of("/srv/b.yaml"));
    }

    @Test
    void environmentVariableIsTheLastResort() {
        assertThat(locate(NONE, NONE, source(Map.of("ACME_CONFIG", "/srv/c.yaml"))))
                .containsExactly(Path.of("/srv/c.yaml"));
    }

    @Test
    void severalPathsAreSeparatedByColonsInTheirOrder() {
        List<Path> found = locate(NONE, NONE, source(Map.of("ACME_CONFIG",
                "/etc/matrix-synapse/homeserver.yaml: /etc/matrix-synapse/conf.d/ ::/srv/acme.yaml")));

        assertThat(found).containsExactly(Path.of("/etc/matrix-synapse/homeserver.yaml"),
                Path.of("/etc/matrix-synapse/conf.d"), Path.of("/srv/acme.yaml"));
    }

    @Test
    void blankValuesAreIgnoredAndRelativePathsMadeAbsolute() {
        List<Path> found = locate(source(Map.of("acme.config", "  ")), NONE,
                source(Map.of("ACME_CONFIG", "conf/homeserver.yaml")));

        assertThat(found).singleElement().satisfies(path -> {
            assertThat(path.isAbsolute()).isTrue();
            assertThat(path.toString()).endsWith("/conf/homeserver.yaml");
        });
    }

    @Test
    void withNothingSetDebiansLayoutIsFoundWithItsConfD() throws Exception {
        Path etc = Files.createDirectories(root.resolve("etc/matrix-synapse/conf.d"));
        Files.writeString(etc.resolveSibling("homeserver.yaml"), "{}\n");
        Files.writeString(Files.createDirectories(root.resolve("data")).resolve("homeserver.yaml"), "{}\n");

        assertThat(locate(NONE, NONE, NONE)).containsExactly(etc.resolveSibling("homeserver.yaml"), etc);
    }

    @Test
    void debiansHomeserverYamlWithoutConfDIsReadAlone() throws Exception {
        Path file = Files.createDirectories(root.resolve("etc/matrix-synapse")).resolve("homeserver.yaml");
        Files.writeString(file, "{}\n");

        assertThat(locate(NONE, NONE, NONE)).containsExactly(file);
    }

    @Test
    void withoutDebiansLayoutDockersDataFolderIsFound() throws Exception {
        Path file = Files.createDirectories(root.resolve("data")).resolve("homeserver.yaml");
        Files.writeString(file, "{}\n");

        assertThat(locate(NONE, NONE, NONE)).containsExactly(file);
    }

    @Test
    void dockersSynapseConfigPathWinsOverItsDataFolder() throws Exception {
        Files.writeString(Files.createDirectories(root.resolve("data")).resolve("homeserver.yaml"), "{}\n");
        Path elsewhere = Files.writeString(root.resolve("synapse.yaml"), "{}\n");

        assertThat(locate(NONE, NONE, source(Map.of("SYNAPSE_CONFIG_PATH", elsewhere.toString()))))
                .containsExactly(elsewhere);
    }

    @Test
    void noSourceAndNoUsualLayoutIsAnErrorNamingTheSettingsAndWhatWasTried() {
        assertThatThrownBy(() -> locate(NONE, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("No configuration file given: set the servlet context-param acme.config, the system"
                        + " property acme.config (-Dacme.config=/etc/matrix-synapse/homeserver.yaml) or the"
                        + " environment variable ACME_CONFIG to the path of homeserver.yaml (several paths, files or"
                        + " folders, separated by ':'); tried " + root.resolve("etc/matrix-synapse/homeserver.yaml")
                        + " (Debian's package), $SYNAPSE_CONFIG_PATH (not set) and " + root.resolve("data/homeserver.yaml")
                        + " (Synapse's Docker image): none exists");
    }

    @Test
    void findGivesWhatLocateGivesAndNothingWhereLocateFails() {
        UnaryOperator<String> env = source(Map.of("ACME_CONFIG", "/srv/c.yaml"));

        assertThat(ConfigLocator.find(NONE, NONE, env)).contains(locate(NONE, NONE, env));
    }
}
