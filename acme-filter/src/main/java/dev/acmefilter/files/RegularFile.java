package dev.acmefilter.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;

/**
 * Reads a small file from a folder that another user may write: never through a symbolic
 * link, only a regular file, and never more bytes than the caller expects.
 */
public final class RegularFile {

    private RegularFile() {
    }

    /**
     * The whole content of {@code file}.
     *
     * @param maxBytes the most it may hold
     * @throws NoSuchFileException when nothing is there
     * @throws UnsafeFileException when it is a symbolic link, not a regular file, or larger than {@code maxBytes}
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        PosixFileAttributes attributes = attributes(file);
        if (attributes.size() > maxBytes) {
            throw UnsafeFileException.tooLarge(file, maxBytes);
        }
        ByteBuffer buffer = ByteBuffer.allocate(maxBytes + 1); // one more: to tell "exactly the limit" from "more"
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until the end or one byte past the limit
            }
        } catch (IOException e) { // ELOOP comes as a bare IOException
            if (Files.isSymbolicLink(file)) { // swapped for a link since the check above
                throw withCause(UnsafeFileException.symbolicLink(file), e);
            }
            throw e;
        }
        if (buffer.position() > maxBytes) {
            throw UnsafeFileException.tooLarge(file, maxBytes); // grew since the check above
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /**
     * The attributes of {@code file}, read without following a link.
     *
     * @throws NoSuchFileException when nothing is there
     * @throws UnsafeFileException when it is a symbolic link or not a regular file
     */
    public static PosixFileAttributes attributes(Path file) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw UnsafeFileException.symbolicLink(file);
        }
        if (!attributes.isRegularFile()) {
            throw UnsafeFileException.notRegular(file);
        }
        return attributes;
    }

    private static UnsafeFileException withCause(UnsafeFileException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }
}
