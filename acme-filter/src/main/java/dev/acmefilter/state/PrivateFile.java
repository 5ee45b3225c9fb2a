package dev.acmefilter.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Small owner-only files (state, account key, pending key) written so that a crash leaves
 * the old content or the new, never part of one: a 0600 temporary file beside the target,
 * synced, then moved or linked into place. Never readable by others, not even for a moment.
 */
public final class PrivateFile {

    private PrivateFile() {
    }

    /** Writes {@code content} to {@code file}, replacing it atomically. */
    public static void replace(Path file, byte[] content) throws IOException {
        Path tmp = synced(file, content);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code content} to {@code file}, replacing it atomically, with the owner and group
     * of {@code like} when that exists: a file that the admin replaces as root stays readable
     * by the webapp's user. Best effort: only root may give a file another owner, and a
     * process that may not keeps the file as its own rather than fail.
     */
    public static void replaceOwnedLike(Path file, byte[] content, Path like) throws IOException {
        Path tmp = synced(file, content);
        try {
            if (Files.exists(like)) {
                PosixFileAttributes reference = Files.readAttributes(like, PosixFileAttributes.class);
                PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
                PosixFileAttributes current = view.readAttributes();
                try {
                    if (!reference.owner().equals(current.owner())) {
                        view.setOwner(reference.owner());
                    }
                    if (!reference.group().equals(current.group())) {
                        view.setGroup(reference.group());
                    }
                } catch (FileSystemException e) {
                    // not root: the file stays ours, still owner-only
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code content} to {@code file}, which must not exist yet.
     *
     * @throws java.nio.file.FileAlreadyExistsException when it does: nothing is overwritten
     */
    public static void createNew(Path file, byte[] content) throws IOException {
        Path tmp = synced(file, content);
        try {
            Files.createLink(file, tmp); // a link never replaces an existing file
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path synced(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(content));
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }
}
