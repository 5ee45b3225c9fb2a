package dev.acmefilter.config;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.acmefilter.testing.FuzzBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the {@code homeserver.yaml} loader: whatever the file holds, loading it either gives
 * settings or fails with one {@link ConfigException} that names the file; never another
 * exception (a start that dies with a stack trace instead of a message), never a hang.
 *
 * <p>The normal test run replays the committed inputs in
 * {@code src/test/resources/dev/acmefilter/config/ConfigLoaderFuzzTestInputs/}; {@code JAZZER_FUZZ=1}
 * (scripts/fuzz.sh) fuzzes.
 */
class ConfigLoaderFuzzTest {

    @TempDir
    static Path dir;

    /** Loads the classes a load uses, so that the first input's time is its own. */
    @BeforeAll
    static void warmUp() throws IOException {
        Path file = dir.resolve("warm-up.yaml");
        try (InputStream every = ConfigLoaderFuzzTest.class.getResourceAsStream(
                "ConfigLoaderFuzzTestInputs/loadsOrRefusesWithAConfigException/every-key")) {
            Files.write(file, every.readAllBytes());
        }
        try {
            ConfigLoader.loadQuietly(List.of(file));
        } catch (ConfigException e) {
            // the seed names files that are not there: the classes are loaded all the same
        }
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"server_name: ", "tls_certificate_path: ", "tls_private_key_path: ", "pid_file: ", "acme:",
            "enabled: true", "url: ", "domains: ", "certificates:", "- id: ", "reload:", "verify:", "keystore:",
            "status:", "alerts:", "token_file: ", "webhook: ", "env: ", "process_match: ", "allow: ", "key_file_mode: ",
            "eab:", "hmac_key: ", "challenge: dns-01", "dns:", "rfc2136:", "server: ", "tsig_key: ", "tsig_secret: ",
            "check_servers: ", "command: ", "cluster:", "database: ", "secret_file: ", "lease: ", "standalone_after: ",
            "listeners:", "- port: ", "tls: true", "bind_addresses: ", "database:", "name: psycopg2", "args:",
            "databases:", "data_stores: ", "renew_before: ", "preflight:", "mode: ", "&a ", "*a", "!!binary ", "!!set ", "<<: ", "? ", "0o640", "0640", "~", "{", "[", "'", "\""})
    void loadsOrRefusesWithAConfigException(byte[] input) throws IOException {
        Path file = dir.resolve("homeserver.yaml");
        Files.write(file, input);
        FuzzBudget budget = FuzzBudget.start();
        try {
            AcmeConfig config = ConfigLoader.loadQuietly(List.of(file));
            assertThat(config.files()).containsExactly(file.toAbsolutePath().normalize());
        } catch (ConfigException e) {
            assertThat(e.getMessage()).as("a refusal names the file").contains(file.toString());
        }
        budget.check("loading " + input.length + " bytes of config");
    }
}
