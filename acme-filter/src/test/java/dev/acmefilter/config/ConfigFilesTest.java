package dev.acmefilter.config;

import dev.acmefilter.testing.LogCapture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Several config paths, read and merged as Synapse does ({@code synapse/config/_base.py}):
 * a folder gives its {@code *.yaml} files in sorted order, a later file replaces whole
 * top-level keys, empty files and files without a mapping are skipped. Debian's layout is the
 * case that matters: {@code server_name} only in {@code conf.d/server_name.yaml}.
 */
class ConfigFilesTest {

    @TempDir
    Path etc;
    private Path homeserver;
    private Path confD;

    @BeforeEach
    void debianLayout() throws Exception {
        homeserver = etc.resolve("homeserver.yaml");
        Files.writeString(homeserver, """
                # server_name is in conf.d/server_name.yaml (Debian's post-install writes it there)
                pid_file: /run/matrix-synapse.pid
                tls_certificate_path: tls/example.org.crt
                tls_private_key_path: tls/example.org.key
                acme:
                  enabled: true
                  port: 8009
                """);
        confD = Files.createDirectories(etc.resolve("conf.d"));
        Files.writeString(confD.resolve("server_name.yaml"), "server_name: example.org\n");
        Files.writeString(confD.resolve("report_stats.yaml"), "report_stats: false\n");
        Files.writeString(confD.resolve("README"), "Files ending in .yaml in this folder are read by Synapse\n");
        Files.createDirectories(confD.resolve("old"));
        Files.writeString(confD.resolve("old/acme.yaml"), "acme: {enabled: false}\n");
    }

    private AcmeConfig load(Path... paths) {
        return ConfigLoader.load(List.of(paths));
    }

    @Test
    void debiansHomeserverYamlAndConfDGiveServerNameFromConfD() {
        AcmeConfig config = load(homeserver, confD);

        assertThat(config.serverName()).isEqualTo("example.org");
        assertThat(config.files()).containsExactly(homeserver, confD.resolve("report_stats.yaml"),
                confD.resolve("server_name.yaml"));
        CertificateSettings synapse = config.certificates().get(0);
        assertThat(synapse.domains()).containsExactly("example.org");
        assertThat(synapse.certificatePath()).as("relative to the file that set it").isEqualTo(etc.resolve(
                "tls/example.org.crt"));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void aFolderGivesItsYamlFilesInSortedOrderAndSkipsEverythingElseWithALogLine() {
        try (LogCapture log = LogCapture.of(ConfigLoader.class)) {
            List<Path> files = ConfigFiles.expand(List.of(confD), new ConfigWarnings(true));

            assertThat(files).containsExactly(confD.resolve("report_stats.yaml"), confD.resolve("server_name.yaml"));
            assertThat(log.lines()).contains(confD + ": README does not end in .yaml; ignored, as Synapse does",
                    confD + ": old is a sub-folder; ignored, as Synapse does");
        }
    }

    @Test
    void aLaterFileReplacesAWholeTopLevelSection() throws Exception {
        Files.writeString(confD.resolve("zz-acme.yaml"), "acme:\n  enabled: true\n  key_type: ec384\n");

        AcmeConfig config = load(homeserver, confD);

        assertThat(config.certificates().get(0).order().keyType()).isEqualTo(KeyType.EC384);
        assertThat(config.listen().port()).as("acme.port of the replaced section is gone, not merged")
                .isEqualTo(ListenSettings.DEFAULT_PORT);
    }

    @Test
    void aFolderGivenTwiceIsReadTwiceAndTheLastWordWins() throws Exception {
        Path other = Files.createDirectories(etc.resolve("other"));
        Files.writeString(other.resolve("name.yaml"), "server_name: other.example.org\n");

        assertThat(load(homeserver, confD, other).serverName()).isEqualTo("other.example.org");
        assertThat(load(homeserver, other, confD, confD).serverName()).isEqualTo("example.org");
    }

    @Test
    void emptyFilesAndFilesWithoutAMappingAreSkippedWithAWarningAmongSeveral() throws Exception {
        Files.writeString(confD.resolve("empty.yaml"), "# nothing yet\n");
        Files.writeString(confD.resolve("list.yaml"), "- a\n- b\n");

        AcmeConfig config = load(homeserver, confD);

        assertThat(config.serverName()).isEqualTo("example.org");
        assertThat(config.warnings()).containsExactly(
                confD.resolve("empty.yaml") + ": is empty; ignored, as Synapse does",
                confD.resolve("list.yaml") + ": holds a list, not a mapping of settings; ignored, as Synapse does");
    }

    @Test
    void oneEmptyFileAloneIsStillAnError() throws Exception {
        Path empty = Files.writeString(etc.resolve("empty.yaml"), "");

        assertThatThrownBy(() -> load(empty)).isInstanceOf(ConfigException.class)
                .hasMessage(empty + ": expected a mapping of Synapse settings at the top level, found an empty document");
    }

    @Test
    void aMissingPathIsAnErrorNamingIt() {
        Path missing = etc.resolve("conf.d/nope.yaml");

        assertThatThrownBy(() -> load(homeserver, missing)).isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file; expected Synapse's homeserver.yaml file");
    }

    @Test
    void anErrorNamesTheFileThatSetTheKey() throws Exception {
        Files.writeString(confD.resolve("server_name.yaml"), "server_name: 192.0.2.1\n");

        assertThatThrownBy(() -> load(homeserver, confD)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(confD.resolve("server_name.yaml") + ": server_name: '192.0.2.1' is an IP address");
    }

    @Test
    void aKeySetNowhereIsReportedAgainstEveryFileRead() throws Exception {
        Files.delete(confD.resolve("server_name.yaml"));

        assertThatThrownBy(() -> load(homeserver, confD)).isInstanceOf(ConfigException.class)
                .hasMessage(homeserver + ", " + confD.resolve("report_stats.yaml") + ": server_name: missing;"
                        + " expected the homeserver's public name, required when acme.enabled is true");
    }

    @Test
    void pathsInASectionAreRelativeToTheFileThatSetThatSection() throws Exception {
        Files.writeString(confD.resolve("tls.yaml"), "tls_certificate_path: certs/a.crt\n");

        AcmeConfig config = load(homeserver, confD);

        CertificateSettings synapse = config.certificates().get(0);
        assertThat(synapse.certificatePath()).isEqualTo(confD.resolve("certs/a.crt"));
        assertThat(synapse.privateKeyPath()).isEqualTo(etc.resolve("tls/example.org.key"));
        assertThat(synapse.account().accountKeyFile()).as("Synapse's client.key beside the file of acme:")
                .isEqualTo(etc.resolve("client.key"));
    }
}
