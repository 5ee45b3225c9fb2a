package dev.acmefilter.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegularFileTest {

    @TempDir
    Path dir;

    @Test
    void aRegularFileUpToTheLimitIsReadWhole() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "x".repeat(256));

        assertThat(RegularFile.read(file, 256)).hasSize(256);
    }

    @Test
    void oneByteMoreThanTheLimitIsRefusedNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "x".repeat(257));

        assertThatThrownBy(() -> RegularFile.read(file, 256)).isInstanceOf(UnsafeFileException.class)
                .hasMessage(file + ": is larger than 256 bytes, more than it can hold; not read");
    }

    @Test
    void aSymbolicLinkIsNotFollowed() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "secret");
        Path link = Files.createSymbolicLink(dir.resolve("token"), secret);

        assertThatThrownBy(() -> RegularFile.read(link, 256)).isInstanceOf(UnsafeFileException.class)
                .hasMessageStartingWith(link + ": is a symbolic link");
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("token");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();

        assertThatThrownBy(() -> RegularFile.read(fifo, 256)).isInstanceOf(UnsafeFileException.class)
                .hasMessage(fifo + ": is not a regular file");
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThatThrownBy(() -> RegularFile.read(dir.resolve("missing"), 256)).isInstanceOf(NoSuchFileException.class);
    }
}
