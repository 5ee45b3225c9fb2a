package dev.acmefilter.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileAttributesTest {

    @TempDir
    Path dir;

    @Test
    void theAttributesOfAnExistingFileAreItsOwnerGroupAndMode() throws Exception {
        Path file = Files.writeString(dir.resolve("tls.key"), "key");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        PosixFileAttributes actual = Files.readAttributes(file, PosixFileAttributes.class);

        FileAttributes read = FileAttributes.read(file).orElseThrow();

        assertThat(PosixFilePermissions.toString(read.mode())).isEqualTo("rw-r-----");
        assertThat(read.owner()).contains(actual.owner());
        assertThat(read.group()).contains(actual.group());
        assertThat(read.ownerOptional()).isFalse();
    }

    @Test
    void nothingThereIsEmpty() throws Exception {
        assertThat(FileAttributes.read(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void aLinkIsAnErrorNamingItEvenWhenItsTargetIsARegularFile() throws Exception {
        Path target = Files.writeString(dir.resolve("shared.key"), "key");
        Path link = Files.createSymbolicLink(dir.resolve("tls.key"), target);

        assertThatThrownBy(() -> FileAttributes.read(link)).isInstanceOf(UnsafeFileException.class)
                .hasMessageStartingWith(link + ": is a symbolic link");
    }

    @Test
    void aFolderIsAnErrorNamingIt() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("tls.key"));

        assertThatThrownBy(() -> FileAttributes.read(folder)).isInstanceOf(UnsafeFileException.class)
                .hasMessage(folder + ": is not a regular file");
    }

    @Test
    void theOwnerAndGroupOfAReplacedFileComeWithTheModeAskedFor() throws Exception {
        Path file = Files.writeString(dir.resolve("state"), "x");
        FileAttributes old = FileAttributes.read(file).orElseThrow();

        FileAttributes kept = FileAttributes.OWNER_ONLY.withOwnerAndGroupOf(old).ownerIfPossible();

        assertThat(PosixFilePermissions.toString(kept.mode())).isEqualTo("rw-------");
        assertThat(kept.owner()).isEqualTo(old.owner());
        assertThat(kept.group()).isEqualTo(old.group());
        assertThat(kept.ownerOptional()).isTrue();
    }
}
