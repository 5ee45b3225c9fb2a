package dev.acmefilter.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NewFileTest {

    private static final byte[] SECRET = "-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private Path victim() throws IOException {
        Path victim = Files.writeString(dir.resolve("shadow"), "root:secret\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        return victim;
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aNewFileGetsItsModeAndContentThroughTheChannelThatCreatedIt() throws IOException {
        Path file = dir.resolve("tls.key.new");
        try (NewFile created = NewFile.create(file, FileAttributes.of("rw-r-----"))) {
            assertThat(mode(file)).isEqualTo("rw-r-----");
            assertThat(Files.size(file)).isZero();
            created.write(SECRET);
        }
        assertThat(file).hasBinaryContent(SECRET);
    }

    @Test
    void anythingAlreadyThereIsNeverOpened() throws IOException {
        Path victim = victim();
        Path link = dir.resolve("tls.key.new");
        Files.createSymbolicLink(link, victim);

        assertThatThrownBy(() -> NewFile.create(link, FileAttributes.of("rw-rw-rw-")))
                .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(victim).hasContent("root:secret");
        assertThat(mode(victim)).isEqualTo("rw-------");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    /** How an attacker who can write the folder swaps the just-created file for a link to another file. */
    enum Swap {
        SYMBOLIC_LINK("a symbolic link") {
            @Override
            void link(Path created, Path victim) throws IOException {
                Files.createSymbolicLink(created, victim);
            }
        },
        HARD_LINK("a hard link") {
            @Override
            void link(Path created, Path victim) throws IOException {
                Files.createLink(created, victim); // what fs.protected_hardlinks=0 lets anyone do
            }
        };

        private final String description;

        Swap(String description) {
            this.description = description;
        }

        abstract void link(Path created, Path victim) throws IOException;

        @Override
        public String toString() {
            return description;
        }
    }

    @ParameterizedTest(name = "swapped for {0}")
    @EnumSource(Swap.class)
    void aFileSwappedForALinkBeforeItsModeIsSetIsRefusedAndTheLinkedFileKeepsItsMode(Swap swap) throws IOException {
        Path victim = victim();
        Path file = dir.resolve("tls.key.new");

        assertThatThrownBy(() -> NewFile.create(file, FileAttributes.of("rw-rw-rw-"), created -> {
            Files.delete(created);
            swap.link(created, victim);
        })).isInstanceOf(UnsafeFileException.class).hasMessageStartingWith(file + ": was replaced by another file");

        assertThat(mode(victim)).isEqualTo("rw-------");
        assertThat(victim).hasContent("root:secret");
    }

    @Test
    void aFileSwappedForAnotherRegularFileIsRefused() throws IOException {
        Path file = dir.resolve("tls.key.new");
        Path planted = Files.writeString(dir.resolve("planted"), "planted");

        assertThatThrownBy(() -> NewFile.create(file, FileAttributes.of("rw-r-----"), created -> {
            Files.delete(created);
            Files.copy(planted, created);
        })).isInstanceOf(UnsafeFileException.class);

        assertThat(file).as("a failed creation leaves nothing at its path").doesNotExist();
    }

    @Test
    void thisProcessNeverCreatesOnePathTwiceAtOnce() throws IOException {
        Path file = dir.resolve("tls.key.new");
        try (NewFile first = NewFile.create(file, FileAttributes.OWNER_ONLY)) {
            assertThat(NewFile.isBeingWritten(file)).isTrue();
            Files.delete(file);
            assertThatThrownBy(() -> NewFile.create(file, FileAttributes.OWNER_ONLY))
                    .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("writing it already");
        }
        assertThat(NewFile.isBeingWritten(file)).isFalse();
    }
}
