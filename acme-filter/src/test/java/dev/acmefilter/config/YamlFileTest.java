package dev.acmefilter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One file's YAML, stricter than PyYAML where silence would hurt, and bounded. */
class YamlFileTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private Path write(String name, String content) throws Exception {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKeySetTwiceIsAnErrorNamingTheKeyAndBothLines() throws Exception {
        Path file = write("homeserver.yaml", """
                server_name: example.org
                acme:
                  enabled: true
                  reload:
                    signal: HUP
                    pid_file: /run/a.pid
                    signal: USR1
                """);

        assertThatThrownBy(() -> YamlFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": acme.reload.signal: set twice, at line 5 and at line 7; expected each key once"
                        + " (Synapse would silently use the second)");
    }

    @Test
    void aTopLevelKeySetTwiceIsNamedToo() throws Exception {
        Path file = write("homeserver.yaml", "server_name: a.org\ntls_certificate_path: x\nserver_name: b.org\n");

        assertThatThrownBy(() -> YamlFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": server_name: set twice, at line 1 and at line 3; expected each key once (Synapse"
                        + " would silently use the second)");
    }

    @Test
    void aFileThatIsNotUtf8NamesTheFirstBadByteAndNoJavaClass() throws Exception {
        byte[] latin1 = "server_name: example.org\nacme:\n  contact: 'M\u00fcller@example.org'\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Path file = write("homeserver.yaml", latin1);

        assertThatThrownBy(() -> YamlFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": not UTF-8 text: the byte 0xFC at line 3, column 14 (byte 45 of the file) is not"
                        + " valid UTF-8; expected a YAML file in UTF-8, as Synapse reads it")
                .message().doesNotContain("Exception").doesNotContain("java.");
    }

    @Test
    void aByteOrderMarkIsAccepted() throws Exception {
        Path file = write("homeserver.yaml", "\uFEFFserver_name: example.org\n");

        assertThat(YamlFile.read(file)).isEqualTo(Map.of("server_name", "example.org"));
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedBeforeItIsParsed() throws Exception {
        Path file = write("homeserver.yaml", new byte[YamlFile.MAX_BYTES + 1]);

        assertThatThrownBy(() -> YamlFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": is " + (YamlFile.MAX_BYTES + 1) + " bytes long, more than the " + YamlFile.MAX_BYTES
                        + " a config file may have; expected Synapse's homeserver.yaml file");
    }

    @Test
    void aFifoIsRefusedInsteadOfBlockingTheStart() throws Exception {
        Path fifo = dir.resolve("homeserver.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();

        assertThatThrownBy(() -> YamlFile.read(fifo)).isInstanceOf(ConfigException.class)
                .hasMessage(fifo + ": is not a regular file (a pipe or a device); expected Synapse's homeserver.yaml file");
    }

    @Test
    void aBillionLaughsFileIsStoppedByTheAliasLimit() throws Exception {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        Path file = write("homeserver.yaml", yaml.toString());

        assertThatThrownBy(() -> YamlFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": not valid YAML")
                .hasMessageContaining("aliases");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() throws Exception {
        Path file = write("homeserver.yaml", "a: " + "[".repeat(YamlFile.MAX_DEPTH + 10) + "]".repeat(YamlFile.MAX_DEPTH
                + 10) + "\n");

        assertThatThrownBy(() -> YamlFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": not valid YAML")
                .hasMessageContaining("Nesting Depth exceeded max " + YamlFile.MAX_DEPTH);
    }
}
