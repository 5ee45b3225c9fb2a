package dev.acmefilter.safety;

import dev.acmefilter.admin.AdminCommand;
import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.ConfigLoader;
import dev.acmefilter.testing.LogRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real folders with real owners and modes. Giving a folder to another user needs root, which
 * is how CI runs; elsewhere those tests are skipped (and the check judges as root anyway,
 * through {@code new SharedFolderCheck(0, 0)}).
 */
class SharedFolderCheckTest {

    private static final SharedFolderCheck AS_ROOT = new SharedFolderCheck(0, 0);

    @TempDir
    Path dir;

    private Path etc;
    private UserPrincipal nobody;
    private GroupPrincipal nogroup;

    @BeforeEach
    void aSynapseConfigFolderOnlyRootCanWrite() throws Exception {
        assumeTrue(ProcessUser.current().uid() == 0, "giving folders to other users needs root");
        assertThat(AS_ROOT.check(dir, "test folder")).as("the test's own folder is root's alone").isEmpty();
        etc = Files.createDirectory(dir.resolve("matrix-synapse"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(etc.resolve("homeserver.yaml"), """
                server_name: example.org
                tls_certificate_path: tls/example.org.crt
                tls_private_key_path: tls/example.org.key
                acme:
                  enabled: true
                  url: https://127.0.0.1:1/directory
                  state_dir: state
                """);
        Files.createDirectories(etc.resolve("state"));
        Files.createDirectories(etc.resolve("tls"));
        nobody = etc.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        nogroup = etc.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup");
    }

    private AcmeConfig config() {
        return ConfigLoader.load(etc.resolve("homeserver.yaml"));
    }

    private List<String> found() {
        return AS_ROOT.check(config()).stream().map(SharedPath::describe).toList();
    }

    @Test
    void foldersOnlyRootCanWriteAreFine() {
        assertThat(found()).isEmpty();
    }

    @Test
    void aStateFolderOwnedByTheContainersUserIsFound() throws Exception {
        Files.setOwner(etc.resolve("state"), nobody);

        assertThat(found()).containsExactly(etc.resolve("state") + " (the state folder) belongs to user nobody (uid "
                + "65534)");
    }

    @Test
    void aGroupWritableConfigFolderIsFoundForEverythingBelowIt() throws Exception {
        // the README's Tomcat set-up: the container's group may write /etc/matrix-synapse
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxrwx---"));
        Files.getFileAttributeView(etc, PosixFileAttributeView.class).setGroup(nogroup);

        assertThat(found()).containsExactly(etc + " (on the way to the config file " + etc.resolve("homeserver.yaml")
                + ") is writable by group nogroup (mode 0770)");
    }

    @Test
    void aConfigFileEveryoneMayWriteIsFound() throws Exception {
        Files.setPosixFilePermissions(etc.resolve("homeserver.yaml"), PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThat(found()).containsExactly(etc.resolve("homeserver.yaml") + " (the config file) is writable by every"
                + " user (mode 0666)");
    }

    @Test
    void aStickyFolderOnTheWayIsFineForWhatExistsButNotForWhatIsMissing() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        assertThat(new ProcessBuilder("chmod", "1777", shared.toString()).start().waitFor()).as("like /tmp").isZero();
        Path mine = Files.createDirectory(shared.resolve("mine"));

        assertThat(AS_ROOT.check(mine, "state folder")).isEmpty();
        assertThat(AS_ROOT.check(shared.resolve("missing/state"), "state folder")).extracting(SharedPath::describe)
                .containsExactly(shared.resolve("missing") + " (on the way to the state folder "
                        + shared.resolve("missing/state") + ") does not exist yet, and " + shared + " lets every user"
                        + " create entries in it (sticky bit): another user could create it first");
        assertThat(AS_ROOT.check(shared, "state folder")).extracting(SharedPath::describe)
                .containsExactly(shared + " (the state folder) is writable by every user (mode 1777)");
    }

    @Test
    void aSymbolicLinkIsJudgedByItsOwnerAndThenItsTargetWithoutTrustingEither() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.setOwner(elsewhere, nobody);
        Path rootsLink = Files.createSymbolicLink(dir.resolve("tls-link"), elsewhere);
        Path theirLink = Files.createSymbolicLink(dir.resolve("their-link"), etc.resolve("tls"));
        Files.getFileAttributeView(theirLink, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(nobody);

        assertThat(AS_ROOT.check(rootsLink, "certificate folder")).extracting(SharedPath::describe).containsExactly(
                elsewhere + " (on the way to the certificate folder " + rootsLink + ") belongs to user nobody (uid"
                        + " 65534)");
        assertThat(AS_ROOT.check(theirLink, "certificate folder")).extracting(SharedPath::describe).containsExactly(
                theirLink + " (the certificate folder) belongs to user nobody (uid 65534)");
    }

    @Test
    void theProcessesOwnUserIsNotAnotherUser() throws Exception {
        Files.setOwner(etc.resolve("state"), nobody);

        assertThat(new SharedFolderCheck(65534, 65534).check(config())).isEmpty();
    }

    // ------------------------------------------------------------ the admin command and the webapp

    private record Run(int status, String err) {
    }

    private Run admin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new AdminCommand(name -> null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC()).run(args);
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theAdminCommandRefusesToRunAsRootOnAFolderTheContainerCanWrite() throws Exception {
        Files.setOwner(etc.resolve("state"), nobody);
        String config = etc.resolve("homeserver.yaml").toString();

        Run refused = admin("--config", config, "renew");

        assertThat(refused.status()).isEqualTo(AdminCommand.USAGE);
        assertThat(refused.err()).startsWith("acme-admin: refusing to run as root: other users can change what this"
                + " command would write or read as root:\n  " + etc.resolve("state") + " (the state folder) belongs to"
                + " user nobody (uid 65534)\n").contains("sudo -u <that user> acme-admin", "--allow-shared-folders");
        assertThat(etc.resolve("state")).isEmptyDirectory();
    }

    @Test
    void allowSharedFoldersRunsAnywayAndSaysWhy() throws Exception {
        Files.setOwner(etc.resolve("state"), nobody);

        Run allowed = admin("--config", etc.resolve("homeserver.yaml").toString(), "renew", "--allow-shared-folders");

        assertThat(allowed.err()).contains("acme-admin: warning: running as root although " + etc.resolve("state")
                + " (the state folder) belongs to user nobody (uid 65534) (--allow-shared-folders)");
        assertThat(allowed.status()).as("it went on to order, from a CA that is not there: " + allowed.err())
                .isEqualTo(AdminCommand.FAILED);
    }

    @Test
    void statusOnlyReadsAndIsNotRefused() throws Exception {
        Files.setOwner(etc.resolve("state"), nobody);

        Run status = admin("--config", etc.resolve("homeserver.yaml").toString(), "status");

        assertThat(status.err()).doesNotContain("refusing");
        assertThat(status.status()).as("no certificate yet").isEqualTo(AdminCommand.FAILED);
    }

    @Test
    void theWebappLogsWhatItFindsAsWarnings() throws Exception {
        Files.setOwner(etc.resolve("tls"), nobody);
        List<String> lines = new ArrayList<>();

        try (LogRecords log = new LogRecords(SharedFolderCheck.class)) {
            AS_ROOT.logFindings(config());
            lines.addAll(log.lines());
        }

        assertThat(lines).containsExactly("WARNING Another user can change what this process writes or reads: "
                + etc.resolve("tls") + " (the certificate folder of certificate default) belongs to user nobody (uid"
                + " 65534); let only the user this process runs as (or root) write it");
    }

    @Test
    void refusingAsRootIsAConfigErrorListingEachPlaceOnce() throws Exception {
        Files.setOwner(etc.resolve("tls"), nobody);

        assertThatThrownBy(() -> AS_ROOT.refuseAsRoot(config(), false, m -> { }))
                .isInstanceOf(ConfigException.class)
                .message().contains("\n  " + etc.resolve("tls") + " (the certificate folder of certificate default)")
                .doesNotContain("private key folder");
    }
}
