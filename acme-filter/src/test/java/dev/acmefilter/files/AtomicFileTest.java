package dev.acmefilter.files;

import dev.acmefilter.files.AtomicFile.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFileTest {

    private static final byte[] OLD = "old content\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "new content, longer than the old\n".getBytes(StandardCharsets.UTF_8);

    /** Stands for the process dying: not an IOException, so no clean-up runs. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(Step step) {
            super("crash at " + step);
        }
    }

    /** Holds a temporary file of the target given as argument open, as a writer in another process would, until its input closes. */
    public static final class OtherWriter {
        public static void main(String[] args) throws Exception {
            try (NewFile file = NewFile.create(AtomicFile.temporaryFor(Path.of(args[0])), FileAttributes.OWNER_ONLY)) {
                System.out.println("WRITING " + file.path());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the test closes our input
                }
            }
        }
    }

    @TempDir
    Path dir;

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void replaceWritesTheWholeContentWithExactlyTheGivenModeWhateverTheUmask() throws IOException {
        Path target = dir.resolve("state.properties");
        Files.write(target, OLD);

        AtomicFile.replace(target, NEW, FileAttributes.of("rw-rw----")); // a 022 umask would drop the group's write

        assertThat(target).hasBinaryContent(NEW);
        assertThat(mode(target)).isEqualTo("rw-rw----");
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void createNewWritesAFileThatWasNotThere() throws IOException {
        Path target = dir.resolve("client.key");

        AtomicFile.createNew(target, NEW, FileAttributes.OWNER_ONLY);

        assertThat(target).hasBinaryContent(NEW);
        assertThat(mode(target)).isEqualTo("rw-------");
        assertThat(Files.readAttributes(target, PosixFileAttributes.class).isRegularFile()).isTrue();
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void createNewNeverReplacesWhatIsThere() throws IOException {
        Path target = Files.write(dir.resolve("client.key"), OLD);
        Path link = dir.resolve("link.key");
        Files.createSymbolicLink(link, dir.resolve("nowhere"));

        assertThatThrownBy(() -> AtomicFile.createNew(target, NEW, FileAttributes.OWNER_ONLY))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> AtomicFile.createNew(link, NEW, FileAttributes.OWNER_ONLY))
                .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(target).hasBinaryContent(OLD);
        assertThat(dir.resolve("nowhere")).doesNotExist();
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aTargetThatIsASymbolicLinkIsRefusedNamingItAndNeitherItNorItsTargetChanges() throws IOException {
        Path victim = Files.write(dir.resolve("shadow"), OLD);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r-----"));
        Path target = dir.resolve("state.properties");
        Files.createSymbolicLink(target, victim);

        assertThatThrownBy(() -> AtomicFile.replace(target, NEW, FileAttributes.of("rw-r--r--")))
                .isInstanceOf(UnsafeFileException.class)
                .hasMessage(target + ": is a symbolic link, and links are never followed here");

        assertThat(Files.isSymbolicLink(target)).isTrue();
        assertThat(victim).hasBinaryContent(OLD);
        assertThat(mode(victim)).isEqualTo("rw-r-----");
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aTargetThatIsAFolderIsRefusedNamingIt() throws IOException {
        Path target = Files.createDirectory(dir.resolve("state.properties"));

        assertThatThrownBy(() -> AtomicFile.replace(target, NEW, FileAttributes.OWNER_ONLY))
                .isInstanceOf(UnsafeFileException.class).hasMessage(target + ": is not a regular file");
        assertThat(target).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void aCrashAtAnyStepLeavesTheOldOrTheNewContentAndTheNextWriteRemovesTheLeftover(Step crashStep)
            throws IOException {
        Path target = Files.write(dir.resolve("state.properties"), OLD);
        AtomicFile crashing = new AtomicFile((step, temporary) -> {
            if (step == crashStep) {
                throw new SimulatedCrash(step);
            }
        });

        assertThatThrownBy(() -> crashing.write(target, NEW, FileAttributes.OWNER_ONLY, true))
                .isInstanceOf(SimulatedCrash.class);

        boolean committed = crashStep.compareTo(Step.PLACED) >= 0;
        assertThat(target).hasBinaryContent(committed ? NEW : OLD);
        List<Path> left = temporaryFiles();
        assertThat(left).as("what a crash leaves is named as a temporary file of its target").allMatch(
                p -> AtomicFile.isTemporaryOf(target, p));
        assertThat(left).hasSize(crashStep == Step.TEMPORARY_CREATED || crashStep == Step.TEMPORARY_WRITTEN ? 1 : 0);

        byte[] next = "the next write\n".getBytes(StandardCharsets.UTF_8);
        AtomicFile.replace(target, next, FileAttributes.OWNER_ONLY);
        assertThat(target).hasBinaryContent(next);
        assertThat(temporaryFiles()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void anIoErrorAtAnyStepBeforeTheRenameLeavesTheOldContentAndNoTemporaryFile(Step failing) throws IOException {
        Path target = Files.write(dir.resolve("state.properties"), OLD);
        AtomicFile failingWriter = new AtomicFile((step, temporary) -> {
            if (step == failing) {
                throw new IOException("disk full at " + step);
            }
        });

        assertThatThrownBy(() -> failingWriter.write(target, NEW, FileAttributes.OWNER_ONLY, true))
                .isInstanceOf(IOException.class).hasMessage("disk full at " + failing);

        assertThat(target).hasBinaryContent(failing.compareTo(Step.PLACED) >= 0 ? NEW : OLD);
        assertThat(temporaryFiles()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"TEMPORARY_CREATED", "TEMPORARY_WRITTEN"})
    void aTemporaryFileSwappedForASymlinkIsNeitherWrittenThroughNorRenamedIntoPlace(Step swapStep) throws IOException {
        Path victim = Files.write(dir.resolve("shadow"), OLD);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r-----"));
        Path target = Files.write(dir.resolve("state.properties"), OLD);
        AtomicFile swapped = new AtomicFile((step, temporary) -> {
            if (step == swapStep) {
                Files.move(temporary, dir.resolve("moved-away"));
                Files.createSymbolicLink(temporary, victim);
            }
        });

        assertThatThrownBy(() -> swapped.write(target, NEW, FileAttributes.of("rw-rw-rw-"), true))
                .isInstanceOf(UnsafeFileException.class).hasMessageContaining("was replaced by another file");

        assertThat(victim).hasBinaryContent(OLD);
        assertThat(mode(victim)).isEqualTo("rw-r-----");
        assertThat(target).hasBinaryContent(OLD);
        assertThat(Files.isSymbolicLink(target)).isFalse();
    }

    @Test
    void aTemporaryFileThatAnotherProcessIsWritingIsLeftAloneUntilThatProcessIsGone() throws Exception {
        Path target = Files.write(dir.resolve("state.properties"), OLD);
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OtherWriter.class.getName(), target.toString())
                .redirectErrorStream(true).start();
        Path inUse;
        try {
            String line = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line).startsWith("WRITING ");
            inUse = Path.of(line.substring("WRITING ".length()));

            assertThat(AtomicFile.removeLeftovers(target)).isEmpty();
            AtomicFile.replace(target, NEW, FileAttributes.OWNER_ONLY);
            assertThat(inUse).exists();
        } finally {
            other.destroyForcibly(); // a crash: its file stays, unlocked
            assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(AtomicFile.removeLeftovers(target)).containsExactly(inUse);
        assertThat(inUse).doesNotExist();
        assertThat(target).hasBinaryContent(NEW);
    }

    @Test
    void aLinkNamedLikeATemporaryFileIsOnlyUnlinked() throws IOException {
        Path victim = Files.write(dir.resolve("shadow"), OLD);
        Path target = dir.resolve("state.properties");
        Path link = AtomicFile.temporaryFor(target);
        Files.createSymbolicLink(link, victim);

        assertThat(AtomicFile.removeLeftovers(target)).containsExactly(link);

        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(victim).hasBinaryContent(OLD);
    }

    @Test
    void onlyFilesNamedLikeTheTargetsOwnTemporaryFilesAreRemoved() throws IOException {
        Path target = dir.resolve("state.properties");
        List<String> others = List.of(".state.properties.tmp", ".state.properties.123.tmp",
                ".state.properties.0123456789ABCDEF.tmp", ".other.properties.0123456789abcdef.tmp",
                "state.properties.0123456789abcdef.tmp", "state.properties.new", ".state.properties.0123456789abcdef");
        for (String name : others) {
            Files.write(dir.resolve(name), OLD);
        }
        Path leftover = Files.write(dir.resolve(".state.properties.0123456789abcdef.tmp"), OLD);
        Files.createDirectory(dir.resolve(".state.properties.fedcba9876543210.tmp"));

        assertThat(AtomicFile.removeLeftovers(target)).containsExactly(leftover);

        for (String name : others) {
            assertThat(dir.resolve(name)).as(name).exists();
        }
        assertThat(dir.resolve(".state.properties.fedcba9876543210.tmp")).isDirectory();
    }

    @Test
    void aMissingFolderHasNoLeftovers() {
        assertThat(AtomicFile.removeLeftovers(dir.resolve("missing/state.properties"))).isEmpty();
    }

    @Test
    void ownerAndGroupAndModeAreTheFinalOnesBeforeTheFirstByte() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give a file away");
        var lookup = dir.getFileSystem().getUserPrincipalLookupService();
        FileAttributes wanted = new FileAttributes(PosixFilePermissions.fromString("rw-r-----"),
                java.util.Optional.of(lookup.lookupPrincipalByName("nobody")),
                java.util.Optional.of(lookup.lookupPrincipalByGroupName("nogroup")), false);
        Path target = Files.write(dir.resolve("tls.key"), OLD);
        List<String> seen = new java.util.ArrayList<>();
        AtomicFile watched = new AtomicFile((step, temporary) -> {
            if (step == Step.TEMPORARY_CREATED) {
                PosixFileAttributes created = Files.readAttributes(temporary, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                seen.add(created.owner().getName() + ":" + created.group().getName() + " "
                        + PosixFilePermissions.toString(created.permissions()) + " " + created.size() + " bytes");
            }
        });

        watched.write(target, NEW, wanted, true);

        assertThat(seen).containsExactly("nobody:nogroup rw-r----- 0 bytes");
        PosixFileAttributes written = Files.readAttributes(target, PosixFileAttributes.class);
        assertThat(written.owner().getName()).isEqualTo("nobody");
        assertThat(written.group().getName()).isEqualTo("nogroup");
        assertThat(target).hasBinaryContent(NEW);
    }
}
