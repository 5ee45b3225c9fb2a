package dev.acmefilter.challenge;

import dev.acmefilter.testing.ChallengeJetty;
import dev.acmefilter.testing.LogCapture;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryChallengeStoreTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String THUMBPRINT = "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    private static final String KEY_AUTHZ = TOKEN + "." + THUMBPRINT;
    private static final String PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
            + "-----END PRIVATE KEY-----\n";

    @TempDir
    Path stateDir;

    @Test
    void aPutTokenIsAWorldReadableFileThatAnotherStoreOnTheFolderFinds() throws Exception {
        DirectoryChallengeStore writer = DirectoryChallengeStore.inStateDir(stateDir);
        DirectoryChallengeStore reader = new DirectoryChallengeStore(stateDir.resolve("challenges"));

        writer.put(TOKEN, KEY_AUTHZ);

        Path file = stateDir.resolve("challenges").resolve(TOKEN);
        assertThat(file).hasContent(KEY_AUTHZ);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwxr-xr-x");
        assertThat(reader.find(TOKEN)).contains(KEY_AUTHZ);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void aRemovedTokenIsGoneAndRemovingAgainIsANoOp() {
        DirectoryChallengeStore store = DirectoryChallengeStore.inStateDir(stateDir);
        store.put(TOKEN, KEY_AUTHZ);

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

        for (String token : new String[] {"../secret", "..", ".hidden", "a/b", "", "x".repeat(AcmeToken.MAX_LENGTH + 1), "a%2fb"}) {
            assertThat(store.find(token)).as(token).isEmpty();
        }
        assertThatThrownBy(() -> store.put("../secret", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an ACME token (base64url, 1 to 200 characters): ../secret");
        assertThat(stateDir.resolve("secret")).hasContent("not a challenge");
    }

    @Test
    void onlyAKeyAuthorizationForItsOwnTokenIsStored() {
        DirectoryChallengeStore store = DirectoryChallengeStore.inStateDir(stateDir);

        for (String value : new String[] {"answer", TOKEN, TOKEN + ".", "other." + THUMBPRINT, KEY_AUTHZ + "\n",
                TOKEN + "." + THUMBPRINT.substring(1), TOKEN + "." + THUMBPRINT + "x", TOKEN + ".9jg46WB3rR/AHD+"}) {
            assertThatThrownBy(() -> store.put(TOKEN, value)).as(value).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a key authorization for the token " + TOKEN);
        }
        assertThat(stateDir.resolve("challenges").resolve(TOKEN)).doesNotExist();
    }

    @Test
    void aTokenAsLongAsTheFilterMayBeConfiguredToServeIsStoredAndFound() {
        DirectoryChallengeStore store = DirectoryChallengeStore.inStateDir(stateDir);
        String longest = "L".repeat(AcmeToken.MAX_LENGTH);

        store.put(longest, longest + "." + THUMBPRINT);

        assertThat(store.find(longest)).contains(longest + "." + THUMBPRINT);
    }

    @Test
    void aSymlinkToThePrivateKeyIsNotServedButAnsweredWith404AndAWarning() throws Exception {
        Path key = Files.writeString(stateDir.resolve("example.org.tls.key"), PRIVATE_KEY);
        Path challenges = Files.createDirectories(stateDir.resolve("challenges"));
        Files.createSymbolicLink(challenges.resolve("abc"), key);
        Files.writeString(challenges.resolve(TOKEN), KEY_AUTHZ);

        try (LogCapture log = LogCapture.of(DirectoryChallengeStore.class)) {
            Server jetty = ChallengeJetty.start(new DirectoryChallengeStore(challenges), 0);
            try {
                int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
                Answer symlink = get(port, "abc");
                assertThat(symlink.status()).isEqualTo(404);
                assertThat(symlink.body()).doesNotContain("PRIVATE KEY").doesNotContain("MIGHAgEA");
                assertThat(log.warnings()).singleElement().asString().contains(challenges.resolve("abc").toString())
                        .contains("symbolic link");

                Answer real = get(port, TOKEN);
                assertThat(real.status()).as("a real challenge beside it is served").isEqualTo(200);
                assertThat(real.body()).isEqualTo(KEY_AUTHZ);
            } finally {
                jetty.stop();
            }
        }
    }

    @Test
    void aFileThatIsNotTheKeyAuthorizationOfItsOwnTokenIsNotFoundAndWarnedAboutOnce() throws Exception {
        Path challenges = Files.createDirectories(stateDir.resolve("challenges"));
        Files.writeString(challenges.resolve("abc"), PRIVATE_KEY);
        Files.writeString(challenges.resolve("other"), KEY_AUTHZ);
        Files.writeString(challenges.resolve("big"), "big." + "A".repeat(300));
        Files.writeString(challenges.resolve("newline"), "newline." + THUMBPRINT + "\n");
        Files.createDirectories(challenges.resolve("folder"));
        DirectoryChallengeStore store = new DirectoryChallengeStore(challenges);

        for (String token : new String[] {"abc", "other", "big", "newline", "folder"}) {
            try (LogCapture log = LogCapture.of(DirectoryChallengeStore.class)) {
                assertThat(store.find(token)).as(token).isEmpty();
                assertThat(log.warnings()).as(token).singleElement().asString()
                        .contains(challenges.resolve(token).toString());
            }
        }
        assertThat(challenges.resolve("abc")).hasContent(PRIVATE_KEY.strip());
    }

    @Test
    void anotherUserSwappingTheTemporaryFileForASymlinkNeverGetsAnythingWrittenThroughIt() throws Exception {
        Path victim = Files.writeString(stateDir.resolve("homeserver.yaml"), "server_name: example.org\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Path challenges = Files.createDirectories(stateDir.resolve("challenges"));
        DirectoryChallengeStore store = new DirectoryChallengeStore(challenges);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger swaps = new java.util.concurrent.atomic.AtomicInteger();
        Thread attacker = new Thread(() -> {
            while (!stop.get()) {
                try (var names = Files.newDirectoryStream(challenges, ".*")) {
                    for (Path temporary : names) {
                        try {
                            Files.delete(temporary);
                            Files.createSymbolicLink(temporary, victim);
                            swaps.incrementAndGet();
                        } catch (IOException e) {
                            // renamed or removed meanwhile
                        }
                    }
                } catch (IOException e) {
                    // keep trying
                }
            }
        });
        attacker.start();
        int failed = 0;
        try {
            for (int i = 0; i < 3000 && swaps.get() < 200; i++) {
                try {
                    store.put(TOKEN, KEY_AUTHZ);
                } catch (RuntimeException e) {
                    failed++; // refusing is fine; writing through the link is not
                }
            }
        } finally {
            stop.set(true);
            attacker.join();
        }
        System.out.printf("SWAP puts_failed=%d swaps=%d%n", failed, swaps.get());
        assertThat(victim).hasContent("server_name: example.org");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-------");
    }

    private record Answer(int status, String body) {
    }

    private static Answer get(int port, String token) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port
                + ChallengeFilter.PATH_PREFIX + token).toURL().openConnection();
        try {
            int status = connection.getResponseCode();
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                return new Answer(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        } finally {
            connection.disconnect();
        }
    }
}
