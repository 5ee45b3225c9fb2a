package dev.acmefilter.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLocatorTest {

    private static UnaryOperator<String> source(Map<String, String> values) {
        return values::get;
    }

    private static final UnaryOperator<String> NONE = name -> null;

    @Test
    void contextParamWinsOverSystemPropertyAndEnvironment() {
        Path found = ConfigLocator.locate(source(Map.of("acme.config", "/srv/a.yaml")),
                source(Map.of("acme.config", "/srv/b.yaml")), source(Map.of("ACME_CONFIG", "/srv/c.yaml")));

        assertThat(found).isEqualTo(Path.of("/srv/a.yaml"));
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        Path found = ConfigLocator.locate(NONE, source(Map.of("acme.config", "/srv/b.yaml")),
                source(Map.of("ACME_CONFIG", "/srv/c.yaml")));

        assertThat(found).isEqualTo(Path.of("/srv/b.yaml"));
    }

    @Test
    void environmentVariableIsTheLastResort() {
        assertThat(ConfigLocator.locate(NONE, NONE, source(Map.of("ACME_CONFIG", "/srv/c.yaml"))))
                .isEqualTo(Path.of("/srv/c.yaml"));
    }

    @Test
    void blankValuesAreIgnoredAndRelativePathsMadeAbsolute() {
        Path found = ConfigLocator.locate(source(Map.of("acme.config", "  ")), NONE,
                source(Map.of("ACME_CONFIG", "conf/homeserver.yaml")));

        assertThat(found.isAbsolute()).isTrue();
        assertThat(found.toString()).endsWith("/conf/homeserver.yaml");
    }

    @Test
    void noSourceIsAnErrorNamingAllThree() {
        assertThatThrownBy(() -> ConfigLocator.locate(NONE, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("No configuration file given: set the servlet context-param acme.config, the system"
                        + " property acme.config (-Dacme.config=/etc/matrix-synapse/homeserver.yaml) or the"
                        + " environment variable ACME_CONFIG to the path of homeserver.yaml");
    }

    @Test
    void findGivesWhatLocateGivesAndNothingWhereLocateFails() {
        UnaryOperator<String> env = source(Map.of("ACME_CONFIG", "/srv/c.yaml"));

        assertThat(ConfigLocator.find(NONE, NONE, env)).contains(ConfigLocator.locate(NONE, NONE, env));
        assertThat(ConfigLocator.find(NONE, NONE, NONE)).isEmpty();
    }
}
