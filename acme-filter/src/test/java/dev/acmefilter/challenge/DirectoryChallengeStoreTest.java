package dev.acmefilter.challenge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryChallengeStoreTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";

    @TempDir
    Path stateDir;

    @Test
    void aPutTokenIsAWorldReadableFileThatAnotherStoreOnTheFolderFinds() throws Exception {
        DirectoryChallengeStore writer = DirectoryChallengeStore.inStateDir(stateDir);
        DirectoryChallengeStore reader = new DirectoryChallengeStore(stateDir.resolve("challenges"));

        writer.put(TOKEN, TOKEN + ".thumbprint");

        Path file = stateDir.resolve("challenges").resolve(TOKEN);
        assertThat(file).hasContent(TOKEN + ".thumbprint");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(reader.find(TOKEN)).contains(TOKEN + ".thumbprint");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void aRemovedTokenIsGoneAndRemovingAgainIsANoOp() {
        DirectoryChallengeStore store = DirectoryChallengeStore.inStateDir(stateDir);
        store.put(TOKEN, "answer");

        store.remove(TOKEN);
        store.remove(TOKEN);

        assertThat(store.find(TOKEN)).isEmpty();
        assertThat(stateDir.resolve("challenges").resolve(TOKEN)).doesNotExist();
    }

    @Test
    void unknownTokensAndAMissingFolderFindNothing() {
        DirectoryChallengeStore store = DirectoryChallengeStore.inStateDir(stateDir);

        assertThat(store.find(TOKEN)).isEmpty();
        assertThat(stateDir.resolve("challenges")).doesNotExist();
    }

    @Test
    void nothingButABase64urlTokenBecomesAPath() throws Exception {
        Path challenges = Files.createDirectories(stateDir.resolve("challenges"));
        Files.writeString(stateDir.resolve("secret"), "not a challenge");
        Files.writeString(challenges.resolve(".hidden"), "not a challenge");
        DirectoryChallengeStore store = new DirectoryChallengeStore(challenges);

        for (String token : new String[] {"../secret", "..", ".hidden", "a/b", "", "x".repeat(129), "a%2fb"}) {
            assertThat(store.find(token)).as(token).isEmpty();
        }
        assertThatThrownBy(() -> store.put("../secret", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an ACME token (base64url, 1 to 128 characters): ../secret");
        assertThat(stateDir.resolve("secret")).hasContent("not a challenge");
    }
}
