package dev.acmefilter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Synapse-style config the section tests start from: {@code server_name},
 * {@code tls_certificate_path}, {@code tls_private_key_path} and {@code acme.enabled: true},
 * plus the lines a test puts under {@code acme:}, written to {@code homeserver.yaml} in a
 * test's folder and loaded as the webapp would.
 */
final class TestConfig {

    /** Synapse-style start of a config with ACME switched on; tests append lines under {@code acme:}. */
    static final String ENABLED = """
            server_name: example.org
            tls_certificate_path: tls.crt
            tls_private_key_path: tls.key
            acme:
              enabled: true
            """;

    private TestConfig() {
    }

    /** {@link #ENABLED} with {@code acmeLines} under {@code acme:}, each indented once. */
    static String enabledWith(String... acmeLines) {
        StringBuilder sb = new StringBuilder(ENABLED);
        for (String line : acmeLines) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code yaml} to {@code dir/homeserver.yaml} and loads it. */
    static AcmeConfig load(Path dir, String yaml) throws IOException {
        Path file = dir.resolve("homeserver.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    /** Loads {@link #ENABLED} with {@code acmeLines} under {@code acme:}. */
    static AcmeConfig loadEnabledWith(Path dir, String... acmeLines) throws IOException {
        return load(dir, enabledWith(acmeLines));
    }
}
