package dev.acmefilter.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FoldersTest {

    @TempDir
    Path dir;

    @Test
    void missingFoldersGetExactlyTheModeAskedForAndExistingOnesAreLeftAsTheyAre() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

        Folders.create(dir.resolve("a/b"), PosixFilePermissions.fromString("rwxrwx---"), Optional.empty());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a")))).isEqualTo("rwxrwx---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))))
                .isEqualTo("rwxrwx---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void aLinkToAFolderIsUsedAsTheFolder() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        Folders.create(link.resolve("sub"), PosixFilePermissions.fromString("rwxr-x---"), Optional.empty());

        assertThat(real.resolve("sub")).isDirectory();
    }
}
