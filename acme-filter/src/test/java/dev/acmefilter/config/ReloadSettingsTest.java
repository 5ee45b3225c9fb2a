package dev.acmefilter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code acme.reload}: Synapse is reloaded by default, the signalled process is matched, hooks get named variables. */
class ReloadSettingsTest {

    private static final String WITH_PID_FILE = TestConfig.ENABLED.replace("acme:\n", "pid_file: run/synapse.pid\nacme:\n");

    @TempDir
    Path dir;

    private AcmeConfig load(String yaml, String... acmeLines) throws IOException {
        StringBuilder sb = new StringBuilder(yaml);
        for (String line : acmeLines) {
            sb.append("  ").append(line).append('\n');
        }
        return TestConfig.load(dir, sb.toString());
    }

    @Test
    void synapsesPidFileAloneMakesItsCertificateReloadWithHup() throws Exception {
        CertificateSettings synapse = load(WITH_PID_FILE).certificates().get(0);

        ReloadSettings reload = synapse.reload().orElseThrow();
        assertThat(reload.signals()).isTrue();
        assertThat(reload.signal()).contains(ReloadSignal.HUP);
        assertThat(reload.pidFile()).contains(dir.resolve("run/synapse.pid"));
        assertThat(reload.processMatchOrDefault()).isEqualTo("synapse");
        assertThat(reload.command()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reload: false", "reload: off", "reload: no", "reload: 'false'"})
    void reloadFalseSwitchesTheDefaultOff(String line) throws Exception {
        assertThat(load(WITH_PID_FILE, line).certificates().get(0).reload()).isEmpty();
    }

    @Test
    void withoutAPidFileNothingIsReloaded() throws Exception {
        assertThat(load(TestConfig.ENABLED).certificates().get(0).reload()).isEmpty();
    }

    @Test
    void anEntryOfAcmeCertificatesIsNotReloadedBySynapsesPidFile() throws Exception {
        AcmeConfig c = load(WITH_PID_FILE, "certificates:", "  - id: element", "    domains: [element.example.org]",
                "    certificate_path: element.crt", "    private_key_path: element.key");

        assertThat(c.certificate("default").orElseThrow().reload()).isPresent();
        assertThat(c.certificate("element").orElseThrow().reload()).as("another server, not Synapse").isEmpty();
    }

    @Test
    void processMatchAndEnvAreRead() throws Exception {
        ReloadSettings reload = load(TestConfig.ENABLED, "reload:", "  pid_file: /run/nginx.pid",
                "  process_match: 'nginx: master'", "  command: 'true'", "  env: [HOME, https_proxy, HOME]")
                .certificates().get(0).reload().orElseThrow();

        assertThat(reload.processMatch()).contains("nginx: master");
        assertThat(reload.env()).containsExactly("HOME", "https_proxy");
    }

    @Test
    void aSingleVariableNameNeedsNoBrackets() throws Exception {
        ReloadSettings reload = load(TestConfig.ENABLED, "reload: {command: 'true', env: LANG}").certificates().get(0)
                .reload().orElseThrow();

        assertThat(reload.env()).containsExactly("LANG");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            reload: {command: 'true', env: ['HOME=/root']}   | acme.reload.env: 'HOME=/root' is not a variable name; expected a list of environment variable names, such as [HOME, LANG, https_proxy] (letters, digits and _, not starting with a digit; no values: they are taken from this process's environment)
            reload: {command: 'true', env: {HOME: x}}         | acme.reload.env: expected a list of environment variable names, such as [HOME, LANG, https_proxy], found a mapping
            reload: {pid_file: a.pid, process_match: ' '}     | acme.reload.process_match: the text is empty; expected a word of the process's command line, such as 'nginx'
            reload: true                                      | acme.reload: expected a mapping with signal, pid_file, command, timeout, process_match, env, or false, found true
            """)
    void aWrongValueNamesTheKey(String line, String message) {
        assertThatThrownBy(() -> load(TestConfig.ENABLED, line))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("homeserver.yaml") + ": " + message);
    }

    @Test
    void theShortConstructorMeansSynapseAndNoVariables() {
        ReloadSettings s = new ReloadSettings(Optional.of(ReloadSignal.HUP), Optional.of(Path.of("/run/s.pid")),
                Optional.empty(), Duration.ofSeconds(3));

        assertThat(s.processMatch()).isEmpty();
        assertThat(s.processMatchOrDefault()).isEqualTo(ReloadSettings.DEFAULT_PROCESS_MATCH);
        assertThat(s.env()).isEqualTo(List.of());
    }
}
