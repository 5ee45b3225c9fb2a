package dev.acmefilter.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.acmefilter.output.CertificatePairWriter.Step;
import dev.acmefilter.testing.LogCapture;

class CertificatePairWriterTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path cert;
    private Path key;
    private KeyPair oldKeys;
    private List<X509Certificate> oldChain;
    private KeyPair newKeys;
    private List<X509Certificate> newChain;

    @BeforeEach
    void setUp() {
        cert = dir.resolve("tls/certs/fullchain.pem");
        key = dir.resolve("tls/private/privkey.pem");
        oldKeys = TestCerts.ecKey();
        oldChain = List.of(TestCerts.validFor(oldKeys, NOW, 90, "old.example.org"));
        newKeys = TestCerts.ecKey();
        newChain = List.of(TestCerts.validFor(newKeys, NOW, 90, "new.example.org"),
                TestCerts.validFor(TestCerts.ecKey(), NOW, 900, "Test Issuer"));
    }

    private CertificatePairWriter writer(FileOptions options) {
        return new CertificatePairWriter(cert, key, options, CLOCK);
    }

    /** The bytes of a pair as it was written, to compare the files with later. */
    private record Written(byte[] cert, byte[] key) {
    }

    /** Writes the old chain and key with the default options and returns their bytes. */
    private Written writeOldPair() throws IOException {
        writer(FileOptions.defaults()).write(oldChain, oldKeys.getPrivate());
        return new Written(Files.readAllBytes(cert), Files.readAllBytes(key));
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void newPairIsWrittenWithDefaultModesAndParentFolders() throws IOException {
        writer(FileOptions.defaults()).write(newChain, newKeys.getPrivate());

        assertThat(Pem.readCertificates(cert)).isEqualTo(newChain);
        assertThat(Pem.readPrivateKey(key).getEncoded()).isEqualTo(newKeys.getPrivate().getEncoded());
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(mode(cert)).isEqualTo("rw-r--r--");
        assertThat(mode(dir.resolve("tls"))).isEqualTo("rwxr-x---");
        assertThat(mode(dir.resolve("tls/certs"))).isEqualTo("rwxr-x---");
        assertThat(mode(dir.resolve("tls/private"))).isEqualTo("rwxr-x---");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void configuredKeyModeIsUsedForNewKeyFile() throws IOException {
        writer(new FileOptions(Optional.empty(), Optional.of(PosixFilePermissions.fromString("rw-r-----"))))
                .write(newChain, newKeys.getPrivate());

        assertThat(mode(key)).isEqualTo("rw-r-----");
        assertThat(mode(cert)).isEqualTo("rw-r--r--");
    }

    @Test
    void keyModeGrantingOthersIsRejected() {
        assertThatThrownBy(() -> new FileOptions(Optional.empty(),
                Optional.of(PosixFilePermissions.fromString("rw-r--r--"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configuredGroupIsGivenToNewFilesAndFoldersAndCertificateIs0640() throws IOException {
        String group = otherGroup();
        writer(new FileOptions(Optional.of(group), Optional.empty())).write(newChain, newKeys.getPrivate());

        assertThat(groupOf(cert)).isEqualTo(group);
        assertThat(groupOf(key)).isEqualTo(group);
        assertThat(groupOf(dir.resolve("tls/private"))).isEqualTo(group);
        assertThat(mode(cert)).isEqualTo("rw-r-----");
        assertThat(mode(key)).isEqualTo("rw-------");
    }

    @Test
    void unknownGroupFailsBeforeAnyFileIsWritten() {
        assertThatThrownBy(() -> writer(new FileOptions(Optional.of("no-such-group-xyz"), Optional.empty()))
                .write(newChain, newKeys.getPrivate()))
                .isInstanceOf(IOException.class).hasMessageContaining("no-such-group-xyz")
                .hasCauseInstanceOf(UserPrincipalNotFoundException.class);
        assertThat(cert).doesNotExist();
        assertThat(key).doesNotExist();
    }

    @Test
    void replacingKeepsTheModesOfTheExistingFiles() throws IOException {
        writeOldPair();
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-------"));

        writer(FileOptions.defaults()).write(newChain, newKeys.getPrivate());

        assertThat(Pem.readCertificates(cert)).isEqualTo(newChain);
        assertThat(mode(key)).isEqualTo("rw-r-----");
        assertThat(mode(cert)).isEqualTo("rw-------");
    }

    @Test
    void replacingKeepsTheGroupOfTheExistingFilesInsteadOfTheConfiguredOne() throws IOException {
        String group = otherGroup();
        writeOldPair();
        String originalGroup = groupOf(key);
        setGroup(key, group);

        writer(new FileOptions(Optional.of(originalGroup), Optional.empty())).write(newChain, newKeys.getPrivate());

        assertThat(groupOf(key)).isEqualTo(group);
        assertThat(groupOf(cert)).isEqualTo(originalGroup);
        assertThat(Files.readAttributes(key, PosixFileAttributes.class).owner())
                .isEqualTo(Files.readAttributes(dir, PosixFileAttributes.class).owner());
    }

    @Test
    void previousPairIsKeptAsTimestampedBackup() throws IOException {
        Written old = writeOldPair();

        writer(FileOptions.defaults()).write(newChain, newKeys.getPrivate());

        Path certBackup = cert.resolveSibling("fullchain.pem.20250102T030405Z.bak");
        Path keyBackup = key.resolveSibling("privkey.pem.20250102T030405Z.bak");
        assertThat(certBackup).hasBinaryContent(old.cert());
        assertThat(keyBackup).hasBinaryContent(old.key());
        assertThat(mode(keyBackup)).isEqualTo("rw-------");
        assertThat(Files.readAllBytes(key)).isNotEqualTo(old.key());
    }

    @Test
    void onlyTheNewestBackupsAreKept() throws IOException {
        byte[][] certs = new byte[8][];
        for (int day = 0; day < 8; day++) {
            Clock clock = Clock.fixed(NOW.plus(java.time.Duration.ofDays(day)), ZoneOffset.UTC);
            boolean even = day % 2 == 0;
            new CertificatePairWriter(cert, key, FileOptions.defaults(), clock)
                    .write(even ? oldChain : newChain, (even ? oldKeys : newKeys).getPrivate());
            certs[day] = Files.readAllBytes(cert);
        }

        try (Stream<Path> files = Files.list(cert.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bak")).sorted())
                    .containsExactly("fullchain.pem.20250105T030405Z.bak", "fullchain.pem.20250106T030405Z.bak",
                            "fullchain.pem.20250107T030405Z.bak", "fullchain.pem.20250108T030405Z.bak",
                            "fullchain.pem.20250109T030405Z.bak");
        }
        // the backup made by the write of day 7 holds what day 6 wrote
        assertThat(cert.resolveSibling("fullchain.pem.20250109T030405Z.bak")).hasBinaryContent(certs[6]);
        try (Stream<Path> files = Files.list(key.getParent())) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".bak")))
                    .hasSize(CertificatePairWriter.KEPT_BACKUPS);
        }
    }

    @Test
    void secondReplacementInTheSameSecondGetsItsOwnBackup() throws IOException {
        byte[] first = writeOldPair().cert();
        writer(FileOptions.defaults()).write(newChain, newKeys.getPrivate());
        byte[] second = Files.readAllBytes(cert);
        writeOldPair();

        assertThat(cert.resolveSibling("fullchain.pem.20250102T030405Z.bak")).hasBinaryContent(first);
        assertThat(cert.resolveSibling("fullchain.pem.20250102T030405Z-2.bak")).hasBinaryContent(second);
        assertThat(key.resolveSibling("privkey.pem.20250102T030405Z-2.bak")).exists();
    }

    @Test
    void mismatchedKeyIsRefusedAndNothingChanges() throws IOException {
        Written old = writeOldPair();

        assertThatThrownBy(() -> writer(FileOptions.defaults()).write(newChain, TestCerts.ecKey().getPrivate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");

        assertThat(cert).hasBinaryContent(old.cert());
        assertThat(key).hasBinaryContent(old.key());
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void emptyChainIsRefused() {
        assertThatThrownBy(() -> writer(FileOptions.defaults()).write(List.of(), newKeys.getPrivate()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cert).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"PARENTS_READY", "KEY_NEW_CREATED", "KEY_NEW_WRITTEN",
            "CERTIFICATE_NEW_CREATED", "CERTIFICATE_NEW_WRITTEN", "KEY_BACKED_UP", "CERTIFICATE_BACKED_UP",
            "DIRECTORIES_SYNCED", "JOURNAL_CREATED"})
    void ioErrorBeforeCommitLeavesTheOldPairAndNoLeftovers(Step failing) throws IOException {
        assertThat(failing.committed()).isFalse();
        Written old = writeOldPair();

        CertificatePairWriter failingWriter = new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK,
                step -> {
                    if (step == failing) {
                        throw new IOException("disk full at " + step);
                    }
                });
        assertThatThrownBy(() -> failingWriter.write(newChain, newKeys.getPrivate()))
                .isInstanceOf(IOException.class).hasMessageContaining("disk full");

        assertThat(cert).hasBinaryContent(old.cert());
        assertThat(key).hasBinaryContent(old.key());
        assertThat(leftovers()).isEmpty();
        assertThat(backups()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"JOURNAL_WRITTEN", "KEY_RENAMED", "CERTIFICATE_RENAMED",
            "RENAMES_SYNCED", "JOURNAL_DELETED"})
    void ioErrorAfterCommitIsFinishedByRecovery(Step failing) throws IOException {
        assertThat(failing.committed()).isTrue();
        writeOldPair();

        new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK, step -> {
            if (step == failing) {
                throw new IOException("I/O error at " + step);
            }
        }).write(newChain, newKeys.getPrivate());

        assertThat(Pem.readCertificates(cert)).isEqualTo(newChain);
        assertThat(Pem.readPrivateKey(key).getEncoded()).isEqualTo(newKeys.getPrivate().getEncoded());
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void recoverRemovesStrayNewFilesWithoutJournal() throws IOException {
        byte[] oldCert = writeOldPair().cert();
        Files.writeString(CertificatePairWriter.newFile(cert), "partial");
        Files.writeString(CertificatePairWriter.newFile(key), "partial");

        writer(FileOptions.defaults()).recover();

        assertThat(cert).hasBinaryContent(oldCert);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void recoverWithNothingOnDiskDoesNothing() throws IOException {
        writer(FileOptions.defaults()).recover();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void certificateAndKeyMustBeDifferentFiles() {
        assertThatThrownBy(() -> new CertificatePairWriter(cert, cert, FileOptions.defaults(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aJournalNamingOtherFilesIsDiscardedWithoutRenamingAnything() throws IOException {
        byte[] oldCert = writeOldPair().cert();
        Path victim = Files.writeString(dir.resolve("etc-shadow"), "root:secret\n");
        Files.writeString(dir.resolve("etc-shadow.new"), "root::\n");
        Files.writeString(dir.resolve("tls/certs/fullchain.pem.journal"), "acme-filter certificate update journal v1\n"
                + "key=" + victim + "\ncertificate=" + cert + "\nend\n");

        try (LogCapture log = LogCapture.of(CertificatePairWriter.class)) {
            writer(FileOptions.defaults()).recover();
            assertThat(log.warnings()).singleElement().asString().contains(cert + ".journal").contains(victim.toString());
        }

        assertThat(victim).hasContent("root:secret");
        assertThat(dir.resolve("etc-shadow.new")).hasContent("root::");
        assertThat(cert).hasBinaryContent(oldCert);
        assertThat(leftovers()).containsExactly(dir.resolve("etc-shadow.new"));
    }

    @Test
    void aJournalThatIsASymbolicLinkIsNotFollowed() throws IOException {
        Written old = writeOldPair();
        Path planted = Files.writeString(dir.resolve("planted-journal"), "acme-filter certificate update journal v1\n"
                + "key=" + key + "\ncertificate=" + cert + "\nend\n");
        Files.createSymbolicLink(writer(FileOptions.defaults()).journal(), planted);
        Files.writeString(CertificatePairWriter.newFile(cert), "planted certificate");
        Files.writeString(CertificatePairWriter.newFile(key), "planted key");

        writer(FileOptions.defaults()).recover();

        assertThat(cert).hasBinaryContent(old.cert());
        assertThat(key).hasBinaryContent(old.key());
        assertThat(planted).exists();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aJournalLargerThanAnyRealOneIsDiscarded() throws IOException {
        byte[] oldCert = writeOldPair().cert();
        Files.writeString(CertificatePairWriter.newFile(cert), "planted certificate");
        Files.writeString(writer(FileOptions.defaults()).journal(), "acme-filter certificate update journal v1\n"
                + "key=" + key + "\ncertificate=" + cert + "\nend\n" + "\n".repeat(100_000));

        writer(FileOptions.defaults()).recover();

        assertThat(cert).hasBinaryContent(oldCert);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aCertificatePathThatIsASymbolicLinkIsAnErrorNamingItAndNothingChanges() throws IOException {
        Path shared = dir.resolve("shared/fullchain.pem");
        new CertificatePairWriter(shared, dir.resolve("shared/privkey.pem"), FileOptions.defaults(), CLOCK)
                .write(oldChain, oldKeys.getPrivate());
        byte[] sharedBytes = Files.readAllBytes(shared);
        Files.createDirectories(cert.getParent());
        Files.createSymbolicLink(cert, shared);

        assertThatThrownBy(() -> writer(FileOptions.defaults()).write(newChain, newKeys.getPrivate()))
                .isInstanceOf(IOException.class).hasMessageContaining(cert.toString())
                .hasMessageContaining("symbolic link");

        assertThat(Files.isSymbolicLink(cert)).isTrue();
        assertThat(shared).hasBinaryContent(sharedBytes);
        assertThat(key).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aKeyPathThatIsASymbolicLinkIsAnErrorNamingIt() throws IOException {
        byte[] oldKey = writeOldPair().key();
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.key"), "another key");
        Files.delete(key);
        Files.createSymbolicLink(key, elsewhere);

        assertThatThrownBy(() -> writer(FileOptions.defaults()).write(newChain, newKeys.getPrivate()))
                .isInstanceOf(IOException.class).hasMessageContaining(key.toString())
                .hasMessageContaining("symbolic link");

        assertThat(elsewhere).hasContent("another key");
        assertThat(Pem.readCertificates(cert)).isEqualTo(oldChain);
        assertThat(oldKey).isNotEmpty();
        assertThat(leftovers()).isEmpty();
        assertThat(backups()).isEmpty();
    }

    @Test
    void theBackupsOfACompromisedKeyAreRemovedAndThoseOfOtherKeysKept() throws IOException {
        KeyPair third = TestCerts.ecKey();
        List<X509Certificate> thirdChain = List.of(TestCerts.validFor(third, NOW, 90, "new.example.org"));
        new CertificatePairWriter(cert, key, FileOptions.defaults(), CLOCK).write(oldChain, oldKeys.getPrivate());
        new CertificatePairWriter(cert, key, FileOptions.defaults(), Clock.offset(CLOCK, java.time.Duration.ofDays(1)))
                .write(newChain, newKeys.getPrivate());
        new CertificatePairWriter(cert, key, FileOptions.defaults(), Clock.offset(CLOCK, java.time.Duration.ofDays(2)))
                .write(oldChain, oldKeys.getPrivate()); // the old key again, as with acme.keep_key
        new CertificatePairWriter(cert, key, FileOptions.defaults(), Clock.offset(CLOCK, java.time.Duration.ofDays(3)))
                .write(thirdChain, third.getPrivate());
        Path oldKeyBackup1 = key.resolveSibling("privkey.pem.20250103T030405Z.bak");
        Path newKeyBackup = key.resolveSibling("privkey.pem.20250104T030405Z.bak");
        Path oldKeyBackup2 = key.resolveSibling("privkey.pem.20250105T030405Z.bak");
        assertThat(Pem.readPrivateKey(oldKeyBackup2).getEncoded()).isEqualTo(oldKeys.getPrivate().getEncoded());

        List<Path> removed = writer(FileOptions.defaults()).removeKeyBackups(oldChain.get(0));

        assertThat(removed).containsExactly(oldKeyBackup1, oldKeyBackup2);
        assertThat(oldKeyBackup1).doesNotExist();
        assertThat(oldKeyBackup2).doesNotExist();
        assertThat(Pem.readPrivateKey(newKeyBackup).getEncoded()).isEqualTo(newKeys.getPrivate().getEncoded());
        assertThat(cert.resolveSibling("fullchain.pem.20250103T030405Z.bak")).exists();
        assertThat(Pem.readPrivateKey(key).getEncoded()).isEqualTo(third.getPrivate().getEncoded());
        assertThat(writer(FileOptions.defaults()).removeKeyBackups(oldChain.get(0))).isEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------

    private List<Path> leftovers() throws IOException {
        return files().filter(p -> p.getFileName().toString().endsWith(".new")
                || p.getFileName().toString().endsWith(".journal")).toList();
    }

    private List<Path> backups() throws IOException {
        return files().filter(p -> p.getFileName().toString().endsWith(".bak")).toList();
    }

    private Stream<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList().stream();
        }
    }

    private static String groupOf(Path file) throws IOException {
        return Files.readAttributes(file, PosixFileAttributes.class).group().getName();
    }

    private void setGroup(Path file, String group) throws IOException {
        GroupPrincipal principal = file.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(group);
        Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(principal);
    }

    /** A group this process can give files to, other than the default group of new files. */
    private String otherGroup() throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));
        String own = groupOf(probe);
        try {
            for (String candidate : List.of("daemon", "adm", "users", "nogroup", "staff")) {
                try {
                    setGroup(probe, candidate);
                    if (!groupOf(probe).equals(own)) {
                        return candidate;
                    }
                } catch (IOException e) {
                    // not this one
                }
            }
            Assumptions.abort("no second group available to this process");
            return null;
        } finally {
            Files.delete(probe);
        }
    }
}
