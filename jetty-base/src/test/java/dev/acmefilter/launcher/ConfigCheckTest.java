package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckTest {

    @TempDir
    Path dir;

    private String write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("homeserver.yaml"), yaml).toString();
    }

    @Test
    void anUnsetPortIsTheLoadersDefault8009WithSynapsesDefaultAddresses() throws Exception {
        assertThat(new ConfigCheck().apply(write("server_name: example.org\n"))).containsExactly("8009", "::", "0.0.0.0");
    }

    @Test
    void aSetPortAndAddressesAreReportedAsTheLoaderReadThem() throws Exception {
        String file = write("server_name: example.org\nacme:\n  port: 80\n  bind_addresses: ['127.0.0.1']\n");

        assertThat(new ConfigCheck().apply(file)).containsExactly("80", "127.0.0.1");
    }

    @Test
    void debiansTwoPathsAreReadTogetherSoServerNameMayLiveInConfD() throws Exception {
        Path home = dir.resolve("homeserver.yaml");
        Files.writeString(home, "acme:\n  port: 8123\n");
        Path confD = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(confD.resolve("server_name.yaml"), "server_name: example.org\n");

        assertThat(new ConfigCheck().apply(home + ":" + confD)).containsExactly("8123", "::", "0.0.0.0");
    }

    @Test
    void aWrongValueFailsWithTheLoadersMessage() throws Exception {
        String file = write("acme:\n  port: 99999\n");

        assertThatThrownBy(() -> new ConfigCheck().apply(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": acme.port: 99999 is not a port number; expected an integer from 1 to 65535");
    }
}
