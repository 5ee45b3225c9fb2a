package dev.acmefilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code tsig_secret_file} may hold: tsig-keygen's and ddns-confgen's output, or a secret alone. */
class TsigKeyFileTest {

    private static final String SECRET = "kLPk+WNqnqziNqMc+N/9phZgyePd9/8fEEiCF5UEe5ONVpltDGodnKvKG6A4bXaB";

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("tsig.key"), text);
    }

    @Test
    void tsigKeygensBlockGivesNameAlgorithmAndSecret() throws Exception {
        Path file = file("key \"acme-update\" {\n\talgorithm hmac-sha384;\n\tsecret \"" + SECRET + "\";\n};\n");

        assertThat(TsigKeyFile.read(file, null)).isEqualTo(new TsigKeyFile(Optional.of("acme-update."),
                Optional.of("hmac-sha384"), SECRET));
        assertThat(TsigKeyFile.read(file, "ACME-update.").name()).contains("acme-update.");
        assertThat(TsigKeyFile.read(file, null).toString()).doesNotContain(SECRET);
    }

    @Test
    void ddnsConfgensCommentedOutputAndSeveralKeysAreReadByTheKeyName() throws Exception {
        Path file = file("# To activate this key, place the following in named.conf\nkey \"k1\" {\n"
                + "\talgorithm hmac-sha256;\n\tsecret \"AAAA\";\n};\nkey \"acme-update\" {\n\talgorithm hmac-sha384;\n"
                + "\tsecret \"" + SECRET + "\";\n};\n# update-policy {\n#\t  grant k3 zonesub ANY;\n# };\n");

        assertThat(TsigKeyFile.read(file, "acme-update").secret()).isEqualTo(SECRET);
        assertThatThrownBy(() -> TsigKeyFile.read(file, null))
                .hasMessage(file + " holds 2 keys (k1., acme-update.), and tsig_key does not say which one to use");
        assertThatThrownBy(() -> TsigKeyFile.read(file, "other"))
                .hasMessage(file + " holds the keys k1., acme-update., not other.");
    }

    @Test
    void aSecretAloneIsTakenAsItIs() throws Exception {
        assertThat(TsigKeyFile.read(file("  " + SECRET + "\n"), null))
                .isEqualTo(new TsigKeyFile(Optional.empty(), Optional.empty(), SECRET));
    }

    @Test
    void anythingElseIsRefusedWithoutQuotingIt() throws Exception {
        Path garbled = file("secret: " + SECRET + "\nid: acme-update\n");
        assertThatThrownBy(() -> TsigKeyFile.read(garbled, null))
                .hasMessage(garbled + " holds neither a key block (key \"name\" { algorithm ...; secret \"...\"; };,"
                        + " as tsig-keygen prints it) nor a base64 secret alone");
        Path noSecret = file("key \"acme-update\" { algorithm hmac-sha256; };");
        assertThatThrownBy(() -> TsigKeyFile.read(noSecret, null))
                .hasMessage(noSecret + " holds the key acme-update. without its secret \"...\";");
        Path huge = file("A".repeat(TsigKeyFile.MAX_BYTES + 1));
        assertThatThrownBy(() -> TsigKeyFile.read(huge, null)).hasMessage(huge + " is larger than 65536 bytes; it is"
                + " not a key file");
    }
}
